import { judgeFanBoy } from '@calc/probe-matrix';
import { describe, expect, it } from 'vitest';
import { linesSince } from '../src/fanboy-log.js';

// Lines as `kubectl logs --timestamps` prints MathFanBoy's output.
const at = (time: string, line: string) => `2026-11-25T10:00:${time}.000000000Z ${line}`;
// MathFanBoy's json format (MATHFANBOY_FORMAT=json in k8s-base): one record per call.
const record = (service: string, op1: number, op2: number, rest: object) => JSON.stringify({ service, operands: { op1, op2 }, latencyMs: 1, ...rest });
const EARLY_FAILURE = record('multiplication', 6, 7, { status: 503, code: 'UNAVAILABLE', message: 'connect ECONNREFUSED' });
const GOOD = record('multiplication', 6, 7, { result: 42 });
const SINCE = new Date('2026-11-25T10:00:05Z');

describe("MathFanBoy's log in the kind e2e", () => {
  it('keeps only what was logged after every rollout finished, and counts the rest', () => {
    const log = [at('01', EARLY_FAILURE), at('02', EARLY_FAILURE), at('10', GOOD), at('11', record('addition', 1, 2, { result: 3 })), ''].join('\n');
    expect(linesSince(log, SINCE)).toEqual({ lines: [GOOD, record('addition', 1, 2, { result: 3 })], skipped: 2 });
  });

  it('the shared judgement then catches a wrong result or an unexpected error after the rollouts', () => {
    const log = [at('10', GOOD), at('12', record('multiplication', 6, 7, { result: 41 })), at('13', EARLY_FAILURE)].join('\n');
    const { lines, skipped } = linesSince(log, SINCE);
    const report = judgeFanBoy('dapr', lines, skipped);
    expect(report).toMatchObject({ pass: false, calls: 3, skipped: 0 });
    expect(report.faults).toHaveLength(2);
  });

  it('fails when MathFanBoy logged too little since', () => {
    const { lines, skipped } = linesSince(at('01', GOOD), SINCE);
    expect(judgeFanBoy('dapr', lines, skipped)).toMatchObject({ pass: false, calls: 0, skipped: 1 });
  });
});
