import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { LIFELINE_FD } from '@calc/host';
import type { ServiceName, ServiceSet } from '@calc/core';

/**
 * Node flags every service runs with (the Dockerfile's CMD repeats them; a test keeps the two equal).
 * Under load V8 grows its young generation up to 16 MB per semi-space, three of them committed, and
 * its old generation as it sees fit: percentage, which allocates for two outbound calls per request,
 * went from 85 MB to 250 MB resident at 200 requests per second (its pod's limit is 160 Mi) and
 * stayed there, with ~40 MB of heap in use: no leak, only room taken. 2 MB semi-spaces and a 64 MB
 * old generation keep it near 105 MB, at the price of more frequent, sub-millisecond collections
 * (make soak: results/soak/soak.md).
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=2', '--max-old-space-size=64'];

/** The command that runs one service of one service set: this Node, the service flags, the entry point. */
export function serviceCommand(service: ServiceName, set: ServiceSet): string[] {
  return [process.execPath, ...SERVICE_NODE_FLAGS, entryOf(service, set)];
}

/** The compiled entry point of one service of one service set, e.g. services/percentage/dist/agnostic.js. */
export function entryOf(service: ServiceName, set: ServiceSet): string {
  return fileURLToPath(new URL(`../../../services/${service}/dist/${set}.js`, import.meta.url));
}

export interface LaunchOptions {
  name: string;
  /** The program and its arguments; a .js file alone runs under this Node. */
  command: string[];
  env?: NodeJS.ProcessEnv;
  /** Wait for the JSON log line `"msg":"listening"` and read the port from it. */
  waitForListening?: boolean;
  readyTimeoutMs?: number;
  /** Every line the process prints on stdout or stderr, as it comes. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface Launched {
  name: string;
  child: ChildProcess;
  /** The port it announced, when waitForListening. */
  port: number;
  /** The last lines it printed (both streams), for error reports. */
  recentLines: string[];
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after timeoutMs; resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | string>;
}

export class LaunchError extends Error {
  constructor(
    readonly service: string,
    message: string,
    readonly recentLines: string[],
  ) {
    super(message);
    this.name = 'LaunchError';
  }
}

const RECENT_LINES = 40;
const QUIET_LEVELS = new Set(['warn', 'error', 'fatal', 'silent']);

export async function launch(options: LaunchOptions): Promise<Launched> {
  const [program, ...args] = options.command;
  if (!program) throw new Error('launch: empty command');
  const level = (options.env ?? process.env).LOG_LEVEL;
  if (options.waitForListening && level && QUIET_LEVELS.has(level)) {
    throw new Error(`launch: LOG_LEVEL=${level} hides the "listening" line that tells ${options.name} is up; use info or debug`);
  }
  const runsUnderNode = program.endsWith('.js');
  const child = spawn(runsUnderNode ? process.execPath : program, runsUnderNode ? [program, ...args] : args, {
    // fd 3 is the lifeline: the child stops when it ends, i.e. when this process is gone (see @calc/host).
    env: { ...(options.env ?? process.env), [LIFELINE_FD]: '3' },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C in the terminal reaches only the launcher, which then stops
    // each child once, in order (a child hit by both would take the second signal as "force").
    detached: true,
  });
  // Never written to; held open (without keeping this process alive) until this process ends.
  (child.stdio[3] as Socket).unref();
  const recentLines: string[] = [];
  // 'close' (not 'exit'): by then stdout and stderr are drained, so recentLines holds the last words.
  const exited = new Promise<number | string>((resolve) => {
    child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  let announcePort: (port: number) => void = () => {};
  const announced = new Promise<number>((resolve) => (announcePort = resolve));

  for (const stream of ['stdout', 'stderr'] as const) {
    createInterface({ input: child[stream]! }).on('line', (line) => {
      recentLines.push(line);
      if (recentLines.length > RECENT_LINES) recentLines.shift();
      const port = listeningPortOf(line);
      if (port !== undefined) announcePort(port);
      options.onLine?.(line, stream);
    });
  }

  const stop = async (timeoutMs = 10_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    }
    return exited;
  };

  let port = 0;
  if (options.waitForListening) {
    const timeoutMs = options.readyTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      announced.then((p) => ({ port: p })),
      exited.then((code) => ({ exitCode: code })),
      new Promise<{ timeout: true }>((resolve) => (timer = setTimeout(() => resolve({ timeout: true }), timeoutMs))),
    ]);
    clearTimeout(timer);
    if ('exitCode' in outcome) {
      throw new LaunchError(options.name, `${options.name} exited (${outcome.exitCode}) before listening: ${lastError(recentLines)}`, recentLines);
    }
    if ('timeout' in outcome) {
      await stop(1000);
      throw new LaunchError(options.name, `${options.name} did not start listening within ${timeoutMs} ms`, recentLines);
    }
    port = outcome.port;
  }
  return { name: options.name, child, port, recentLines, exited, stop };
}

/** The port in a pino line `{"msg":"listening","port":N}`. */
function listeningPortOf(line: string): number | undefined {
  if (!line.includes('"listening"')) return undefined;
  try {
    const entry = JSON.parse(line) as { msg?: unknown; port?: unknown };
    return entry.msg === 'listening' && typeof entry.port === 'number' ? entry.port : undefined;
  } catch {
    return undefined;
  }
}

/** The most telling line of a failed start: the service's own `error: …` line, else the last one. */
function lastError(lines: string[]): string {
  return lines.findLast((l) => l.startsWith('error: ')) ?? lines.at(-1) ?? 'no output';
}
