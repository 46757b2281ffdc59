import { describe, expect, it } from 'vitest';
import { agreement, estimate, kneeOf, pairedDifferences, reasonKind, saturationReasons } from '../src/paired.js';

describe('paired statistics', () => {
  it('cancels what drifts between rounds: the scenario minus the baseline of the same round', () => {
    // The machine slows down round after round; the sidecar's cost stays 500 µs.
    const baseline = [100, 300, 900, 200, 600];
    const scenario = baseline.map((b) => b + 500);
    const differences = pairedDifferences(scenario, baseline);
    expect(differences).toEqual([500, 500, 500, 500, 500]);
    expect(estimate(differences)).toEqual({ value: 500, low: 500, high: 500, n: 5 });
    // Unpaired, the same data would say 400 to 1,400.
    expect(() => pairedDifferences([1, 2], [1])).toThrow('unpaired rounds');
  });

  it('gives an interval that holds the median and widens with the noise, the same every time', () => {
    const quiet = estimate([490, 500, 510, 495, 505, 500, 498, 502]);
    const noisy = estimate([300, 500, 900, 450, 700, 520, 380, 610]);
    expect(quiet.low).toBeLessThanOrEqual(quiet.value);
    expect(quiet.high).toBeGreaterThanOrEqual(quiet.value);
    expect(noisy.high - noisy.low).toBeGreaterThan(quiet.high - quiet.low);
    expect(estimate([300, 500, 900, 450, 700, 520, 380, 610])).toEqual(noisy);
  });

  it('says two runs agree within 10 % or when their intervals overlap, and misses otherwise', () => {
    expect(agreement({ value: 100, low: 90, high: 110, n: 9 }, { value: 108, low: 104, high: 112, n: 9 }).pass).toBe(true);
    const apart = agreement({ value: 100, low: 95, high: 105, n: 9 }, { value: 150, low: 140, high: 160, n: 9 });
    expect(apart).toEqual({ differencePct: 40, overlap: false, pass: false });
  });
});

describe('saturation and the knee', () => {
  const calm = { rate: 1000, achievedRate: 998, sendLagP99Us: 120, busiestCores: 0.4, totalCores: 0.9 };

  it('marks a slice whose schedule slipped, whose generator lagged, or that ran out of CPU', () => {
    expect(saturationReasons(calm, 2)).toEqual([]);
    expect(saturationReasons({ ...calm, achievedRate: 900 }, 2)).toEqual(['schedule slipped: achieved 900/s of 1000/s']);
    expect(saturationReasons({ ...calm, sendLagP99Us: 3000 }, 2)).toEqual(['generator lagged: send lag p99 3.0 ms']);
    expect(saturationReasons({ ...calm, busiestCores: 0.97 }, 2)).toEqual(['a process out of CPU: 97 % of a core']);
    expect(saturationReasons({ ...calm, totalCores: 1.9 }, 2).map(reasonKind)).toEqual(['the machine out of CPU']);
  });

  it('finds the knee before the first rate that queues, against the best p90 seen (slow low rates do not count)', () => {
    const point = (rate: number, p90Us: number, saturated: string[] = []) => ({ rate, p50Us: p90Us / 2, p90Us, saturated });
    // 250/s is slow (a sleeping CPU), 500 and 1000 are fast, 2000 queues.
    expect(kneeOf([point(250, 900), point(500, 400), point(1000, 420), point(2000, 1500)])).toMatchObject({ rate: 1000, found: true });
    expect(kneeOf([point(250, 400), point(500, 410, ['generator send lag p99 2.0 ms'])])).toMatchObject({ rate: 250, found: true });
    expect(kneeOf([point(250, 400), point(500, 410)])).toMatchObject({ rate: 500, found: false });
    // Twice the best, but only 100 µs more: a wobble, not a queue.
    expect(kneeOf([point(250, 100), point(500, 95), point(1000, 198)])).toMatchObject({ found: false });
  });
});
