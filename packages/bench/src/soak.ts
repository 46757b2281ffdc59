#!/usr/bin/env node
// `make soak`: the mesh-agnostic set under a steady open-loop load, spread evenly over the five
// operations with MathFanBoy's operands; requests, errors by code, latency percentiles and each
// service's resident memory at the start, halfway and the end. results/soak/soak.md and soak.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { errorCodeOf, fanboyOperands, METHOD_OF, OPERATION_SERVICES, type OperationService } from '@calc/core';
import { startMeshSet } from '@calc/launcher';
import { runLoad, type LoadResult } from './loadgen.js';
import { memoryMb } from './resources.js';

const RESULTS = fileURLToPath(new URL('../../../results/soak/', import.meta.url));
/** The targets: no service above this resident size, and no more growth than this over the second half. */
export const MAX_RSS_MB = 150;
export const MAX_SECOND_HALF_GROWTH = 0.1;
const FAULT_RATE = 0.5;
/** Percentage's deliberate fault: its own zero divisor, division's 422 inside its 502. */
export const DELIBERATE = 'percentage 502 DOWNSTREAM_ERROR (division 422 DIVISION_BY_ZERO)';
/** The right answer to operands MathFanBoy may choose (op2 = 0 for division): the caller's error, not a failure. */
export const CALLERS_ZERO = 'division 422 DIVISION_BY_ZERO (op2 = 0)';
const EXPECTED_ERRORS = new Set([DELIBERATE, CALLERS_ZERO]);

const USAGE = `usage: node packages/bench/dist/soak.js [--duration SECONDS] [--rate REQUESTS_PER_SECOND]

Runs the mesh-agnostic set on loopback under a steady open-loop load (default 1000 requests per second
in total, for 600 s), spread evenly over the five operations with random operands as MathFanBoy
chooses them, PERCENTAGE_FAULT_RATE at its default (${FAULT_RATE}). Passes when the only errors are
percentage's deliberate faults (at about the fault rate), no service is above ${MAX_RSS_MB} MB resident,
and none grows more than ${MAX_SECOND_HALF_GROWTH * 100} % over the second half. Exit 0 pass, 1 fail, 2 bad usage.`;

export interface SoakReport {
  durationS: number;
  rate: number;
  requests: number;
  completed: number;
  achievedRate: number;
  /** "<service> <status> <code>" → count, every non-200 answer. */
  errors: Record<string, number>;
  faultRate: { expected: number; observed: number };
  latencyUs: LoadResult['latencyUs'];
  /** Resident MB per service at the start (after warm-up), halfway and the end. */
  rssMb: Record<OperationService, { start: number; half: number; end: number; peak: number }>;
  problems: string[];
  pass: boolean;
}

async function soak(durationS: number, rate: number): Promise<SoakReport> {
  const set = await startMeshSet({ env: { PERCENTAGE_FAULT_RATE: String(FAULT_RATE), LOG_LEVEL: 'info' } });
  try {
    const warmupS = Math.min(10, durationS / 10);
    const samples: Array<Record<OperationService, number>> = [];
    const sample = () =>
      samples.push(Object.fromEntries(OPERATION_SERVICES.map((s) => [s, memoryMb(set.services.get(s)!.child.pid!).current])) as Record<OperationService, number>);
    const at = (s: number) =>
      new Promise<void>((resolve) =>
        setTimeout(() => {
          sample();
          resolve();
        }, s * 1000),
      );
    const errors: Record<string, number> = {};
    const perService = Object.fromEntries(OPERATION_SERVICES.map((s) => [s, 0])) as Record<OperationService, number>;
    const serviceOf = (i: number) => OPERATION_SERVICES[i % OPERATION_SERVICES.length]!;
    const zeroDivisors = new Set<number>();
    const sampling = Promise.all([at(warmupS), at(warmupS + durationS / 2)]);
    const result = await runLoad(
      { url: '', rate, durationS, warmupS, connections: 64 },
      {
        pick: (i) => {
          const service = serviceOf(i);
          const operands = fanboyOperands(Math.random);
          if (service === 'division' && operands.op2 === 0) zeroDivisors.add(i);
          return { url: `${set.urlOf(service)}/${METHOD_OF[service]}`, body: JSON.stringify(operands) };
        },
        onAnswer: (i, status, body) => {
          const service = serviceOf(i);
          perService[service] += 1;
          const zeroDivisor = zeroDivisors.delete(i);
          if (status === 200) return;
          const key = `${service} ${status ?? 'no answer'} ${describe(body)}${zeroDivisor ? ' (op2 = 0)' : ''}`;
          errors[key] = (errors[key] ?? 0) + 1;
        },
      },
    );
    await sampling;
    sample();
    const rssMb = Object.fromEntries(
      OPERATION_SERVICES.map((s) => [
        s,
        {
          start: round(samples[0]![s]),
          half: round(samples[1]![s]),
          end: round(samples[2]![s]),
          peak: round(memoryMb(set.services.get(s)!.child.pid!).peak),
        },
      ]),
    ) as SoakReport['rssMb'];
    return judgeSoak({ durationS, rate, result, errors, percentageCalls: perService.percentage, rssMb });
  } finally {
    await set.stop();
  }
}

export function judgeSoak(o: {
  durationS: number;
  rate: number;
  result: LoadResult;
  errors: Record<string, number>;
  percentageCalls: number;
  rssMb: SoakReport['rssMb'];
}): SoakReport {
  const problems: string[] = [];
  for (const [key, count] of Object.entries(o.errors)) if (!EXPECTED_ERRORS.has(key)) problems.push(`${count} × ${key}`);
  const observed = (o.errors[DELIBERATE] ?? 0) / Math.max(1, o.percentageCalls);
  // Binomial spread of the fault draw: ±5 standard deviations, at least ±2 points.
  const tolerance = Math.max(0.02, 5 * Math.sqrt((FAULT_RATE * (1 - FAULT_RATE)) / Math.max(1, o.percentageCalls)));
  if (Math.abs(observed - FAULT_RATE) > tolerance) problems.push(`percentage's fault rate was ${pct(observed)}, expected ${pct(FAULT_RATE)} ± ${pct(tolerance)}`);
  if (o.result.completed < o.result.requests) problems.push(`${o.result.requests - o.result.completed} requests never completed`);
  for (const [service, rss] of Object.entries(o.rssMb)) {
    if (rss.peak > MAX_RSS_MB) problems.push(`${service} peaked at ${rss.peak} MB resident (target ≤ ${MAX_RSS_MB})`);
    const growth = (rss.end - rss.half) / rss.half;
    if (growth > MAX_SECOND_HALF_GROWTH)
      problems.push(`${service} grew ${pct(growth)} over the second half (${rss.half} → ${rss.end} MB; target ≤ ${pct(MAX_SECOND_HALF_GROWTH)})`);
  }
  return {
    durationS: o.durationS,
    rate: o.rate,
    requests: o.result.requests,
    completed: o.result.completed,
    achievedRate: round(o.result.achievedRate),
    errors: o.errors,
    faultRate: { expected: FAULT_RATE, observed: round(observed, 4) },
    latencyUs: o.result.latencyUs,
    rssMb: o.rssMb,
    problems,
    pass: problems.length === 0,
  };
}

/** "DOWNSTREAM_ERROR (division 422 DIVISION_BY_ZERO)", "RESULT_NOT_FINITE", or the raw start of a body that is not ours. */
function describe(body: string): string {
  let parsed: { error?: { code?: string; downstream?: { service?: string; status?: number; body?: unknown } } } | undefined;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body.slice(0, 60) || 'no body';
  }
  const code = errorCodeOf(parsed) ?? 'no code';
  const downstream = parsed?.error?.downstream;
  return downstream ? `${code} (${downstream.service} ${downstream.status} ${errorCodeOf(downstream.body) ?? 'no code'})` : code;
}

export function soakMarkdown(r: SoakReport): string {
  const l = r.latencyUs;
  return `# Soak: the mesh-agnostic set, ${r.durationS} s at ${r.rate} requests per second

${r.pass ? '✅ pass' : `❌ ${r.problems.join('; ')}`}

- requests: ${r.requests} measured (after warm-up), ${r.completed} answered, ${r.achievedRate} per second achieved
- errors by code: ${
    Object.entries(r.errors)
      .map(([k, n]) => `${k}: ${n}`)
      .join('; ') || 'none'
  }
- percentage's deliberate fault rate: ${pct(r.faultRate.observed)} observed, ${pct(r.faultRate.expected)} set
- latency from the intended send time (µs): p50 ${l.p50}, p90 ${l.p90}, p99 ${l.p99}, p99.9 ${l.p999}, max ${l.max}

| service | RSS start (MB) | halfway | end | peak | growth over the second half |
| --- | ---: | ---: | ---: | ---: | ---: |
${Object.entries(r.rssMb)
  .map(([s, m]) => `| ${s} | ${m.start} | ${m.half} | ${m.end} | ${m.peak} | ${pct((m.end - m.half) / m.half)} |`)
  .join('\n')}

Targets: no service above ${MAX_RSS_MB} MB, no growth over the second half beyond ${pct(MAX_SECOND_HALF_GROWTH)}; no errors but the deliberate percentage faults and division's 422 for MathFanBoy's own zero divisors.
`;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: { duration: { type: 'string', default: '600' }, rate: { type: 'string', default: '1000' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    process.stderr.write(`soak: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const durationS = Number(values.duration);
  const rate = Number(values.rate);
  if (!(durationS >= 10) || !(rate > 0)) {
    process.stderr.write(`soak: --duration must be at least 10 seconds and --rate above 0\n${USAGE}\n`);
    return 2;
  }
  process.stdout.write(`==> soak: the mesh-agnostic set, ${rate} requests per second over the five operations for ${durationS} s …\n`);
  const report = await soak(durationS, rate);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'soak.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(RESULTS, 'soak.md'), soakMarkdown(report));
  process.stdout.write(`${soakMarkdown(report)}\n==> results/soak/soak.md and soak.json\n`);
  return report.pass ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`soak: error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(3);
    },
  );
}
