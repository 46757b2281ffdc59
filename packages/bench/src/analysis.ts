import type { LoadResult } from './loadgen.js';
import { median } from './paired.js';
/** The four ways one call (client → multiplication) can travel, measured side by side. */
export const SCENARIOS = ['direct', 'dapr', 'mesh', 'dapr-mesh'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface RunRecord {
  rep: number;
  rate: number;
  scenario: Scenario;
  result: LoadResult;
  /** CPU milliseconds per 1000 requests, per process role of the scenario. */
  cpuPer1000: Record<string, number>;
}

export const PERCENTILES = ['p50', 'p90', 'p99', 'p999', 'max'] as const;
export type Percentile = (typeof PERCENTILES)[number];

export interface Row {
  rate: number;
  scenario: Scenario;
  /** Median over repetitions, µs. */
  latency: Record<Percentile, number>;
  /** Median over repetitions of (scenario − direct of the same repetition), µs. */
  added: Record<Percentile, number>;
  /** Spread of the added p50 across repetitions: (max − min) / median, in %. */
  addedP50SpreadPct: number;
  sendLagP99: number;
  requests: number;
  completed: number;
  errors: number;
}

export { median } from './paired.js';

/** The table: per rate and scenario, medians over repetitions, and what the sidecars add over direct. */
export function tabulate(runs: RunRecord[]): Row[] {
  const rows: Row[] = [];
  const rates = [...new Set(runs.map((r) => r.rate))];
  const scenarios = [...new Set(runs.map((r) => r.scenario))];
  for (const rate of rates) {
    for (const scenario of scenarios) {
      const mine = runs.filter((r) => r.rate === rate && r.scenario === scenario);
      if (mine.length === 0) continue;
      const baseline = (rep: number) => runs.find((r) => r.rate === rate && r.scenario === 'direct' && r.rep === rep)?.result.latencyUs;
      const pick = (p: Percentile) => median(mine.map((r) => r.result.latencyUs[p]));
      const addedOf = (r: RunRecord, p: Percentile) => r.result.latencyUs[p] - (baseline(r.rep)?.[p] ?? Number.NaN);
      const addedP50 = mine.map((r) => addedOf(r, 'p50'));
      const mid = median(addedP50);
      rows.push({
        rate,
        scenario,
        latency: Object.fromEntries(PERCENTILES.map((p) => [p, pick(p)])) as Record<Percentile, number>,
        added: Object.fromEntries(PERCENTILES.map((p) => [p, median(mine.map((r) => addedOf(r, p)))])) as Record<Percentile, number>,
        addedP50SpreadPct: scenario === 'direct' || mine.length < 2 || mid === 0 ? 0 : ((Math.max(...addedP50) - Math.min(...addedP50)) / Math.abs(mid)) * 100,
        sendLagP99: median(mine.map((r) => r.result.sendLagUs.p99)),
        requests: mine.reduce((n, r) => n + r.result.requests, 0),
        completed: mine.reduce((n, r) => n + r.result.completed, 0),
        errors: mine.reduce((n, r) => n + r.result.errors, 0),
      });
    }
  }
  return rows;
}

/** Median CPU ms per 1000 requests of each role, per scenario, at one rate. */
export function cpuTable(runs: RunRecord[], rate: number): Record<string, Record<string, number>> {
  const atRate = runs.filter((r) => r.rate === rate);
  const out: Record<string, Record<string, number>> = {};
  for (const scenario of new Set(atRate.map((r) => r.scenario))) {
    const mine = atRate.filter((r) => r.scenario === scenario);
    const roles = Object.keys(mine[0]?.cpuPer1000 ?? {});
    out[scenario] = Object.fromEntries(roles.map((role) => [role, median(mine.map((r) => r.cpuPer1000[role] ?? Number.NaN))]));
  }
  return out;
}
