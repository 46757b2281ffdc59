import { describe, expect, it } from 'vitest';
import { DownstreamError, errorCodeOf, FanBoy, runFanBoy, type FanBoyFormat, type Invoker } from '../src/index.js';

/** A random source that replays the given draws in order. */
function draws(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}

function fanboyWith(invoker: Invoker, random: () => number, summaryEvery = 0, format: FanBoyFormat = 'text') {
  const lines: string[] = [];
  let clock = 0;
  const fanboy = new FanBoy({ invoker, random, now: () => (clock += 2.5), print: (l) => lines.push(l), summaryEvery, format });
  return { fanboy, lines };
}

describe('FanBoy', () => {
  it('calls the operation and operands its random source picks, and prints the result with the latency', async () => {
    const calls: unknown[] = [];
    const invoker: Invoker = {
      call: async (service, operands) => {
        calls.push([service, operands]);
        return 42;
      },
    };
    // 0.5 → the third of five operations (multiplication); 0.06 → 6; 0.07 → 7.
    const { fanboy, lines } = fanboyWith(invoker, draws(0.5, 0.06, 0.07));
    const outcome = await fanboy.tick();
    expect(calls).toEqual([['multiplication', { op1: 6, op2: 7 }]]);
    expect(outcome).toMatchObject({ service: 'multiplication', result: 42, latencyMs: 2.5 });
    expect(lines).toEqual(['multiplication(6, 7) = 42  (2.5 ms)']);
  });

  it('prints a failed call with its status and code, keeps going, and counts it', async () => {
    const body = { error: { code: 'DOWNSTREAM_ERROR', message: 'division answered 422 DIVISION_BY_ZERO' } };
    let fail = true;
    const invoker: Invoker = {
      call: async () => {
        if (fail) throw new DownstreamError('percentage', 502, body, 'percentage answered 502');
        return 1;
      },
    };
    const { fanboy, lines } = fanboyWith(invoker, draws(0.9, 0.4, 0.5));
    await fanboy.tick();
    fail = false;
    await fanboy.tick();
    expect(lines[0]).toBe('percentage(40, 50) -> 502 DOWNSTREAM_ERROR: division answered 422 DIVISION_BY_ZERO  (2.5 ms)');
    expect(fanboy.tally.get('percentage')).toEqual({ calls: 2, errors: 1 });
  });

  it('reports a callee that cannot be reached, and other client failures', async () => {
    const unreachable: Invoker = { call: async () => Promise.reject(new DownstreamError('addition', undefined, undefined, 'ECONNREFUSED')) };
    const broken: Invoker = { call: async () => Promise.reject(new TypeError('boom')) };
    const a = fanboyWith(unreachable, draws(0));
    const b = fanboyWith(broken, draws(0));
    await a.fanboy.tick();
    await b.fanboy.tick();
    expect(a.lines[0]).toBe('addition(0, 0) -> no answer UNKNOWN: ECONNREFUSED  (2.5 ms)');
    expect(b.lines[0]).toBe('addition(0, 0) -> no answer CLIENT_ERROR: boom  (2.5 ms)');
  });

  it('prints a summary every N calls', async () => {
    const { fanboy, lines } = fanboyWith({ call: async () => 1 }, draws(0.1), 2);
    for (let i = 0; i < 4; i++) await fanboy.tick();
    expect(lines.filter((l) => l.startsWith('summary:'))).toEqual([
      'summary: 2 calls, 0 errors — addition 2 calls/0 errors, subtraction 0 calls/0 errors, multiplication 0 calls/0 errors, division 0 calls/0 errors, percentage 0 calls/0 errors',
      'summary: 4 calls, 0 errors — addition 4 calls/0 errors, subtraction 0 calls/0 errors, multiplication 0 calls/0 errors, division 0 calls/0 errors, percentage 0 calls/0 errors',
    ]);
  });

  it('runs until its signal aborts, finishing the call in flight', async () => {
    const { fanboy } = fanboyWith({ call: async () => 1 }, draws(0.1));
    const stop = new AbortController();
    let sleeps = 0;
    await runFanBoy(fanboy, 10, stop.signal, async () => {
      if (++sleeps === 3) stop.abort();
    });
    expect(fanboy.tally.get('addition')?.calls).toBe(3);
  });
});

describe('errorCodeOf', () => {
  it('reads our code and a Dapr sidecar code', () => {
    expect(errorCodeOf({ error: { code: 'X' } })).toBe('X');
    expect(errorCodeOf({ errorCode: 'ERR_DIRECT_INVOKE', message: 'denied' })).toBe('ERR_DIRECT_INVOKE');
    expect(errorCodeOf('text')).toBeUndefined();
  });
});

describe('FanBoy, json format', () => {
  it("prints each call as one JSON record, a percentage 502 with the callee's status and code", async () => {
    const body = {
      error: { code: 'DOWNSTREAM_ERROR', message: 'division answered 422', downstream: { service: 'division', status: 422, body: { error: { code: 'DIVISION_BY_ZERO' } } } },
    };
    const invoker: Invoker = { call: async (service) => Promise.reject(new DownstreamError(service, 502, body, 'x')) };
    const { fanboy, lines } = fanboyWith(invoker, draws(0.9, 0.4, 0.5), 1, 'json');
    await fanboy.tick();
    expect(JSON.parse(lines[0]!)).toEqual({
      service: 'percentage',
      operands: { op1: 40, op2: 50 },
      latencyMs: 2.5,
      status: 502,
      code: 'DOWNSTREAM_ERROR',
      message: 'division answered 422',
      downstream: { service: 'division', status: 422, code: 'DIVISION_BY_ZERO' },
    });
    expect(JSON.parse(lines[1]!)).toMatchObject({ summary: { calls: 1, errors: 1, byService: { percentage: { calls: 1, errors: 1 } } } });
  });
});
