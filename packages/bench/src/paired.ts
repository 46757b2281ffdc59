// The statistics of a paired benchmark: each round measures every scenario back to back, so the
// scenario minus the baseline *of the same round* cancels what drifted between rounds (a noisy
// neighbour, a CPU that slept); the rounds' differences give the estimate and its interval.

/** A figure with its 95 % interval (bootstrap over the rounds), in the unit of its inputs. */
export interface Estimate {
  value: number;
  low: number;
  high: number;
  /** How many paired differences it rests on. */
  n: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? Number.NaN : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A small seeded generator (mulberry32): the same data always gives the same interval. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The median of the values, with a 95 % percentile-bootstrap interval (the rounds resampled). */
export function estimate(values: readonly number[], resamples = 2000): Estimate {
  const n = values.length;
  if (n === 0) return { value: Number.NaN, low: Number.NaN, high: Number.NaN, n };
  const random = seeded(n * 7919 + Math.round(values.reduce((a, b) => a + b, 0)));
  const medians: number[] = [];
  for (let r = 0; r < resamples; r++) medians.push(median(Array.from({ length: n }, () => values[Math.floor(random() * n)]!)));
  medians.sort((a, b) => a - b);
  return { value: median(values), low: medians[Math.floor(0.025 * resamples)]!, high: medians[Math.ceil(0.975 * resamples) - 1]!, n };
}

/** Per round, the scenario's figure minus the baseline's figure of the same round. */
export function pairedDifferences(scenario: readonly number[], baseline: readonly number[]): number[] {
  if (scenario.length !== baseline.length) throw new Error(`unpaired rounds: ${scenario.length} against ${baseline.length}`);
  return scenario.map((v, i) => v - baseline[i]!);
}

/** How far two runs' estimates agree: their relative difference, and whether their intervals overlap. */
export interface Agreement {
  differencePct: number;
  overlap: boolean;
  /** Within 10 %, or the intervals overlap (the project's repeatability target). */
  pass: boolean;
}

export function agreement(a: Estimate, b: Estimate, targetPct = 10): Agreement {
  const differencePct = (Math.abs(a.value - b.value) / Math.max(Math.abs((a.value + b.value) / 2), 1e-9)) * 100;
  const overlap = a.low <= b.high && b.low <= a.high;
  return { differencePct, overlap, pass: differencePct <= targetPct || overlap };
}

/** What a loaded slice's own counters say about whether the machine, not the sidecar, set its latency. */
export interface SliceLoad {
  rate: number;
  achievedRate: number;
  sendLagP99Us: number;
  /** CPU of the scenario's busiest process during the slice, in cores (1 = one core all the time). */
  busiestCores: number;
  /** CPU of the scenario's processes and the generator together, in cores. */
  totalCores: number;
}

export const SATURATION = { achievedFraction: 0.95, sendLagP99Us: 1000, busiestCores: 0.85, machineFraction: 0.9 } as const;

/**
 * Why a slice counts as saturated (empty: it did not), each reason led by its kind: the schedule
 * slipped, the generator lagged, or CPU ran out.
 */
export function saturationReasons(s: SliceLoad, machineCores: number): string[] {
  const reasons: string[] = [];
  if (s.achievedRate < SATURATION.achievedFraction * s.rate) reasons.push(`schedule slipped: achieved ${s.achievedRate.toFixed(0)}/s of ${s.rate}/s`);
  if (s.sendLagP99Us > SATURATION.sendLagP99Us) reasons.push(`generator lagged: send lag p99 ${(s.sendLagP99Us / 1000).toFixed(1)} ms`);
  if (s.busiestCores > SATURATION.busiestCores) reasons.push(`a process out of CPU: ${(s.busiestCores * 100).toFixed(0)} % of a core`);
  if (s.totalCores > SATURATION.machineFraction * machineCores) reasons.push(`the machine out of CPU: ${s.totalCores.toFixed(2)} of ${machineCores} cores busy`);
  return reasons;
}

/** A reason's kind, without its figures: what a row of many slices says once. */
export function reasonKind(reason: string): string {
  return reason.split(':')[0]!;
}

/** One step of the knee search: the direct baseline at a rate. */
export interface KneePoint {
  rate: number;
  p50Us: number;
  p90Us: number;
  saturated: string[];
}

/** How much worse than the best p90 seen a p90 must be to count as queueing: twice, and by half a millisecond at least. */
export const QUEUEING = { factor: 2, marginUs: 500 } as const;

/**
 * The direct baseline's knee: the highest rate of the ramp before the first that queues — saturated
 * by its own counters, or a p90 over twice the lowest p90 seen so far and half a millisecond above
 * it (a sleeping CPU makes the lowest rates slow too, so the reference is the best seen, not the
 * first; the margin keeps a 100 µs wobble from passing for a queue).
 */
export function kneeOf(points: readonly KneePoint[]): { rate: number; why: string; found: boolean } {
  let best = Number.POSITIVE_INFINITY;
  for (const [i, p] of points.entries()) {
    const slower = p.p90Us > QUEUEING.factor * best && p.p90Us - best > QUEUEING.marginUs;
    const queued = p.saturated.length > 0 ? p.saturated.join(', ') : slower ? `p90 ${p.p90Us} µs, over twice the best ${best} µs` : '';
    if (queued) return { rate: points[i - 1]?.rate ?? p.rate, why: `${p.rate}/s queues: ${queued}`, found: true };
    best = Math.min(best, p.p90Us);
  }
  return { rate: points.at(-1)?.rate ?? 0, why: 'no rate of the ramp queued: the knee is above it', found: false };
}
