// percentage counts its calls in Redis, a plain TCP server: the lab's layer-4 workload, which a mesh
// can authorize and Dapr cannot (Dapr handles HTTP and gRPC only). The client is Redis's own
// (@redis/client), set up so that counting never delays or fails a calculation.
import { createClient } from '@redis/client';
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

/** How long to wait before reconnecting, after the n-th attempt in a row failed: 100 ms doubling, at most 5 s. */
export const reconnectDelayMs = (retries: number) => Math.min(100 * 2 ** retries, 5000);

/**
 * `INCR percentage:calls` per call, fire and forget, on one connection the client keeps (and makes
 * again, with backoff, when it drops): the count is a side effect, so a Redis that cannot be reached,
 * or a mesh that cuts the connection off, is logged once per outage and never fails a calculation.
 * No offline queue: a count made while Redis is away is dropped at once, not held in memory and
 * replayed later.
 */
export class CallCounter {
  private readonly client;
  private failing = false;
  private closed = false;

  constructor(
    private readonly at: RedisAddress,
    private readonly log: Logger,
  ) {
    this.client = createClient({
      socket: { host: at.host, port: at.port, noDelay: true, reconnectStrategy: reconnectDelayMs },
      disableOfflineQueue: true,
      // No CLIENT SETINFO on connecting: Redis 7.0 (the lab's) does not know it.
      disableClientInfo: true,
    });
    this.client.on('error', (error: Error) => this.report(error.message));
    this.client.on('ready', () => {
      if (!this.failing) return;
      this.failing = false;
      this.log.info({ redis: this.at }, 'call counter: Redis answers again');
    });
    this.client.connect().catch((error: Error) => this.report(error.message));
  }

  increment(): void {
    // Not connected (yet, or Redis is away: the client's error event has said so): dropped at once.
    if (!this.client.isReady) return;
    this.client.incr(CALLS_KEY).catch((error: Error) => this.report(error.message));
  }

  close(): void {
    this.closed = true;
    if (this.client.isOpen) this.client.destroy();
  }

  /** Logged once per outage, not once per call. */
  private report(problem: string): void {
    if (this.failing || this.closed) return;
    this.failing = true;
    this.log.warn({ redis: this.at, problem }, 'call counter: Redis did not take the count');
  }
}
