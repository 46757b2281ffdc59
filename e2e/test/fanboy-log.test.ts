import { describe, expect, it } from 'vitest';
import { judgeFanBoyLog } from '../src/fanboy-log.js';

// Lines as `kubectl logs --timestamps` prints MathFanBoy's output.
const at = (time: string, line: string) => `2026-11-25T10:00:${time}.000000000Z ${line}`;
// MathFanBoy's json format (MATHFANBOY_FORMAT=json in k8s-base): one record per call.
const record = (service: string, op1: number, op2: number, rest: object) => JSON.stringify({ service, operands: { op1, op2 }, latencyMs: 1, ...rest });
const EARLY_FAILURE = record('multiplication', 6, 7, { status: 503, code: 'UNAVAILABLE', message: 'connect ECONNREFUSED' });
const GOOD = record('multiplication', 6, 7, { result: 42 });

describe("MathFanBoy's log in the kind e2e", () => {
  it('judges only what was logged after every rollout finished', () => {
    const log = [at('01', EARLY_FAILURE), at('02', EARLY_FAILURE), at('10', GOOD), at('11', record('addition', 1, 2, { result: 3 })), ''].join('\n');
    const verdict = judgeFanBoyLog(log, new Date('2026-11-25T10:00:05Z'));
    expect(verdict).toMatchObject({ pass: true, calls: 2, skipped: 2, faults: [] });
    // What it counted per service covers every call, judged or not: the sidecars saw them all.
    expect(verdict.byService.multiplication).toEqual({ calls: 3, errors: 2, deliberate: 0 });
    expect(verdict.byService.addition).toEqual({ calls: 1, errors: 0, deliberate: 0 });
  });

  it('still catches a wrong result or an unexpected error after the rollouts', () => {
    const log = [at('10', GOOD), at('12', record('multiplication', 6, 7, { result: 41 })), at('13', EARLY_FAILURE)].join('\n');
    const verdict = judgeFanBoyLog(log, new Date('2026-11-25T10:00:05Z'));
    expect(verdict).toMatchObject({ pass: false, calls: 3, skipped: 0 });
    expect(verdict.faults).toHaveLength(2);
  });

  it('fails when MathFanBoy logged nothing since', () => {
    expect(judgeFanBoyLog(at('01', GOOD), new Date('2026-11-25T10:00:05Z'))).toMatchObject({ pass: false, calls: 0, skipped: 1 });
  });
});
