import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_OF, OPERATION_SERVICES, type OperationService } from '@calc/core';
import { faultIn, parseCallRecord } from '@calc/probe-matrix';
import { entryOf, launch, startMeshSet, type MeshSet } from '../src/index.js';
import { postJson } from './helpers.js';

const EXPECTED: Record<OperationService, (a: number, b: number) => number> = {
  addition: (a, b) => a + b,
  subtraction: (a, b) => a - b,
  multiplication: (a, b) => a * b,
  division: (a, b) => a / b,
  percentage: (a, b) => (a * b) / 100,
};

describe('the mesh-agnostic set as real processes', () => {
  let set: MeshSet;
  beforeAll(async () => {
    set = await startMeshSet({ env: { PERCENTAGE_FAULT_RATE: '0.5' } });
  });
  afterAll(async () => {
    await set?.stop();
  });

  it('MathFanBoy calls every operation through the URLs and every call it records is right', async () => {
    const lines: string[] = [];
    const fanboy = await launch({
      name: 'mathfanboy',
      command: [entryOf('mathfanboy', 'agnostic')],
      env: { ...process.env, ...set.urls, MATHFANBOY_INTERVAL_MS: '2', MATHFANBOY_SUMMARY_EVERY: '0', MATHFANBOY_FORMAT: 'json' },
      onLine: (line, stream) => stream === 'stdout' && lines.push(line),
    });
    await until(() => lines.length >= 150, 20_000);
    expect(await fanboy.stop()).toBe(0);

    // Every stdout line is a call record, but the last: its final tally, on SIGTERM.
    const calls = lines.slice(0, -1).map((line) => {
      const call = parseCallRecord(line);
      expect(call, line).toBeDefined();
      expect(faultIn(call!), line).toBeUndefined();
      return call!;
    });
    // The article's deliberate errors show up: percentage's 502 carrying division's 422.
    expect(calls.some((c) => c.service === 'percentage' && c.status === 502 && c.downstream?.code === 'DIVISION_BY_ZERO')).toBe(true);
    expect(new Set(calls.map((c) => c.service))).toEqual(new Set(OPERATION_SERVICES));
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ summary: { calls: calls.length } });
  });

  it("percentage answers 502 carrying division's 422 when the divisor is 0, and the exact value otherwise", async () => {
    const url = `${set.urlOf('percentage')}/percentage`;
    const seen = new Set<number>();
    for (let i = 0; i < 40 && seen.size < 2; i++) {
      const res = await postJson(url, JSON.stringify({ op1: 40, op2: 50 }));
      seen.add(res.status);
      if (res.status === 200) expect(res.json).toEqual({ result: 20 });
      else {
        expect(res.status).toBe(502);
        expect(res.json.error).toMatchObject({
          code: 'DOWNSTREAM_ERROR',
          downstream: { service: 'division', status: 422, body: { error: { code: 'DIVISION_BY_ZERO' } } },
        });
      }
    }
    // With a fault rate of 0.5, forty tries without both outcomes would happen once in 2^39 runs.
    expect([...seen].sort()).toEqual([200, 502]);
  });

  it.each(OPERATION_SERVICES)('%s answers its route at its URL', async (service) => {
    // Percentage fails half the time on purpose (checked above): ask again until it answers, at most 40 times.
    let res = await postJson(`${set.urlOf(service)}/${METHOD_OF[service]}`, '{"op1": 8, "op2": 2}');
    for (let i = 0; service === 'percentage' && res.status === 502 && i < 40; i++) {
      res = await postJson(`${set.urlOf(service)}/${METHOD_OF[service]}`, '{"op1": 8, "op2": 2}');
    }
    expect([res.status, res.json]).toEqual([200, { result: EXPECTED[service](8, 2) }]);
  });
});

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
