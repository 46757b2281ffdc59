// results/bench: bench.json (every slice), bench.md (led by the unloaded added latency and the CPU
// per request), latency.svg. The figures come from summary.ts; this file only arranges them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCENARIOS, type Scenario } from './analysis.js';
import { medianDistribution, writeLatencyChart } from './chart.js';
import { plus, us, withInterval } from './format.js';
import type { FortioResult } from './fortio.js';
import type { Settings, SliceRecord } from './method.js';
import { agreement, estimate, pairedDifferences, type Agreement, type Estimate } from './paired.js';
import {
  costRows,
  headlineCosts,
  HOPS,
  LABEL,
  loadedRows,
  repeatability,
  unloadedRows,
  type CostRow,
  type LoadedRow,
  type Repeatability,
  type PerRequest,
  type UnloadedRow,
} from './summary.js';

/** What an invocation measured and where: the report names only what ran. */
export interface BenchSetup {
  /** The scenarios measured, direct first. */
  scenarios: Scenario[];
  /** Each scenario's name in every table: the stand-in's rows say so, a cluster's say Linkerd. */
  labels: Record<Scenario, string>;
  /** One Markdown bullet per scenario: the route a request takes. */
  routes: string[];
  /** Markdown: where the scenarios ran (a cluster's nodes, its pods' placement, the sidecars' resources). */
  where?: string;
  /** Published figures for context, per scenario. */
  anchors: Partial<Record<Scenario, string>>;
}

export interface PairedReport {
  generatedAt: string;
  setup: BenchSetup;
  quick: boolean;
  durationS: number;
  machine: { cpus: number; model: string };
  versions: Record<string, string>;
  settings: Settings;
  knees: Array<{ run: number; rate: number; why: string; found: boolean }>;
  loadedRates: number[][];
  /** Per run. */
  unloaded: UnloadedRow[][];
  /** Every run's rounds together: the invocation's figure, to compare with another make bench. */
  unloadedPooled: UnloadedRow[];
  loaded: LoadedRow[][];
  /** The cost per request reported for each scenario (see headlineCosts: one rate for every run), per run. */
  costs: CostRow[][];
  /** The same at every loaded rate, per run: per-request CPU against the rate. */
  costsByRate: CostRow[][];
  cpuRate: number;
  repeatability: Repeatability;
  cpuExperiment: Array<{ variant: string; roles: Record<string, PerRequest>; idleMsPerSecond: Record<string, number> }>;
  fortio: FortioResult[];
  /** fortio's paired added p50 beside ours, both in the same rounds; and ours from the last run's unloaded phase. They agree when the intervals overlap. */
  crossCheck: Array<{ scenario: Scenario; fortio: Estimate; ours: Estimate; oursUnloaded: Estimate; agreement: Agreement }>;
  peakRssMb: Record<string, Record<string, number>>;
  harness: { pass: boolean; problems: string[] };
  records: SliceRecord[];
}

/** Published figures, for context: other setups, other payloads; not a pass mark. */
export const ANCHORS = {
  dapr: 'Dapr 1.17 perf tests (1,000 QPS, 16 connections, 1 KB, HTTP): +1.06 ms p50, +1.48 ms p90, +2.90 ms p99; ~0.2 vCPU and ~51 MB per sidecar',
  linkerd: "Linkerd: one proxy adds under 1 ms at the median, ~26 MB per proxy (2021); Istio ambient's ztunnel +0.17 ms p90",
  daprMesh: 'no published figure: two sidecars a side',
};

/** make bench: the four scenarios on the local lab's network, the mesh being the HAProxy stand-in. */
export const LOCAL_SETUP: BenchSetup = {
  scenarios: [...SCENARIOS],
  labels: LABEL,
  routes: [
    '**direct**: client → app',
    '**dapr**: client → daprd ⇄ mTLS (Sentry) ⇄ daprd → app',
    '**mesh (HAProxy stand-in)**: client → proxy ⇄ mTLS ⇄ proxy → app (Linkerd-style, HAProxy 2.6, iptables interception; **not Linkerd**)',
    '**dapr-mesh (HAProxy stand-in)**: client → daprd (mTLS off) → proxy ⇄ mTLS ⇄ proxy → daprd → app',
  ],
  anchors: { dapr: ANCHORS.dapr, mesh: `${ANCHORS.linkerd} (not measured here: this row is the HAProxy stand-in)`, 'dapr-mesh': ANCHORS.daprMesh },
};

// Not measured (a sidecar read through its metrics has no context switches to give): a dash, not NaN.
const range = (s: PerRequest, digits = 0) => (Number.isFinite(s.value) ? `${s.value.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})` : '–');

export interface ReportInput {
  setup: BenchSetup;
  /** What the caller found wrong with the set-up (e.g. a client and its target on one node though two could take them). */
  setupProblems?: string[];
  quick: boolean;
  settings: Settings;
  records: SliceRecord[];
  knees: PairedReport['knees'];
  loadedRates: number[][];
  fortio: FortioResult[];
  peakRssMb: PairedReport['peakRssMb'];
  cpuRate: number;
  /** Per CPU-experiment variant: each daprd's CPU with no request at all, ms per second. */
  idle: Array<{ variant: string; msPerSecond: Record<string, number> }>;
  durationS: number;
  versions: Record<string, string>;
  machine: PairedReport['machine'];
}

function harnessOf(input: ReportInput): PairedReport['harness'] {
  const problems: string[] = [...(input.setupProblems ?? [])];
  for (let run = 0; run < input.settings.runs; run++)
    for (const phase of ['unloaded', 'loaded'] as const)
      for (const scenario of input.setup.scenarios)
        if (!input.records.some((r) => r.run === run && r.phase === phase && r.scenario === scenario)) problems.push(`run ${run + 1}: no ${phase} slice of ${scenario}`);
  for (const r of input.records) {
    const where = `${r.scenario}, ${r.phase}${r.rate ? ` at ${r.rate}/s` : ''}, run ${r.run + 1} round ${r.round + 1}`;
    const statusTotal = Object.values(r.result.statuses).reduce((a, b) => a + b, 0);
    if (r.result.completed !== r.result.requests) problems.push(`${where}: ${r.result.completed} of ${r.result.requests} requests completed`);
    if (statusTotal !== r.result.completed || r.result.latencyUs.count !== r.result.completed) problems.push(`${where}: counts do not add up`);
    if (r.result.errors > 0) problems.push(`${where}: ${r.result.errors} errors (${JSON.stringify(r.result.statuses)})`);
  }
  for (const f of input.fortio) if (f.errors > 0 || f.count === 0) problems.push(`fortio, ${f.scenario} round ${(f.round ?? 0) + 1}: ${f.errors} errors in ${f.count} requests`);
  return { pass: problems.length === 0, problems };
}

export function buildReport(input: ReportInput): PairedReport {
  const runs = Array.from({ length: input.settings.runs }, (_, run) => input.records.filter((r) => r.run === run));
  const unloaded = runs.map((records) => unloadedRows(records.filter((r) => r.phase === 'unloaded')));
  // Rounds numbered across runs, so that each stays paired with its own direct slice.
  const unloadedPooled = unloadedRows(input.records.filter((r) => r.phase === 'unloaded').map((r) => ({ ...r, round: r.run * 10_000 + r.round })));
  const loaded = runs.map((records) => loadedRows(records.filter((r) => r.phase === 'loaded')));
  const experiment = input.records.filter((r) => r.phase === 'cpu-experiment');
  const cpuExperiment = [...new Set(experiment.map((r) => r.variant!))].map((variant) => {
    const rows = costRows(experiment.filter((r) => r.variant === variant));
    return {
      variant,
      roles: Object.fromEntries(rows.map((row) => [row.role, row.cpuMsPer1000])),
      idleMsPerSecond: input.idle.find((i) => i.variant === variant)?.msPerSecond ?? {},
    };
  });
  const last = unloaded.at(-1) ?? [];
  const fortioRounds = (scenario: string) =>
    input.fortio
      .filter((f) => f.scenario === scenario)
      .sort((a, b) => (a.round ?? 0) - (b.round ?? 0))
      .map((f) => f.p50);
  const crossCheck = SCENARIOS.filter((s) => s !== 'direct' && input.fortio.some((f) => f.scenario === s)).map((scenario) => {
    const fortio = estimate(pairedDifferences(fortioRounds(scenario), fortioRounds('direct')));
    const ours = unloadedRows(input.records.filter((r) => r.phase === 'cross-check')).find((row) => row.scenario === scenario)!.added.p50;
    const oursUnloaded = last.find((row) => row.scenario === scenario)!.added.p50;
    return { scenario, fortio, ours, oursUnloaded, agreement: agreement(fortio, ours) };
  });
  const allCosts = runs.map((records) => costRows(records.filter((r) => r.phase === 'loaded')));
  const costs = allCosts.map((rows) => headlineCosts(rows, loaded));
  return {
    generatedAt: new Date().toISOString(),
    setup: input.setup,
    quick: input.quick,
    durationS: input.durationS,
    machine: input.machine,
    versions: input.versions,
    settings: input.settings,
    knees: input.knees,
    loadedRates: input.loadedRates,
    unloaded,
    unloadedPooled,
    loaded,
    costs,
    costsByRate: allCosts,
    cpuRate: input.cpuRate,
    repeatability: repeatability(unloaded, allCosts, firstOfEach(costs.flat())),
    cpuExperiment,
    fortio: input.fortio,
    crossCheck,
    peakRssMb: input.peakRssMb,
    harness: harnessOf(input),
    records: input.records,
  };
}

/** The lines the CLI prints at the end: the figures that lead the report. */
export function headline(r: PairedReport): string[] {
  const lines = ['unloaded (one request at a time), added p50 [95 % interval], per run:'];
  const pooled = (scenario: Scenario) => r.unloadedPooled.find((row) => row.scenario === scenario)!.added.p50;
  for (const row of r.repeatability.latency)
    lines.push(
      `  ${r.setup.labels[row.scenario].padEnd(28)} ${row.runs.map(withInterval).join('   ')}${r.settings.runs > 1 ? `   runs differ by ${row.agreement.differencePct.toFixed(0)} %${row.agreement.overlap ? ', intervals overlap' : ''}: ${row.agreement.pass ? 'agree' : 'MISS'}; all runs ${withInterval(pooled(row.scenario))}` : ''}`,
    );
  lines.push('CPU per 1,000 requests and context switches per request, per run (each scenario at the highest loaded rate no run saturated):');
  for (const row of r.repeatability.cpu)
    lines.push(
      `  ${`${r.setup.labels[row.scenario]}, ${row.role}`.padEnd(42)} at ${row.rate}/s: ${row.runs.map((v) => `${v.toFixed(0)} ms`).join(' / ')}, ${row.switches.map((v) => (Number.isFinite(v) ? v.toFixed(1) : '–')).join(' / ')} switches${r.settings.runs > 1 ? `   CPU differs by ${row.differencePct.toFixed(0)} % (${row.pass ? 'agree' : 'MISS'}), switches by ${Number.isFinite(row.switchesDifferencePct) ? `${row.switchesDifferencePct.toFixed(0)} %` : '–'}` : ''}`,
    );
  lines.push(`knee of the direct baseline: ${r.knees.map((k) => `${k.rate}/s`).join(' / ')}`);
  return lines;
}

function unloadedSection(r: PairedReport): string {
  const runs = r.unloaded;
  const rows = r.setup.scenarios.map((scenario) => {
    const cells = runs.map((rows) => rows.find((x) => x.scenario === scenario)!);
    if (scenario === 'direct') return `| direct | ${cells.map((c) => us(c.p50)).join(' / ')} | (baseline) |${runs.map(() => ' |').join('')} | | |`;
    const rep = r.repeatability.latency.find((x) => x.scenario === scenario);
    const agree = r.settings.runs > 1 && rep ? `${rep.agreement.differencePct.toFixed(0)} %${rep.agreement.overlap ? ', overlap' : ''} ${rep.agreement.pass ? '✅' : '❌'}` : '–';
    const all = r.unloadedPooled.find((x) => x.scenario === scenario)!;
    return `| ${r.setup.labels[scenario]} | ${cells.map((c) => us(c.p50)).join(' / ')} | ${cells.map((c) => withInterval(c.added.p50)).join(' | ')} | ${agree} | **${withInterval(all.added.p50)}** | ${plus(all.perHop.value)} × ${HOPS[scenario]} | ${withInterval(all.added.p90)} |`;
  });
  const header = `| scenario | p50 (run ${runs.map((_, i) => i + 1).join(' / ')}) | ${runs.map((_, i) => `added p50, run ${i + 1} [95 %]`).join(' | ')} | runs agree? | added p50, all runs [95 %] | per sidecar crossed | added p90, all runs [95 %] |`;
  return `## Unloaded: what the sidecars add when nothing queues

One connection, one request at a time, ${r.settings.unloaded.perSlice} requests a slice; ${r.settings.unloaded.rounds} rounds per run, each round every
scenario once (the order rotating), so each added figure is the median of ${r.settings.unloaded.rounds} paired differences (scenario − direct
of the same round), with a 95 % bootstrap interval. The figure to set beside the anchors' medians.

${header}
| --- | --- |${runs.map(() => ' --- |').join('')} --- | --- | --- | --- |
${rows.join('\n')}

Anchors (published, other setups): ${Object.entries(r.setup.anchors)
    .map(([k, v]) => `**${k}**: ${v}`)
    .join('; ')}.
`;
}

function costSection(r: PairedReport): string {
  const rows = r.repeatability.cpu.map((c) => {
    const perRun = r.costsByRate.map((rows) => rows.find((x) => x.scenario === c.scenario && x.role === c.role && x.rate === c.rate));
    const agree = r.settings.runs > 1 ? `${c.differencePct.toFixed(0)} % ${c.pass ? '✅' : '❌'}` : '–';
    return `| ${r.setup.labels[c.scenario]} | ${c.role} | ${c.rate}/s | ${perRun.map((x) => (x ? range(x.cpuMsPer1000) : '–')).join(' | ')} | ${agree} | ${perRun.map((x) => (x ? range(x.contextSwitchesPerRequest, 1) : '–')).join(' | ')} | ${r.settings.runs > 1 && Number.isFinite(c.switchesDifferencePct) ? `${c.switchesDifferencePct.toFixed(0)} %` : '–'} | ${Number.isFinite(r.peakRssMb[c.scenario]?.[c.role]) ? `${r.peakRssMb[c.scenario]![c.role]!.toFixed(0)} MB` : '–'} |`;
  });
  const runs = r.costs.map((_, i) => i + 1);
  // Per-request CPU against the rate, for the sidecars, from the last run.
  const byRate = r.costsByRate.at(-1) ?? [];
  const rates = [...new Set(byRate.map((c) => c.rate))].sort((a, b) => a - b);
  const sidecars = [...new Map(byRate.filter((c) => c.role !== 'app').map((c) => [`${c.scenario} ${c.role}`, c])).values()];
  const rateRows = sidecars.map((c) => {
    const cells = rates.map((rate) => {
      const x = byRate.find((y) => y.scenario === c.scenario && y.role === c.role && y.rate === rate);
      return x
        ? `${x.cpuMsPer1000.value.toFixed(0)} ms${Number.isFinite(x.contextSwitchesPerRequest.value) ? `, ${x.contextSwitchesPerRequest.value.toFixed(1)} switches` : ''}`
        : 'saturated';
    });
    return `| ${r.setup.labels[c.scenario]} | ${c.role} | ${cells.join(' | ')} |`;
  });
  return `## What each request costs: CPU and context switches

Per process, from the loaded slices (saturated ones left out), each scenario at the highest loaded rate its row was saturated
at in no run: CPU milliseconds per 1,000 requests (all the slices' CPU over all their requests; in brackets the range over the
slices, whose clock ticks in 10 ms) and context switches per request (all threads, voluntary and not, from /proc). The sidecars
only (the apps are the same code in every scenario). Noise moves these far less than latency, the switches least.

| scenario | process | rate | ${runs.map((i) => `CPU ms / 1,000, run ${i}`).join(' | ')} | within 10 %? | ${runs.map((i) => `switches / request, run ${i}`).join(' | ')} | switches differ by | peak RSS |
| --- | --- | --- |${runs.map(() => ' --- |').join('')} --- |${runs.map(() => ' --- |').join('')} --- | --- |
${rows.join('\n')}

The sidecars' CPU per 1,000 requests against the rate (last run): it falls as the rate rises, because part of each request's
cost is waking the process up, and at a higher rate one wake-up serves more requests.

| scenario | process | ${rates.map((rate) => `${rate}/s`).join(' | ')} |
| --- | --- |${rates.map(() => ' --- |').join('')}
${rateRows.join('\n')}
`;
}

function loadedSection(r: PairedReport): string {
  const run = r.loaded.length - 1;
  const knees = r.knees.map((k) => `run ${k.run + 1}: **${k.rate}/s** (${k.why})`).join('; ');
  const tables = [...new Set((r.loaded[run] ?? []).map((row) => row.rate))].map((rate) => {
    const rows = r.loaded[run]!.filter((row) => row.rate === rate).map((row) => {
      const tail = (v: string) => (row.saturated ? 'saturated' : v);
      const added = row.scenario === 'direct' ? '(baseline) | | ' : `${withInterval(row.added.p50)} | ${tail(withInterval(row.added.p90))} | ${tail(withInterval(row.added.p99))}`;
      const mark = row.saturated
        ? `**saturated** (${row.saturatedSlices} of ${row.slices} slices: ${row.reasons.join('; ')})`
        : row.saturatedSlices
          ? `${row.saturatedSlices} of ${row.slices} slices saturated`
          : 'no';
      return `| ${r.setup.labels[row.scenario]} | ${us(row.latency.p50)} | ${tail(us(row.latency.p90))} | ${tail(us(row.latency.p99))} | ${added} | ${us(row.sendLagP99)} | ${mark} | ${row.errors} |`;
    });
    return `### ${rate} requests per second

| scenario | p50 | p90 | p99 | added p50 [95 %] | added p90 | added p99 | generator send lag p99 | saturated? | errors |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}
`;
  });
  return `## Loaded: open loop at fractions of the machine's knee

The direct baseline's knee, found by a ramp of open-loop slices (the highest rate before the first that queues): ${knees}.
Loaded rates ${r.settings.loaded.rates ? `as asked (--rates ${r.settings.loaded.rates.join(',')})` : `at ${r.settings.loaded.fractions.map((f) => `${f * 100} %`).join(', ')} of it`}; each round every scenario
for ${r.settings.loaded.sliceS} s after 0.2 s of warm-up, ${r.settings.loaded.rounds} rounds; latency from each request's intended send time (no coordinated
omission), ${r.settings.connections} keep-alive connections. A slice is saturated when the schedule slipped (achieved under 95 %), the generator
lagged (send lag p99 over 1 ms), one of the scenario's processes used over 85 % of a core, or the scenario and the generator
together over 90 % of the machine; a row is, when half its slices are, and then its tail is the machine's, not the sidecar's: it is not printed.
The last run's tables (bench.json has every run):

${tables.join('\n')}`;
}

function cpuExplanation(r: PairedReport): string {
  if (r.cpuExperiment.length === 0) return '## Why daprd costs what it costs\n\nNot run in this invocation (make bench runs it, QUICK=1 does not).\n';
  const base = r.cpuExperiment[0]!;
  const roles = Object.keys(base.roles).filter((role) => role.includes('daprd'));
  const rows = r.cpuExperiment.map((v) => {
    const cells = roles.map((role) => {
      const spread = v.roles[role];
      if (!spread) return '–';
      const change = v === base ? '' : ` (${(((spread.value - base.roles[role]!.value) / base.roles[role]!.value) * 100).toFixed(0)} %)`;
      // What is left when the background work (idle CPU per second, spread over this rate's requests) is taken out.
      const perRequest = spread.value - ((v.idleMsPerSecond[role] ?? 0) * 1000) / r.cpuRate;
      return `${range(spread)}${change} | ${(v.idleMsPerSecond[role] ?? Number.NaN).toFixed(1)} | ${perRequest.toFixed(0)}`;
    });
    return `| ${v.variant} | ${cells.join(' | ')} |`;
  });
  return `## Why daprd costs what it costs

Dapr publishes ~0.2 vCPU per sidecar at 1,000 requests per second, i.e. ~200 ms of CPU per 1,000 requests. The dapr
scenario's two daprd, restarted with one setting changed at a time, at ${r.cpuRate}/s: CPU ms per 1,000 requests (over all
${r.settings.cpuExperiment?.rounds ?? 0} slices, and the slices' range; in brackets the change against the first line), the CPU each spends with no request at all
(ms per second, over ${r.settings.cpuExperiment?.idleS ?? 0} s), and what is left per 1,000 requests once that background work is taken out:

| daprd settings | ${roles.map((role) => `${role}: CPU ms / 1,000 | idle ms / s | per 1,000 without idle`).join(' | ')} |
| --- |${roles.map(() => ' --- | --- | --- |').join('')}
${rows.join('\n')}

Not varied here, and different from the published setup: the body (ours is \`${JSON.stringify(JSON.parse(r.records[0]?.result.spec.body ?? '{}'))}\`, theirs 1 KB), the machine
(${r.machine.cpus} × ${r.machine.model}), and mTLS (on here, as in the lab).
`;
}

function fortioSection(r: PairedReport): string {
  if (r.crossCheck.length === 0) return '';
  const rows = r.crossCheck.map(
    (c) =>
      `| ${r.setup.labels[c.scenario]} | ${withInterval(c.fortio)} | ${withInterval(c.ours)} | ${c.agreement.differencePct.toFixed(0)} % | ${c.agreement.overlap ? '✅ overlap' : '❌ apart'} | ${withInterval(c.oursUnloaded)} |`,
  );
  return `## Cross-check with fortio

fortio ${r.versions.fortio ?? ''} paired the same way as the unloaded phase: ${r.settings.fortio?.rounds} rounds, each running every scenario with
\`-qps 0 -c 1 -n ${r.settings.fortio?.perSlice}\` (one connection, one request at a time; 10 µs buckets) and the project's generator the same way,
back to back (which goes first alternates from round to round), the added p50 being each tool's scenario minus its own direct of
the same round. They agree when the intervals overlap.
The last column is ours from the last run's unloaded phase, measured earlier:

| scenario | fortio added p50 [95 %] | ours, same rounds [95 %] | difference | agree? | ours, unloaded phase [95 %] |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}
`;
}

export function markdown(r: PairedReport): string {
  return `# Sidecar overhead: one call, client → multiplication

${r.quick ? '**Quick run (QUICK=1): checks the harness, the figures are not meant to be read.**\n\n' : ''}Generated ${r.generatedAt} in ${r.durationS.toFixed(0)} s on ${r.machine.cpus} × ${r.machine.model}; ${Object.entries(
    r.versions,
  )
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}. ${r.settings.runs} run${r.settings.runs > 1 ? 's' : ''} in this invocation.

${r.setup.routes.map((route) => `- ${route}`).join('\n')}
${r.setup.where ? `\n${r.setup.where}\n` : ''}
Paired: every figure compares a scenario with the direct baseline measured in the same round, the scenarios' slices
alternating, so what drifts on a shared machine hits them alike.

${unloadedSection(r)}
${costSection(r)}
${loadedSection(r)}
${cpuExplanation(r)}
${fortioSection(r)}
## Harness

${r.harness.pass ? `Every scenario in every phase of every run; every request answered 200; counts add up${r.fortio.length ? '; fortio without errors' : ''}.` : `Problems: ${r.harness.problems.join('; ')}`}
`;
}

export function writePairedReport(dir: string, report: PairedReport): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, 'bench.md'), markdown(report));
  // The unloaded distributions of the last run, each scenario's median round: real measured lines.
  const last = report.records.filter((r) => r.phase === 'unloaded' && r.run === report.settings.runs - 1);
  const series = report.setup.scenarios.map((scenario) => ({
    name: report.setup.labels[scenario],
    points: medianDistribution(last.filter((r) => r.scenario === scenario).map((r) => r.result)),
  }));
  writeLatencyChart(dir, 'Latency by percentile, one request at a time (median round)', series);
}

/** One cost row per scenario and process: the first run's where it has one (the rate the others are compared at). */
function firstOfEach(rows: CostRow[]): CostRow[] {
  const seen = new Map<string, CostRow>();
  for (const row of rows) if (!seen.has(`${row.scenario} ${row.role}`)) seen.set(`${row.scenario} ${row.role}`, row);
  return [...seen.values()];
}
