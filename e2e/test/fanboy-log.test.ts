import { describe, expect, it } from 'vitest';
import { judgeFanBoyLog } from '../src/fanboy-log.js';

// Lines as `kubectl logs --timestamps` prints MathFanBoy's output.
const at = (time: string, line: string) => `2026-11-25T10:00:${time}.000000000Z ${line}`;
const EARLY_FAILURE = 'multiplication(6, 7) -> 503 UNAVAILABLE: connect ECONNREFUSED  (1.2 ms)';
const GOOD = 'multiplication(6, 7) = 42  (0.8 ms)';

describe("MathFanBoy's log in the kind e2e", () => {
  it('judges only what was logged after every rollout finished', () => {
    const log = [at('01', EARLY_FAILURE), at('02', EARLY_FAILURE), at('10', GOOD), at('11', 'addition(1, 2) = 3  (0.5 ms)'), ''].join('\n');
    expect(judgeFanBoyLog(log, new Date('2026-11-25T10:00:05Z'))).toEqual({ pass: true, calls: 2, skipped: 2, faults: [] });
  });

  it('still catches a wrong result or an unexpected error after the rollouts', () => {
    const log = [at('10', GOOD), at('12', 'multiplication(6, 7) = 41  (0.7 ms)'), at('13', EARLY_FAILURE)].join('\n');
    const verdict = judgeFanBoyLog(log, new Date('2026-11-25T10:00:05Z'));
    expect(verdict).toMatchObject({ pass: false, calls: 3, skipped: 0 });
    expect(verdict.faults).toHaveLength(2);
  });

  it('fails when MathFanBoy logged nothing since', () => {
    expect(judgeFanBoyLog(at('01', GOOD), new Date('2026-11-25T10:00:05Z'))).toMatchObject({ pass: false, calls: 0, skipped: 1 });
  });
});
