import type { RequestHandler } from 'express';
import { compute, DEFAULT_PORT, FANBOY_FORMATS, FanBoy, METHOD_OF, percentage, runFanBoy, type Invoker, type Operands, type OperationService } from '@calc/core';
import { createApp } from './app.js';
import { choiceFromEnv, ConfigError, numberFromEnv, portFromEnv } from './config.js';
import { createLogger, type Logger } from './log.js';
import { listen, onShutdown, type Listening } from './server.js';

/** What a variant (Dapr-aware or mesh-agnostic) plugs into a service: its transport and, optionally, a guard. */
export interface Edge {
  /** How this service calls others; a factory, so a configuration error is reported, not thrown at import. */
  invoker?: () => Invoker;
  /** Checked before the operation routes, e.g. Dapr's app API token. */
  guard?: () => RequestHandler | undefined;
}

export interface FanBoyEdge extends Edge {
  invoker: () => Invoker;
  /** Serve /healthz and /readyz while calling: Dapr needs an app channel to the app; the mesh does not. */
  webHost: boolean;
}

/** The handler of each operation service's single route, from the shared core. */
export function operationsOf(service: OperationService, invoker?: Invoker): Record<string, (o: Operands) => Promise<number> | number> {
  const path = `/${METHOD_OF[service]}`;
  if (service !== 'percentage') return { [path]: (operands) => compute(service, operands) };
  if (!invoker) throw new Error('percentage needs an invoker to call multiplication and division');
  const faultRate = numberFromEnv('PERCENTAGE_FAULT_RATE', 0.5, 0, 1);
  return { [path]: (operands) => percentage(operands, { invoker, random: Math.random, faultRate }) };
}

/** Starts an operation service: PORT (default: the article's port) on HOST (default 0.0.0.0), graceful stop. */
export function runOperationService(service: OperationService, edge: Edge = {}): void {
  const log = createLogger(service);
  start(log, async () => {
    const operations = operationsOf(service, edge.invoker?.());
    return serveApp(log, DEFAULT_PORT[service], { operations, guard: edge.guard?.() });
  });
}

/** Starts MathFanBoy's calling loop (and its web host when the variant needs one); stops on SIGTERM/SIGINT. */
export function runMathFanBoy(edge: FanBoyEdge): void {
  // Its call lines are the product and go to stdout; its own logs go to stderr.
  const log = createLogger('mathfanboy', process.env.LOG_LEVEL ?? 'info', 2);
  start(log, async () => {
    const intervalMs = numberFromEnv('MATHFANBOY_INTERVAL_MS', 1000, 1, 3_600_000);
    const summaryEvery = numberFromEnv('MATHFANBOY_SUMMARY_EVERY', 10, 0, 1_000_000);
    const format = choiceFromEnv('MATHFANBOY_FORMAT', FANBOY_FORMATS, 'text');
    const fanboy = new FanBoy({
      invoker: edge.invoker(),
      random: Math.random,
      now: () => performance.now(),
      print: (line) => process.stdout.write(`${line}\n`),
      summaryEvery,
      format,
    });
    const host = edge.webHost ? await serveApp(log, DEFAULT_PORT.mathfanboy, { guard: edge.guard?.() }) : undefined;
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

async function serveApp(log: Logger, defaultPort: number, options: Omit<Parameters<typeof createApp>[0], 'log' | 'isReady'>): Promise<Running> {
  let ready = true;
  const app = createApp({ ...options, log, isReady: () => ready });
  const listening: Listening = await listen(app, portFromEnv(defaultPort), process.env.HOST ?? '0.0.0.0', log);
  return {
    stop: async () => {
      ready = false;
      await listening.close();
    },
  };
}

/** Runs start-up; a bad configuration or a failed listen ends the process with one clear line, no stack trace. */
function start(log: Logger, startup: () => Promise<Running>): void {
  startup().then(
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
