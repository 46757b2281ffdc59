import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from './log.js';

/** How long in-flight requests may take to finish once shutdown starts. */
const DRAIN_TIMEOUT_MS = 10_000;
const IDLE_SWEEP_MS = 50;

export interface Listening {
  server: Server;
  port: number;
  /** Stop accepting, finish in-flight requests (at most DRAIN_TIMEOUT_MS), then resolve. */
  close(): Promise<void>;
}

/** Listens on host:port and logs `listening` with the real port (PORT=0 picks a free one). */
export async function listen(app: Express, port: number, host: string, log: Logger): Promise<Listening> {
  const server = app.listen(port, host);
  try {
    await once(server, 'listening');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`port ${port} on ${host} is already in use (set PORT to another)`);
    if (code === 'EADDRNOTAVAIL') throw new Error(`address ${host} is not available on this host (check HOST)`);
    throw error;
  }
  // Keep-alive connections from clients and sidecars outlive single requests; let them idle longer than
  // typical proxies do so the server is not the side that closes a reused connection mid-request.
  server.keepAliveTimeout = 65_000;
  const actualPort = (server.address() as AddressInfo).port;
  log.info({ host, port: actualPort }, 'listening');
  return {
    server,
    port: actualPort,
    close: () => drain(server),
  };
}

async function drain(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // close() only ends connections idle at this instant; a keep-alive connection whose request is
  // still in flight turns idle once answered, so keep closing idle ones until none is left.
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  const deadline = setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS);
  server.closeIdleConnections();
  await closed;
  clearInterval(sweep);
  clearTimeout(deadline);
}

/**
 * Runs `stop` once on the first SIGTERM or SIGINT, then exits 0 (1 if stopping failed).
 * A second signal while stopping exits at once.
 */
export function onShutdownSignal(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}
