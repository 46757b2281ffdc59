// The composition root: how a service is put together from the core, its settings, its variant's edge (transport, guard) and the HTTP edge, and started.
import type { RequestHandler } from 'express';
import { compute, FanBoy, METHOD_OF, percentage, runFanBoy, type Invoker, type Operands, type OperationService, type ServiceName } from '@calc/core';
import { createApp } from './app.js';
import { CallCounter } from './call-counter.js';
import { ConfigError } from './config.js';
import { createLogger, type Logger } from './log.js';
import { listen, onShutdown, type Listening } from './server.js';
import { readSettings, type ServiceSettings } from './settings.js';

/**
 * What a variant (Dapr-aware or mesh-agnostic) plugs into a service: its own settings (the peers' URLs,
 * Dapr's app token), read with the service's at start-up, its transport and, optionally, a guard.
 * Factories, so a bad setting is reported in one line, not thrown at import.
 */
export interface Edge<T = unknown> {
  settings?: (env: NodeJS.ProcessEnv) => T;
  /** How this service calls others: used only by services that call (percentage, MathFanBoy). */
  invoker?: (settings: T) => Invoker;
  /** Checked before the operation routes, e.g. Dapr's app API token. */
  guard?: (settings: T) => RequestHandler | undefined;
}

export interface FanBoyEdge<T> extends Edge<T> {
  invoker: (settings: T) => Invoker;
  /** Serve /healthz and /readyz while calling: Dapr needs an app channel to the app; the mesh does not. */
  webHost: boolean;
}

/** The handler of each operation service's single route, from the shared core. */
export function operationsOf(
  service: OperationService,
  invoker?: Invoker,
  faultRate = 0.5,
  counter?: Pick<CallCounter, 'increment'>,
): Record<string, (o: Operands) => Promise<number> | number> {
  const path = `/${METHOD_OF[service]}`;
  if (service !== 'percentage') return { [path]: (operands) => compute(service, operands) };
  if (!invoker) throw new Error('percentage needs an invoker to call multiplication and division');
  return {
    [path]: (operands) => {
      counter?.increment();
      return percentage(operands, { invoker, random: Math.random, faultRate });
    },
  };
}

/** Starts an operation service with its settings (see settings.ts); stops gracefully. */
export function runOperationService<T>(service: OperationService, edge: Edge<T> = {}): void {
  start(service, edge, 1, async (settings, log) => {
    const invoker = service === 'percentage' ? edge.invoker?.(settings.edge) : undefined;
    const counter = settings.redis ? new CallCounter(settings.redis, log) : undefined;
    const operations = operationsOf(service, invoker, settings.faultRate, counter);
    const app = await serveApp(log, settings, { operations, guard: edge.guard?.(settings.edge) });
    return {
      stop: async () => {
        await app.stop();
        counter?.close();
      },
    };
  });
}

/** Starts MathFanBoy's calling loop (and its web host when the variant needs one); stops on SIGTERM/SIGINT. */
export function runMathFanBoy<T>(edge: FanBoyEdge<T>): void {
  // Its call lines are the product and go to stdout; its own logs go to stderr.
  start('mathfanboy', edge, 2, async (settings, log) => {
    const { intervalMs, summaryEvery, format } = settings.fanboy!;
    const fanboy = new FanBoy({
      invoker: edge.invoker(settings.edge),
      random: Math.random,
      now: () => performance.now(),
      print: (line) => process.stdout.write(`${line}\n`),
      summaryEvery,
      format,
    });
    const host = edge.webHost ? await serveApp(log, settings, { guard: edge.guard?.(settings.edge) }) : undefined;
    const stopping = new AbortController();
    const loop = runFanBoy(fanboy, intervalMs, stopping.signal, sleep);
    log.info({ intervalMs }, 'calling');
    return {
      stop: async () => {
        stopping.abort();
        await loop;
        process.stdout.write(`${fanboy.summary()}\n`);
        await host?.stop();
      },
    };
  });
}

interface Running {
  stop(): Promise<void>;
}

async function serveApp(log: Logger, settings: ServiceSettings, options: Omit<Parameters<typeof createApp>[0], 'log' | 'isReady'>): Promise<Running> {
  let ready = true;
  const app = createApp({ ...options, log, isReady: () => ready });
  const listening: Listening = await listen(app, settings.port, settings.host, log);
  return {
    stop: async () => {
      ready = false;
      await listening.close();
    },
  };
}

/** The service's settings and its edge's, read together: one object, read once. */
type Settings<T> = ServiceSettings & { edge: T };

/**
 * Reads the settings, then runs start-up; a bad setting or a failed listen ends the process with one
 * clear line, no stack trace. Logs go to `logFd` (MathFanBoy keeps stdout for its calls).
 */
function start<T>(service: ServiceName, edge: Edge<T>, logFd: 1 | 2, startup: (settings: Settings<T>, log: Logger) => Promise<Running>): void {
  let log = createLogger(service, 'info', logFd);
  const started = (async () => {
    const settings = { ...readSettings(service), edge: edge.settings?.(process.env) as T };
    log = createLogger(service, settings.logLevel, logFd);
    return startup(settings, log);
  })();
  started.then(
    (running) => onShutdown(log, () => running.stop()),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      log.fatal({ code: error instanceof ConfigError ? error.code : 'START_FAILED' }, message);
      process.stderr.write(`error: ${message}\n`);
      process.exit(error instanceof ConfigError ? 2 : 1);
    },
  );
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
