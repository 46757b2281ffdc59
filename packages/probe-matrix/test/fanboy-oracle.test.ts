import type { CallOutcome } from '@calc/core';
import { describe, expect, it } from 'vitest';
import { callsByService, faultIn, parseCallRecord } from '../src/index.js';

const call = (service: CallOutcome['service'], op1: number, op2: number, rest: Partial<CallOutcome>): CallOutcome => ({ service, operands: { op1, op2 }, latencyMs: 1, ...rest });
const deliberate = { status: 502, code: 'DOWNSTREAM_ERROR', message: 'anything at all', downstream: { service: 'division', status: 422, code: 'DIVISION_BY_ZERO' } };

describe("MathFanBoy's records, judged by their fields", () => {
  it('reads a call record back, and nothing else', () => {
    const record = call('percentage', 40, 50, { result: 20 });
    expect(parseCallRecord(JSON.stringify(record))).toEqual(record);
    expect(parseCallRecord(JSON.stringify({ summary: { calls: 2 } }))).toBeUndefined();
    expect(parseCallRecord('percentage(40, 50) = 20  (3.1 ms)')).toBeUndefined();
    expect(parseCallRecord('{"service":"sqrt","operands":{"op1":1,"op2":2}}')).toBeUndefined();
    expect(parseCallRecord('{not json')).toBeUndefined();
  });

  it('accepts exact results and the deliberate errors only, whatever their messages say', () => {
    expect(faultIn(call('division', 51, 67, { result: 51 / 67 }))).toBeUndefined();
    expect(faultIn(call('percentage', 29, 38, { result: (29 * 38) / 100 }))).toBeUndefined();
    expect(faultIn(call('addition', 1, 2, { result: 4 }))).toBe('addition(1, 2) gave 4, expected 3');
    expect(faultIn(call('percentage', 1, 2, deliberate))).toBeUndefined();
    expect(faultIn(call('division', 1, 0, { status: 422, code: 'DIVISION_BY_ZERO', message: 'x' }))).toBeUndefined();
    // The same fields with another callee, status or code are not the deliberate fault.
    expect(faultIn(call('percentage', 1, 2, { ...deliberate, downstream: { service: 'multiplication', status: 403, code: 'ERR_DIRECT_INVOKE' } }))).toMatch(/failed unexpectedly/);
    expect(faultIn(call('percentage', 1, 2, { ...deliberate, message: 'division answered 422 DIVISION_BY_ZERO', downstream: undefined }))).toMatch(/failed unexpectedly/);
    expect(faultIn(call('division', 1, 2, { status: 422, code: 'DIVISION_BY_ZERO', message: 'x' }))).toMatch(/failed unexpectedly/);
    expect(faultIn(call('addition', 1, 2, { code: 'CLIENT_ERROR', message: 'ECONNREFUSED' }))).toBe('addition(1, 2) failed unexpectedly: no answer CLIENT_ERROR: ECONNREFUSED');
  });
});

describe("MathFanBoy's counts per service", () => {
  it('tells the deliberate errors, which the callee answered, from a call that failed on the caller side', () => {
    const deliberate = {
      service: 'percentage',
      operands: { op1: 1, op2: 2 },
      status: 502,
      code: 'DOWNSTREAM_ERROR',
      downstream: { service: 'division', status: 422, code: 'DIVISION_BY_ZERO' },
    } as const;
    // On kind at start-up: the callee's `<app-id>-dapr` name did not resolve yet, so it never saw the call.
    const callerSide = { service: 'percentage', operands: { op1: 1, op2: 2 }, status: 500, code: 'ERR_DIRECT_INVOKE' } as const;
    const ok = { service: 'percentage', operands: { op1: 1, op2: 2 }, result: 0.02 } as const;
    expect(callsByService([deliberate, callerSide, ok] as never).percentage).toEqual({ calls: 3, errors: 2, deliberate: 1 });
  });
});
