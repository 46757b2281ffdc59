// percentage counts its calls in Redis, as a plain TCP client speaking Redis's protocol (no library):
// the lab's layer-4 workload, which a mesh can authorize and Dapr cannot (Dapr handles HTTP and gRPC only).
import { createConnection, type Socket } from 'node:net';
import { ConfigError } from '@calc/config';
import { PERCENTAGE_CALLS_KEY } from '@calc/core';
import type { Logger } from './log.js';

/** Where the counter lives: REDIS_URL, `redis://host:port`. */
export interface RedisAddress {
  host: string;
  port: number;
}

export const CALLS_KEY = PERCENTAGE_CALLS_KEY;

export function redisAddressOf(raw: string): RedisAddress {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`REDIS_URL=${JSON.stringify(raw)} is not a URL: expected redis://host:port`);
  }
  if (url.protocol !== 'redis:' || !url.hostname) throw new ConfigError(`REDIS_URL=${JSON.stringify(raw)}: expected redis://host:port`);
  return { host: url.hostname, port: url.port ? Number(url.port) : 6379 };
}

/**
 * `INCR percentage:calls` on one kept-open connection, fire and forget: the count is a side effect,
 * so a Redis that cannot be reached (or a mesh that closes the connection) is logged, never fails a
 * calculation. The next call connects again.
 */
export class CallCounter {
  private socket: Socket | undefined;
  private failing = false;

  constructor(
    private readonly at: RedisAddress,
    private readonly log: Logger,
  ) {}

  increment(): void {
    (this.socket ?? this.connect()).write(`INCR ${CALLS_KEY}\r\n`);
  }

  close(): void {
    this.socket?.end();
    this.socket = undefined;
  }

  private connect(): Socket {
    const socket = createConnection(this.at);
    socket.setNoDelay(true);
    socket.setEncoding('utf8');
    // Replies are `:<count>`; one starting with `-` is Redis's error.
    socket.on('data', (reply: string) => {
      if (reply.startsWith('-')) this.report(reply.trim());
      else if (this.failing) {
        this.failing = false;
        this.log.info({ redis: this.at }, 'call counter: Redis answers again');
      }
    });
    socket.on('error', (error) => this.report(error.message));
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
    });
    this.socket = socket;
    return socket;
  }

  /** Logged once per outage, not once per call. */
  private report(problem: string): void {
    if (this.failing) return;
    this.failing = true;
    this.log.warn({ redis: this.at, problem }, 'call counter: Redis did not take the count');
  }
}
