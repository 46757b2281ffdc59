// The measurements of one benchmark run, each made of short slices that alternate between the
// scenarios round after round (paired): unloaded (one request at a time), the direct baseline's knee,
// and loaded (open loop at fractions of the knee). Every slice records the CPU time and context
// switches of each process of its scenario and of the generator. Where the scenarios run (the local
// lab's namespaces, a cluster's pods) is the BenchScenario's business: this file only orders slices.
import type { Scenario } from './analysis.js';
import type { LoadResult, Slice } from './loadgen.js';
import { kneeOf, saturationReasons, type KneePoint } from './paired.js';
import { PROBE_BODY } from '@calc/probe-matrix';

/** The body every request carries: the probe matrix's. */
export const REQUEST_BODY = JSON.stringify(PROBE_BODY);

/** How many times, how long: FULL is make bench, QUICK checks the harness in about a minute. */
export interface Settings {
  runs: number;
  unloaded: { rounds: number; perSlice: number };
  knee: { rates: number[]; sliceS: number };
  /** Loaded rates as fractions of the direct knee, unless fixed rates are asked for (--rates). */
  loaded: { fractions: number[]; rates?: number[]; rounds: number; sliceS: number };
  connections: number;
  /** The fortio cross-check: rounds of every scenario, one request at a time (make bench only). */
  fortio?: { rounds: number; perSlice: number };
  /** The CPU experiment: daprd's settings varied at one rate (skipped in QUICK). */
  cpuExperiment?: { rounds: number; sliceS: number; idleS: number };
}

/** make bench's and the cluster's: two runs that must agree. */
export const FULL: Settings = {
  runs: 2,
  unloaded: { rounds: 15, perSlice: 200 },
  knee: { rates: [250, 500, 750, 1000, 1500, 2000, 3000, 4000, 6000, 8000, 12000, 16000, 24000, 32000, 48000], sliceS: 1.5 },
  loaded: { fractions: [0.0125, 0.025, 0.05, 0.1, 0.25], rounds: 5, sliceS: 1 },
  connections: 16,
};
/** Checks the harness in about a minute; its figures are not meant to be read. */
export const QUICK: Settings = {
  runs: 1,
  unloaded: { rounds: 3, perSlice: 40 },
  knee: { rates: [250, 500], sliceS: 0.5 },
  loaded: { fractions: [0.25], rounds: 2, sliceS: 0.5 },
  connections: 16,
};

export type Phase = 'unloaded' | 'knee' | 'loaded' | 'cpu-experiment' | 'cross-check';

export interface SliceRecord {
  run: number;
  phase: Phase;
  /** 0 for a sequential slice. */
  rate: number;
  round: number;
  scenario: Scenario;
  /** The CPU experiment's variant, e.g. "log-level warn". */
  variant?: string;
  result: LoadResult;
  /** Requests the slice sent, warm-up included: what the CPU was spent on. */
  sent: number;
  wallMs: number;
  cpuMs: Record<string, number>;
  contextSwitches: Record<string, number>;
  generatorCpuMs: number;
  /** Why the slice counts as saturated; empty when it does not. */
  saturated: string[];
}

/** What a scenario's processes have spent so far, by role (app, client daprd, …), and its generator. */
export interface Sample {
  cpuMs: Record<string, number>;
  /** Only where the process's threads can be read (not a sidecar seen through its metrics). */
  contextSwitches: Record<string, number>;
  generatorCpuMs: number;
}

/** One scenario as the method sees it: a generator that runs slices against its URL, and a reading of its costs. */
export interface BenchScenario {
  scenario: Scenario;
  url: string;
  run: (slice: Slice) => Promise<LoadResult>;
  sample: () => Promise<Sample>;
}

export interface Bench {
  scenarios: BenchScenario[];
  connections: number;
  /** The cores the scenarios share (a slice using most of them is saturated). */
  cores: number;
  /** Between slices: stops the run if it was interrupted. */
  checkpoint: () => Promise<void>;
  say: (line: string) => void;
}

const spentSince = (before: Record<string, number>, after: Record<string, number>) =>
  Object.fromEntries(Object.keys(before).map((role) => [role, (after[role] ?? Number.NaN) - before[role]!]));

/** One slice of one scenario, with what each of its processes (and the generator) spent on it. */
async function measure(bench: Bench, setup: BenchScenario, slice: Slice, meta: Pick<SliceRecord, 'run' | 'phase' | 'round' | 'variant'>): Promise<SliceRecord> {
  await bench.checkpoint();
  const before = await setup.sample();
  const started = performance.now();
  const result = await setup.run(slice);
  const wallMs = performance.now() - started;
  const after = await setup.sample();
  const cpu = spentSince(before.cpuMs, after.cpuMs);
  const spent = Object.values(cpu);
  const generatorCpuMs = after.generatorCpuMs - before.generatorCpuMs;
  const rate = slice.kind === 'open' ? slice.rate : 0;
  const sent = slice.kind === 'open' ? Math.round(slice.rate * (slice.warmupS + slice.durationS)) : slice.count;
  const saturated =
    slice.kind === 'open'
      ? saturationReasons(
          {
            rate,
            achievedRate: result.achievedRate,
            sendLagP99Us: result.sendLagUs.p99,
            busiestCores: Math.max(...spent) / wallMs,
            totalCores: (spent.reduce((a, b) => a + b, 0) + generatorCpuMs) / wallMs,
          },
          bench.cores,
        )
      : [];
  return {
    ...meta,
    rate,
    scenario: setup.scenario,
    result,
    sent,
    wallMs,
    cpuMs: cpu,
    contextSwitches: spentSince(before.contextSwitches, after.contextSwitches),
    generatorCpuMs,
    saturated,
  };
}

/** Every scenario once per round, in an order that rotates from round to round. */
async function rounds(bench: Bench, count: number, each: (setup: BenchScenario, round: number) => Promise<SliceRecord>): Promise<SliceRecord[]> {
  const records: SliceRecord[] = [];
  for (let round = 0; round < count; round++) {
    const order = bench.scenarios.map((_, i) => bench.scenarios[(i + round) % bench.scenarios.length]!);
    for (const setup of order) records.push(await each(setup, round));
  }
  return records;
}

/** Warms every scenario (connections, daprd's caches, the JIT) before anything is kept. */
export async function warmUp(bench: Bench): Promise<void> {
  for (const setup of bench.scenarios) {
    await setup.run({ kind: 'sequential', url: setup.url, count: 200, body: REQUEST_BODY });
    await setup.run({ kind: 'open', url: setup.url, rate: 200, durationS: 0.5, warmupS: 0, connections: bench.connections, body: REQUEST_BODY });
  }
}

/** One connection, one request at a time: the latency each sidecar adds when nothing queues. */
export function unloaded(bench: Bench, run: number, roundCount: number, perSlice: number): Promise<SliceRecord[]> {
  return rounds(bench, roundCount, (setup, round) =>
    measure(bench, setup, { kind: 'sequential', url: setup.url, count: perSlice, body: REQUEST_BODY }, { run, phase: 'unloaded', round }),
  );
}

/** The direct baseline at rising rates, until it queues: the rate this machine can carry without the sidecars. */
export async function knee(
  bench: Bench,
  run: number,
  rates: readonly number[],
  sliceS: number,
): Promise<{ rate: number; why: string; found: boolean; points: KneePoint[]; records: SliceRecord[] }> {
  const direct = bench.scenarios.find((s) => s.scenario === 'direct')!;
  const points: KneePoint[] = [];
  const records: SliceRecord[] = [];
  const step = async (rate: number): Promise<KneePoint> => {
    const slice: Slice = { kind: 'open', url: direct.url, rate, durationS: sliceS, warmupS: 0.3, connections: bench.connections, body: REQUEST_BODY };
    const record = await measure(bench, direct, slice, { run, phase: 'knee', round: 0 });
    records.push(record);
    const { p50, p90 } = record.result.latencyUs;
    bench.say(`    knee search: direct at ${rate}/s: p50 ${p50} µs, p90 ${p90} µs${record.saturated.length ? ` (saturated: ${record.saturated.join(', ')})` : ''}`);
    return { rate, p50Us: p50, p90Us: p90, saturated: record.saturated };
  };
  for (const rate of rates) {
    points.push(await step(rate));
    if (!kneeOf(points).found) continue;
    // One slow slice on a shared machine is not a knee: the rate is measured again, and queues only if it does twice.
    points[points.length - 1] = await step(rate);
    if (kneeOf(points).found) break;
  }
  return { ...kneeOf(points), points, records };
}

/** Open loop at a constant rate, every scenario in turn, round after round. */
export function loaded(
  bench: Bench,
  run: number,
  rate: number,
  roundCount: number,
  sliceS: number,
  phase: Phase = 'loaded',
  variant?: string,
  only?: Scenario,
): Promise<SliceRecord[]> {
  const pick = only ? { ...bench, scenarios: bench.scenarios.filter((s) => s.scenario === only) } : bench;
  return rounds(pick, roundCount, (setup, round) =>
    measure(
      bench,
      setup,
      { kind: 'open', url: setup.url, rate, durationS: sliceS, warmupS: 0.2, connections: bench.connections, body: REQUEST_BODY },
      { run, phase, round, ...(variant ? { variant } : {}) },
    ),
  );
}

export interface PairedRuns {
  records: SliceRecord[];
  knees: Array<{ run: number; rate: number; why: string; found: boolean }>;
  loadedRates: number[][];
}

/** Every run of an invocation: unloaded rounds, the direct baseline's knee, loaded rounds at fractions of it. */
export async function pairedRuns(bench: Bench, settings: Settings): Promise<PairedRuns> {
  const count = bench.scenarios.length;
  const out: PairedRuns = { records: [], knees: [], loadedRates: [] };
  for (let runIndex = 0; runIndex < settings.runs; runIndex++) {
    const label = `run ${runIndex + 1} of ${settings.runs}`;
    bench.say(`==> ${label}: unloaded, ${settings.unloaded.rounds} rounds × ${count} scenarios × ${settings.unloaded.perSlice} sequential requests`);
    out.records.push(...(await unloaded(bench, runIndex, settings.unloaded.rounds, settings.unloaded.perSlice)));
    bench.say(`==> ${label}: the direct baseline's knee`);
    const found = await knee(bench, runIndex, settings.knee.rates, settings.knee.sliceS);
    out.records.push(...found.records);
    out.knees.push({ run: runIndex, rate: found.rate, why: found.why, found: found.found });
    // Every run loads at the same rates, from the first run's knee, so that the runs compare.
    const rates = settings.loaded.rates ?? out.loadedRates[0] ?? [...new Set(settings.loaded.fractions.map((f) => Math.max(50, Math.round((f * found.rate) / 50) * 50)))];
    out.loadedRates.push(rates);
    bench.say(`    knee: ${found.rate}/s (${found.why}); loaded at ${rates.join(', ')}/s`);
    for (const rate of rates) {
      bench.say(`==> ${label}: loaded at ${rate}/s, ${settings.loaded.rounds} rounds × ${count} scenarios × ${settings.loaded.sliceS} s`);
      out.records.push(...(await loaded(bench, runIndex, rate, settings.loaded.rounds, settings.loaded.sliceS)));
    }
  }
  return out;
}
