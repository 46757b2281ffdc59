import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PERCENTILES, SCENARIOS, type Row, type RunRecord } from './analysis.js';
import { medianDistribution, writeLatencyChart } from './chart.js';
import { plus, us } from './format.js';

/** The fixed-rate report of make bench-kind (the kind cluster's benchmark); make bench writes paired-report.ts's. */
export interface BenchReport {
  generatedAt: string;
  quick: boolean;
  machine: { cpus: number; model: string };
  versions: Record<string, string>;
  settings: { rates: number[]; repetitions: number; durationS: number; warmupS: number; connections: number; body: string };
  runs: RunRecord[];
  rows: Row[];
  cpuPer1000AtRate: { rate: number; table: Record<string, Record<string, number>> };
  peakRssMb: Record<string, Record<string, number>>;
  /** The harness checks: every scenario at every rate, every request answered, no errors. */
  harness: { pass: boolean; problems: string[] };
}

/** Published figures, for context: other setups, other payloads; not a pass mark. */
const ANCHORS: Record<string, string> = {
  dapr: 'Dapr 1.17 perf tests (1000 QPS, 16 conn., 1 KB, HTTP): +1.06 ms p50, +1.48 ms p90, +2.90 ms p99; ~0.2 vCPU, ~51 MB per sidecar',
  mesh: 'Linkerd: one proxy adds under 1 ms at the median; ~26 MB per proxy (2021). Istio ambient ztunnel: +0.17 ms p90',
  'dapr-mesh': 'no published figure: two sidecars a side',
};

export function harnessCheck(runs: RunRecord[], rates: number[], repetitions: number, scenarios: readonly string[] = SCENARIOS): { pass: boolean; problems: string[] } {
  const problems: string[] = [];
  for (const rate of rates) {
    for (const scenario of scenarios) {
      const mine = runs.filter((r) => r.rate === rate && r.scenario === scenario);
      if (mine.length !== repetitions) problems.push(`${scenario} at ${rate} rps: ${mine.length} runs, expected ${repetitions}`);
      for (const r of mine) {
        const statusTotal = Object.values(r.result.statuses).reduce((a, b) => a + b, 0);
        if (r.result.completed !== r.result.requests) problems.push(`${scenario} at ${rate} rps: ${r.result.completed} of ${r.result.requests} requests completed`);
        if (statusTotal !== r.result.completed || r.result.latencyUs.count !== r.result.completed) problems.push(`${scenario} at ${rate} rps: counts do not add up`);
        if (r.result.errors > 0) problems.push(`${scenario} at ${rate} rps: ${r.result.errors} errors (${JSON.stringify(r.result.statuses)})`);
      }
    }
  }
  return { pass: problems.length === 0, problems };
}

export function markdown(r: BenchReport): string {
  const rateTables = r.settings.rates.map((rate) => {
    const rows = r.rows.filter((row) => row.rate === rate);
    const lines = rows.map(
      (row) =>
        `| ${row.scenario} | ${PERCENTILES.map((p) => us(row.latency[p])).join(' | ')} | ${row.scenario === 'direct' ? '(baseline) | | ' : `${plus(row.added.p50)} | ${plus(row.added.p90)} | ${plus(row.added.p99)}`} | ${row.scenario === 'direct' ? '' : `${row.addedP50SpreadPct.toFixed(0)} %`} | ${us(row.sendLagP99)} | ${row.errors} |`,
    );
    return `### ${rate} requests per second

| scenario | p50 | p90 | p99 | p99.9 | max | added p50 | added p90 | added p99 | spread of added p50 | generator send lag p99 | errors |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${lines.join('\n')}
`;
  });
  const cpu = Object.entries(r.cpuPer1000AtRate.table).map(
    ([scenario, roles]) =>
      `| ${scenario} | ${Object.entries(roles)
        .map(([role, ms]) => `${role} ${ms.toFixed(0)} ms`)
        .join(', ')} | ${Object.entries(r.peakRssMb[scenario] ?? {})
        .map(([role, mb]) => `${role} ${mb.toFixed(0)} MB`)
        .join(', ')} |`,
  );
  return `# Sidecar overhead: one call, client → multiplication

${r.quick ? '**Quick run (QUICK=1): checks the harness, the figures are not meant to be read.**\n\n' : ''}Generated ${r.generatedAt} on ${r.machine.cpus} × ${r.machine.model}; ${Object.entries(
    r.versions,
  )
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}.
Open loop at a constant rate; latency from each request's intended send time, in µs (HdrHistogram);
${r.settings.connections} keep-alive connections; ${r.settings.warmupS} s warm-up discarded, then ${r.settings.durationS} s measured;
${r.settings.repetitions} repetitions, the four scenarios interleaved in each; figures are medians over repetitions, "added" is
the scenario minus the direct baseline of the same repetition. Body \`${r.settings.body}\` (the anchors used 1 KB).

- **direct**: client → app
- **dapr**: client → daprd ⇄ mTLS (Sentry) ⇄ daprd → app
- **mesh**: client → proxy ⇄ mTLS ⇄ proxy → app (Linkerd-style, HAProxy 2.6, iptables interception)
- **dapr-mesh**: client → daprd (mTLS off) → proxy ⇄ mTLS ⇄ proxy → daprd → app

${rateTables.join('\n')}
Anchors (published, other setups): ${Object.entries(ANCHORS)
    .map(([k, v]) => `**${k}**: ${v}`)
    .join('; ')}.

## Resources

CPU time per 1000 requests at ${r.cpuPer1000AtRate.rate} requests per second (median over repetitions; 10 ms clock-tick
resolution), and peak resident memory over the whole run:

| scenario | CPU per 1000 requests | peak RSS |
| --- | --- | --- |
${cpu.join('\n')}

## Harness

${r.harness.pass ? 'Every scenario at every rate and repetition; every request answered 200; counts add up.' : `Problems: ${r.harness.problems.join('; ')}`}
`;
}

export function writeReport(dir: string, report: BenchReport): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, 'bench.md'), markdown(report));
  const rate = report.settings.rates.includes(1000) ? 1000 : report.settings.rates[0]!;
  const series = SCENARIOS.map((scenario) => ({
    name: scenario,
    points: medianDistribution(report.runs.filter((run) => run.rate === rate && run.scenario === scenario).map((run) => run.result)),
  }));
  writeLatencyChart(dir, `Latency by percentile at ${rate} requests per second`, series);
}
