import { describe, expect, it } from 'vitest';
import { DownstreamError, errorCodeOf, FanBoy, faultIn, parseCallLine, runFanBoy, type Invoker } from '../src/index.js';

/** A random source that replays the given draws in order. */
function draws(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}

function fanboyWith(invoker: Invoker, random: () => number, summaryEvery = 0) {
  const lines: string[] = [];
  let clock = 0;
  const fanboy = new FanBoy({ invoker, random, now: () => (clock += 2.5), print: (l) => lines.push(l), summaryEvery });
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

describe('reading MathFanBoy lines back', () => {
  it('parses results and failures, and ignores summaries', () => {
    expect(parseCallLine('percentage(40, 50) = 20  (3.1 ms)')).toEqual({ service: 'percentage', op1: 40, op2: 50, result: 20 });
    expect(parseCallLine('percentage(29, 38) -> 502 DOWNSTREAM_ERROR: division answered 422 DIVISION_BY_ZERO: cannot divide by zero  (27.6 ms)')).toEqual({
      service: 'percentage',
      op1: 29,
      op2: 38,
      status: '502',
      code: 'DOWNSTREAM_ERROR',
      message: 'division answered 422 DIVISION_BY_ZERO: cannot divide by zero',
    });
    expect(parseCallLine('summary: 2 calls, 0 errors — addition 2 calls/0 errors')).toBeUndefined();
  });

  it('accepts exact results and the deliberate errors only', () => {
    expect(faultIn({ service: 'division', op1: 51, op2: 67, result: 51 / 67 })).toBeUndefined();
    expect(faultIn({ service: 'percentage', op1: 29, op2: 38, result: (29 * 38) / 100 })).toBeUndefined();
    expect(faultIn({ service: 'addition', op1: 1, op2: 2, result: 4 })).toBe('addition(1, 2) printed 4, expected 3');
    expect(faultIn({ service: 'division', op1: 1, op2: 0, status: '422', code: 'DIVISION_BY_ZERO', message: 'x' })).toBeUndefined();
    expect(faultIn({ service: 'division', op1: 1, op2: 2, status: '422', code: 'DIVISION_BY_ZERO', message: 'x' })).toMatch(/failed unexpectedly/);
    expect(faultIn({ service: 'percentage', op1: 1, op2: 2, status: '502', code: 'DOWNSTREAM_ERROR', message: 'multiplication answered 403 ERR_DIRECT_INVOKE: denied' })).toMatch(
      /failed unexpectedly/,
    );
    expect(faultIn({ service: 'addition', op1: 1, op2: 2, status: 'no answer', code: 'UNKNOWN', message: 'ECONNREFUSED' })).toMatch(/failed unexpectedly/);
  });
});
