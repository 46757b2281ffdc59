// `calc-bench --compare A.json B.json`: how far two make bench invocations agree, on the figures the
// method promises to hold: the unloaded added median (all runs pooled) and each sidecar's CPU per request.
import { readFileSync } from 'node:fs';
import { LabError } from '@calc/lab';
import type { Scenario } from './analysis.js';
import { withInterval } from './format.js';
import { agreement } from './paired.js';
import type { PairedReport } from './paired-report.js';
import type { CostRow } from './summary.js';

/** Every sidecar's CPU per 1,000 requests at one rate, all runs of an invocation together (the runs' mean). */
function cpuAt(report: PairedReport, scenario: Scenario, role: string, rate: number): number {
  const values = report.costsByRate.flatMap((rows: CostRow[]) =>
    rows.filter((c) => c.scenario === scenario && c.role === role && c.rate === rate).map((c) => c.cpuMsPer1000.value),
  );
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
}

export function compareReports(a: PairedReport, b: PairedReport): { lines: string[]; pass: boolean } {
  const lines = [`A: ${a.generatedAt} (${a.settings.runs} runs)   B: ${b.generatedAt} (${b.settings.runs} runs)`, '', 'unloaded added p50, all runs pooled:'];
  let pass = true;
  for (const row of a.unloadedPooled.filter((r) => r.scenario !== 'direct')) {
    const other = b.unloadedPooled.find((r) => r.scenario === row.scenario);
    if (!other) continue;
    const agree = agreement(row.added.p50, other.added.p50);
    pass &&= agree.pass;
    lines.push(
      `  ${a.setup.labels[row.scenario].padEnd(28)} A ${withInterval(row.added.p50)}   B ${withInterval(other.added.p50)}   ${agree.differencePct.toFixed(0)} %${agree.overlap ? ', intervals overlap' : ''}: ${agree.pass ? 'agree' : 'MISS'}`,
    );
  }
  lines.push(
    '',
    'CPU per 1,000 requests (the runs of each averaged), judged at the highest loaded rate both measured unsaturated; lower rates shown, not judged (wake-ups dominate there):',
  );
  const rates = [...new Set(a.costsByRate.flat().map((c) => c.rate))].filter((rate) => b.costsByRate.flat().some((c) => c.rate === rate)).sort((x, y) => y - x);
  const sidecars = [
    ...new Map(
      a.costsByRate
        .flat()
        .filter((c) => c.role !== 'app')
        .map((c) => [`${c.scenario} ${c.role}`, c]),
    ).values(),
  ];
  for (const c of sidecars) {
    const both = rates
      .map((rate) => ({ rate, x: cpuAt(a, c.scenario, c.role, rate), y: cpuAt(b, c.scenario, c.role, rate) }))
      .filter(({ x, y }) => Number.isFinite(x) && Number.isFinite(y));
    for (const [i, { rate, x, y }] of both.entries()) {
      // Equal figures agree, two zeros too (a quick run's idle proxy may use no measurable CPU).
      const differencePct = x === y ? 0 : (Math.abs(x - y) / ((x + y) / 2)) * 100;
      const judged = i === 0;
      if (judged) pass &&= differencePct <= 10;
      const verdict = judged ? (differencePct <= 10 ? 'agree' : 'MISS') : 'not judged';
      lines.push(
        `  ${`${a.setup.labels[c.scenario]}, ${c.role}`.padEnd(42)} ${String(rate).padStart(5)}/s   A ${x.toFixed(0)} ms   B ${y.toFixed(0)} ms   ${differencePct.toFixed(0)} %: ${verdict}`,
      );
    }
  }
  return { lines, pass };
}

export function compareFiles(fileA: string, fileB: string): { lines: string[]; pass: boolean } {
  const read = (file: string) => {
    let report: PairedReport;
    try {
      report = JSON.parse(readFileSync(file, 'utf8')) as PairedReport;
    } catch (error) {
      throw new LabError('USAGE', `${file} is not a readable bench.json: ${(error as Error).message}`);
    }
    if (!report.setup || !report.unloadedPooled) throw new LabError('USAGE', `${file} is not a bench.json of this version (no setup or pooled rows): run the benchmark again`);
    return report;
  };
  return compareReports(read(fileA), read(fileB));
}
