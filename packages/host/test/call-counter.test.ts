// percentage's call counter against the real redis-server (Debian's 7.0.15, the lab's; make test's
// lab-tools installs it): what it counts, and what an outage does and does not do.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { CALLS_KEY, CallCounter, reconnectDelayMs } from '../src/index.js';

const REDIS = '/usr/bin/redis-server';
// make test installs it (lab-tools); CI, which always runs make test, must not skip these.
if (!existsSync(REDIS) && process.env.CI === 'true') throw new Error(`${REDIS} is missing: make lab-tools installs it`);

/** A port free now, on loopback. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

/** redis-server on that port, nothing saved: a restart starts from an empty store. */
async function startRedis(port: number): Promise<ChildProcess> {
  const redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await until(() => cli(port, 'PING') === 'PONG');
  return redis;
}
const stop = (redis: ChildProcess) => new Promise((resolve) => redis.once('exit', resolve).kill('SIGKILL'));

function cli(port: number, ...command: string[]): string {
  try {
    return execFileSync('redis-cli', ['-p', String(port), ...command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}
const count = (port: number) => cli(port, 'GET', CALLS_KEY);

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A logger whose lines the test reads. */
function capturedLog() {
  const lines: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

describe.runIf(existsSync(REDIS))("percentage's call counter, on a real redis-server", { timeout: 30_000 }, () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('counts every call', async () => {
    const port = await freePort();
    const redis = await startRedis(port);
    cleanup.push(() => stop(redis));
    const counter = new CallCounter({ host: '127.0.0.1', port }, capturedLog().log);
    cleanup.push(() => counter.close());
    await until(() => {
      counter.increment();
      return count(port) !== '';
    });
    // Connected: let the calls made while waiting land, then count 5 more, exactly.
    await new Promise((r) => setTimeout(r, 300));
    const before = Number(count(port));
    for (let i = 0; i < 5; i++) counter.increment();
    await until(() => Number(count(port)) === before + 5);
    await new Promise((r) => setTimeout(r, 200));
    expect(Number(count(port))).toBe(before + 5);
  });

  it('a Redis restart mid-run: calls go on, one warning, nothing queued and replayed, counting again once it is back', async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    const { log, lines } = capturedLog();
    const counter = new CallCounter({ host: '127.0.0.1', port }, log);
    cleanup.push(() => counter.close());
    await until(() => {
      counter.increment();
      return count(port) !== '';
    });

    await stop(redis);
    // During the outage: each call returns at once, and the counts are dropped, not held.
    for (let i = 0; i < 200; i++) expect(counter.increment()).toBeUndefined();
    await new Promise((r) => setTimeout(r, 300));
    expect(lines.filter((l) => l.msg === 'call counter: Redis did not take the count')).toHaveLength(1);

    redis = await startRedis(port);
    cleanup.push(() => stop(redis));
    await until(() => lines.some((l) => l.msg === 'call counter: Redis answers again'));
    for (let i = 0; i < 3; i++) counter.increment();
    // An empty store after the restart: exactly the 3 calls made since, none of the 200 replayed.
    await until(() => count(port) === '3');
    await new Promise((r) => setTimeout(r, 200));
    expect(count(port)).toBe('3');
    expect(lines.filter((l) => l.msg === 'call counter: Redis did not take the count')).toHaveLength(1);
  });

  it('never throws when Redis is not there at all, and logs it once', async () => {
    const port = await freePort();
    const { log, lines } = capturedLog();
    const counter = new CallCounter({ host: '127.0.0.1', port }, log);
    cleanup.push(() => counter.close());
    for (let i = 0; i < 10; i++) expect(() => counter.increment()).not.toThrow();
    await until(() => lines.length > 0);
    await new Promise((r) => setTimeout(r, 500));
    expect(lines.map((l) => l.msg)).toEqual(['call counter: Redis did not take the count']);
  });

  it('reconnects with backoff: 100 ms doubling, at most 5 s', () => {
    expect([0, 1, 2, 5, 10].map(reconnectDelayMs)).toEqual([100, 200, 400, 3200, 5000]);
  });
});
