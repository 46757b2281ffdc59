import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad, type LoadResult } from '../src/loadgen.js';

const LOADGEN = fileURLToPath(new URL('../dist/loadgen-main.js', import.meta.url));

describe('the open-loop load generator, against a real server on loopback', () => {
  let server: Server;
  let url: string;
  let slow = false;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"result":42}');
      if (slow) setTimeout(answer, 50);
      else answer();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/multiply`;
  });
  afterAll(() => void server.close());

  it('sends exactly rate × duration measured requests, all answered and counted', async () => {
    const result = await runLoad({ url, rate: 500, durationS: 0.5, warmupS: 0.2, connections: 4, body: '{}' });
    expect(result.requests).toBe(250);
    expect(result.completed).toBe(250);
    expect(result.statuses).toEqual({ '200': 250 });
    expect(result.latencyUs.count).toBe(250);
    expect(result.sendLagUs.count).toBe(250);
    expect(result.latencyUs.p50).toBeGreaterThan(0);
  });

  it('measures from the intended send time: a server slower than the schedule shows its queueing, not hides it', async () => {
    slow = true;
    // One connection, 50 ms per answer, 100 requests per second: each request waits for the one before.
    const result = await runLoad({ url, rate: 100, durationS: 0.5, warmupS: 0, connections: 1, body: '{}' });
    slow = false;
    // A closed-loop tool would report ~50 ms for every request; the backlog grows to ~25 × 50 ms.
    expect(result.latencyUs.max).toBeGreaterThan(1_000_000);
    expect(result.latencyUs.p50).toBeGreaterThan(300_000);
    // Timed from the actual send (when the connection takes it), as fortio does, the backlog disappears.
    expect(result.serviceUs.p50).toBeGreaterThan(45_000);
    // Far below the backlog's second and more (a busy machine may stretch a 50 ms answer, not queue 25 of them).
    expect(result.serviceUs.max).toBeLessThan(500_000);
  });

  it('--listen: a generator driven over HTTP, as in a cluster: slices to its own target only, its CPU, one slice at a time', async () => {
    const generator = spawn(process.execPath, [LOADGEN, '--listen', '0'], { env: { ...process.env, LOADGEN_TARGET: url }, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(generator.stdout, 'data')) as [Buffer];
      const control = `http://127.0.0.1:${/listening on :(\d+)/.exec(line.toString())![1]}`;
      const slice = (body: object) => fetch(`${control}/slice`, { method: 'POST', body: JSON.stringify(body) });
      // The slice names another URL: the generator sends to its LOADGEN_TARGET all the same.
      const [first, second] = await Promise.all([
        slice({ kind: 'sequential', url: 'http://127.0.0.1:1/elsewhere', count: 50, body: '{}' }),
        new Promise((r) => setTimeout(r, 5)).then(() => slice({ kind: 'sequential', url, count: 1, body: '{}' })),
      ]);
      const result = (await first.json()) as LoadResult;
      expect(result.statuses).toEqual({ '200': 50 });
      expect(result.spec.url).toBe(url);
      expect(second.status).toBe(409);
      const cpu = (await (await fetch(`${control}/cpu`)).json()) as { cpuMs: number };
      expect(cpu.cpuMs).toBeGreaterThan(0);
      expect((await fetch(`${control}/nothing`)).status).toBe(404);
    } finally {
      generator.kill();
    }
  });

  it('reports failed requests as errors', async () => {
    const result = await runLoad({ url: 'http://127.0.0.1:1/', rate: 100, durationS: 0.2, warmupS: 0, connections: 2 });
    expect(result.completed).toBe(20);
    expect(result.errors).toBe(20);
    expect(result.statuses).toEqual({ error: 20 });
  });
});
