// From slices to figures: paired added latencies with intervals, saturation marks, cost per request,
// and how far two runs agree.
import type { Scenario } from './analysis.js';
import type { SliceRecord } from './method.js';
import { agreement, estimate, median, pairedDifferences, reasonKind, type Agreement, type Estimate } from './paired.js';

/** Sidecars a request crosses (client side and server side). */
export const HOPS: Record<Scenario, number> = { direct: 0, dapr: 2, mesh: 2, 'dapr-mesh': 4 };
/** The mesh rows measure the local HAProxy stand-in, never Linkerd: every label says so. */
export const LABEL: Record<Scenario, string> = { direct: 'direct', dapr: 'dapr', mesh: 'mesh (HAProxy stand-in)', 'dapr-mesh': 'dapr-mesh (HAProxy stand-in)' };

type Percentile = 'p50' | 'p90' | 'p99';
const PERCENTILES: Percentile[] = ['p50', 'p90', 'p99'];

/** The figure of each round for one scenario, rounds in order. */
function perRound(records: readonly SliceRecord[], scenario: Scenario, pick: (r: SliceRecord) => number): number[] {
  return records
    .filter((r) => r.scenario === scenario)
    .sort((a, b) => a.round - b.round)
    .map(pick);
}

function paired(records: readonly SliceRecord[], scenario: Scenario, p: Percentile): Estimate {
  const of = (s: Scenario) => perRound(records, s, (r) => r.result.latencyUs[p]);
  return estimate(pairedDifferences(of(scenario), of('direct')));
}

export interface UnloadedRow {
  scenario: Scenario;
  /** Median over rounds of the slice medians, µs. */
  p50: number;
  added: Record<'p50' | 'p90', Estimate>;
  /** The added median shared among the sidecars crossed. */
  perHop: Estimate;
  samples: number;
}

export function unloadedRows(records: readonly SliceRecord[]): UnloadedRow[] {
  const scenarios = [...new Set(records.map((r) => r.scenario))];
  return scenarios.map((scenario) => {
    const added = { p50: paired(records, scenario, 'p50'), p90: paired(records, scenario, 'p90') };
    const hops = Math.max(1, HOPS[scenario]);
    return {
      scenario,
      p50: median(perRound(records, scenario, (r) => r.result.latencyUs.p50)),
      added,
      perHop: { value: added.p50.value / hops, low: added.p50.low / hops, high: added.p50.high / hops, n: added.p50.n },
      samples: records.filter((r) => r.scenario === scenario).reduce((n, r) => n + r.result.completed, 0),
    };
  });
}

export interface LoadedRow {
  rate: number;
  scenario: Scenario;
  latency: Record<Percentile, number>;
  added: Record<Percentile, Estimate>;
  /** At least half its slices were saturated: its tail is the machine's, not the sidecar's. */
  saturated: boolean;
  saturatedSlices: number;
  slices: number;
  reasons: string[];
  sendLagP99: number;
  errors: number;
}

export function loadedRows(records: readonly SliceRecord[]): LoadedRow[] {
  const rows: LoadedRow[] = [];
  for (const rate of [...new Set(records.map((r) => r.rate))]) {
    const atRate = records.filter((r) => r.rate === rate);
    for (const scenario of [...new Set(atRate.map((r) => r.scenario))]) {
      const mine = atRate.filter((r) => r.scenario === scenario);
      const saturatedSlices = mine.filter((r) => r.saturated.length > 0).length;
      rows.push({
        rate,
        scenario,
        latency: Object.fromEntries(PERCENTILES.map((p) => [p, median(mine.map((r) => r.result.latencyUs[p]))])) as Record<Percentile, number>,
        added: Object.fromEntries(PERCENTILES.map((p) => [p, paired(atRate, scenario, p)])) as Record<Percentile, Estimate>,
        saturated: saturatedSlices * 2 >= mine.length,
        saturatedSlices,
        slices: mine.length,
        reasons: [...new Set(mine.flatMap((r) => r.saturated.map(reasonKind)))],
        sendLagP99: median(mine.map((r) => r.result.sendLagUs.p99)),
        errors: mine.reduce((n, r) => n + r.result.errors, 0),
      });
    }
  }
  return rows;
}

/** A per-request figure: over all the slices together (value), and the lowest and highest of the slices one by one. */
export interface PerRequest {
  value: number;
  min: number;
  max: number;
}

export interface CostRow {
  scenario: Scenario;
  role: string;
  rate: number;
  /** CPU milliseconds per 1,000 requests: all the slices' CPU over all their requests (the clock ticks in 10 ms, so a sum beats a median of slices); the range is per slice. */
  cpuMsPer1000: PerRequest;
  contextSwitchesPerRequest: PerRequest;
}

/** Totals over slices as the figure, the slices' own values for the range. */
function ratioOf(records: readonly SliceRecord[], pick: (r: SliceRecord) => number, scale: number): PerRequest {
  const perSlice = records.map((r) => (pick(r) * scale) / r.sent);
  const total = (records.reduce((n, r) => n + pick(r), 0) * scale) / records.reduce((n, r) => n + r.sent, 0);
  return { value: total, min: Math.min(...perSlice), max: Math.max(...perSlice) };
}

/** What each process spends per request, from slices that were not saturated, at one rate. */
export function costRows(records: readonly SliceRecord[]): CostRow[] {
  const kept = records.filter((r) => r.saturated.length === 0);
  const rows: CostRow[] = [];
  for (const rate of [...new Set(kept.map((r) => r.rate))])
    for (const scenario of [...new Set(kept.map((r) => r.scenario))]) {
      const mine = kept.filter((r) => r.scenario === scenario && r.rate === rate);
      for (const role of Object.keys(mine[0]?.cpuMs ?? {}))
        rows.push({
          scenario,
          role,
          rate,
          cpuMsPer1000: ratioOf(mine, (r) => r.cpuMs[role] ?? Number.NaN, 1000),
          contextSwitchesPerRequest: ratioOf(mine, (r) => r.contextSwitches[role] ?? Number.NaN, 1),
        });
    }
  return rows;
}

/**
 * The cost per request to report for each scenario: at the highest loaded rate at which its row was
 * saturated in no run (per-request CPU falls as the rate rises: fixed wake-ups are shared by more
 * requests, so runs compare only at one rate).
 */
export function headlineCosts(costs: readonly CostRow[], loadedPerRun: readonly (readonly LoadedRow[])[]): CostRow[] {
  return [...new Set(costs.map((c) => c.scenario))].flatMap((scenario) => {
    const rates = [...new Set(costs.filter((c) => c.scenario === scenario).map((c) => c.rate))];
    const calm = rates.filter((rate) => loadedPerRun.every((rows) => rows.some((row) => row.scenario === scenario && row.rate === rate && !row.saturated)));
    const rate = calm.length ? Math.max(...calm) : Math.min(...rates);
    return costs.filter((c) => c.scenario === scenario && c.rate === rate);
  });
}

export interface Repeatability {
  /** Per scenario: each run's unloaded added median, and how far the runs agree. */
  latency: Array<{ scenario: Scenario; runs: Estimate[]; agreement: Agreement }>;
  /** Per sidecar process: each run's CPU per 1,000 requests, and how far they agree (within 10 %). */
  cpu: Array<{ scenario: Scenario; role: string; rate: number; runs: number[]; differencePct: number; pass: boolean; switches: number[]; switchesDifferencePct: number }>;
}

/**
 * How far the runs' figures agree (first against last, when there are more than two): the unloaded
 * added medians, and each sidecar's CPU per request at the rate the first run reports it at.
 */
export function repeatability(unloaded: UnloadedRow[][], costsByRate: CostRow[][], reported: readonly CostRow[]): Repeatability {
  const first = unloaded[0] ?? [];
  const last = unloaded.at(-1) ?? [];
  const latency = first
    .filter((row) => row.scenario !== 'direct')
    .map((row) => {
      const runs = unloaded.map((rows) => rows.find((r) => r.scenario === row.scenario)!.added.p50);
      return { scenario: row.scenario, runs, agreement: agreement(row.added.p50, last.find((r) => r.scenario === row.scenario)!.added.p50) };
    });
  const cpu = reported
    .filter((c) => c.role !== 'app')
    .map((c) => {
      const at = (rows: CostRow[]) => rows.find((r) => r.scenario === c.scenario && r.role === c.role && r.rate === c.rate);
      const runs = costsByRate.map((rows) => at(rows)?.cpuMsPer1000.value ?? Number.NaN);
      const switches = costsByRate.map((rows) => at(rows)?.contextSwitchesPerRequest.value ?? Number.NaN);
      const differencePct = relativeDifference(runs[0]!, runs.at(-1)!);
      return {
        scenario: c.scenario,
        role: c.role,
        rate: c.rate,
        runs,
        differencePct,
        pass: differencePct <= 10,
        switches,
        switchesDifferencePct: relativeDifference(switches[0]!, switches.at(-1)!),
      };
    });
  return { latency, cpu };
}

const relativeDifference = (a: number, b: number) => (Math.abs(a - b) / ((a + b) / 2)) * 100;
