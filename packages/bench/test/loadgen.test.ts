import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { median, tabulate, type RunRecord } from '../src/analysis.js';
import { runLoad } from '../src/loadgen.js';

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

  it('reports failed requests as errors', async () => {
    const result = await runLoad({ url: 'http://127.0.0.1:1/', rate: 100, durationS: 0.2, warmupS: 0, connections: 2 });
    expect(result.completed).toBe(20);
    expect(result.errors).toBe(20);
    expect(result.statuses).toEqual({ error: 20 });
  });
});

describe('the analysis', () => {
  const run = (rep: number, scenario: RunRecord['scenario'], p50: number): RunRecord => ({
    rep,
    rate: 1000,
    scenario,
    cpuPer1000: {},
    result: {
      latencyUs: { count: 1, p50, p90: p50, p99: p50, p999: p50, max: p50, mean: p50 },
      serviceUs: { count: 1, p50, p90: p50, p99: p50, p999: p50, max: p50, mean: p50 },
      sendLagUs: { count: 1, p50: 1, p90: 1, p99: 1, p999: 1, max: 1, mean: 1 },
      requests: 1,
      completed: 1,
      errors: 0,
      statuses: { '200': 1 },
      achievedRate: 1000,
      distribution: [],
      spec: { url: '', rate: 1000, durationS: 1, warmupS: 0, connections: 1 },
    },
  });

  it('adds over the direct run of the same repetition, and states the spread', () => {
    const rows = tabulate([run(0, 'direct', 100), run(0, 'dapr', 1100), run(1, 'direct', 120), run(1, 'dapr', 1220), run(2, 'direct', 110), run(2, 'dapr', 1160)]);
    const dapr = rows.find((r) => r.scenario === 'dapr')!;
    expect(dapr.added.p50).toBe(1050);
    expect(dapr.addedP50SpreadPct).toBeCloseTo(((1100 - 1000) / 1050) * 100, 5);
    expect(median([3, 1, 2])).toBe(2);
  });
});
