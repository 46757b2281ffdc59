// The experiment, once, for every platform: the probe matrix, the sidecars' own counters, the
// injection facts, MathFanBoy, and whatever checks only the platform can make, judged the same way
// and written as one findings.md/json and report.html. A platform (the local lab, kind) supplies
// only how to reach into its pods.
import { callerCounts, FANBOY_MIN_CALLS, fanboySection, judgeFanBoy, type FanBoyReport } from './fanboy-report.js';
import type { Probe } from './matrix.js';
import { judge, type Observation, type Verdict } from './observation.js';
import { formatTable, writeFindings, type Findings, type Section } from './report.js';
import { deniedBySidecar, sidecarSection, type SidecarStats } from './sidecar-stats.js';
import { summaryOf, type Variant, type VariantRecord } from './variants.js';

/** A check beside the matrix: its findings section, and the data kept under `key` in findings.json. */
export interface Check {
  key: string;
  section: Section;
  data: unknown;
}

/** What a platform gives the experiment. */
export interface Platform {
  name: Findings['platform'];
  /** The matrix rows it can run (kind cannot run the local-only ones). */
  probes: readonly Probe[];
  /** How many probes run at a time. */
  concurrency: number;
  /** Runs one probe from inside its caller's pod. */
  probe(probe: Probe): Promise<Observation>;
  /** Every service's sidecar's own inbound counters, now. */
  sidecarStats(): Promise<SidecarStats[]>;
  /** What the injection did to each pod, as the platform can read it (kind: the live pod specs; local: the pods' own rules). */
  injection(): Promise<Check>;
  /**
   * MathFanBoy's printed lines in a variant, once at least `calls` of them are judged (or the
   * platform gave up waiting), and how many earlier ones are left out.
   */
  fanboyLog(variant: Variant, calls: number): Promise<{ lines: string[]; skipped: number }>;
  /** Checks only this platform can make, after MathFanBoy's. */
  checks(run: { verdicts: readonly Verdict[]; fanboys: readonly FanBoyReport[] }): Promise<Check[]>;
  versions(): Record<string, string>;
  notes: readonly string[];
}

/** A timed, announced step (the local lab also stops between steps when interrupted). */
export type Step = <T>(text: string, work: () => T | Promise<T>) => Promise<T>;

export const announce: Step = async (text, work) => {
  const started = performance.now();
  process.stdout.write(`==> ${text} … `);
  const result = await work();
  process.stdout.write(`${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return result;
};

export interface ExperimentOptions {
  /** Where findings.md, findings.json and report.html go. */
  results: string;
  step?: Step;
  /** When the run began (bring-up included), for the findings' duration. */
  startedAt?: number;
}

/** Runs the probes, a few at a time, in matrix order. */
async function runProbes(platform: Platform, probes: readonly Probe[]): Promise<Verdict[]> {
  const verdicts: Verdict[] = new Array(probes.length);
  let next = 0;
  const worker = async () => {
    while (next < probes.length) {
      const i = next++;
      const probe = probes[i]!;
      let observed: Observation;
      try {
        observed = await platform.probe(probe);
      } catch (error) {
        observed = { outcome: 'error', detail: (error as Error).message };
      }
      verdicts[i] = judge(probe, observed);
    }
  };
  await Promise.all(Array.from({ length: platform.concurrency }, worker));
  return verdicts;
}

/** The experiment on one platform, for the given variants: findings written, printed, and returned. */
export async function runExperiment(platform: Platform, variants: readonly VariantRecord[], o: ExperimentOptions): Promise<Findings> {
  const step = o.step ?? announce;
  const started = o.startedAt ?? performance.now();
  const names = new Set(variants.map((v) => v.name));
  const probes = platform.probes.filter((p) => names.has(p.variant));

  // A sidecar's counters keep what came before (an earlier e2e run, the lab's MathFanBoy): denials count from here.
  const before = await step("reading every sidecar's own counters", () => platform.sidecarStats());
  const verdicts = await step(`running the probe matrix (${probes.length} probes, each from inside its caller's pod)`, () => runProbes(platform, probes));
  const fanboys = await step(`letting MathFanBoy make ${FANBOY_MIN_CALLS}+ calls in each variant`, () =>
    Promise.all(
      variants.map(async (v) => {
        const log = await platform.fanboyLog(v.name, FANBOY_MIN_CALLS);
        return judgeFanBoy(v.name, log.lines, log.skipped);
      }),
    ),
  );
  const after = await step("reading every sidecar's own counters again (daprd's metrics, the proxies')", () => platform.sidecarStats());
  const stats = after.map((s) => ({ ...s, denials: s.denials - (before.find((b) => b.variant === s.variant && b.service === s.service)?.denials ?? 0) }));
  const injection = await step('reading what the injection did to each pod', () => platform.injection());
  const checks = await platform.checks({ verdicts, fanboys });

  const expectedDenials = Object.fromEntries(variants.map((v) => [v.name, deniedBySidecar(verdicts, v)]));
  const sidecars: Check = { key: 'sidecars', section: sidecarSection(stats, callerCounts(fanboys), expectedDenials), data: stats };
  const all = [sidecars, ...checks, injection, { key: 'fanboys', section: fanboySection(fanboys), data: fanboys }];
  const sections = all.map((c) => c.section);
  const findings: Findings = {
    platform: platform.name,
    generatedAt: new Date().toISOString(),
    durationSeconds: (performance.now() - started) / 1000,
    variants: variants.map(summaryOf),
    versions: platform.versions(),
    verdicts,
    sections,
    data: Object.fromEntries(all.map((c) => [c.key, c.data])),
    notes: [...platform.notes],
    pass: verdicts.every((v) => v.pass) && sections.every((s) => s.items.every((i) => i.pass)),
  };
  writeFindings(o.results, findings);

  const say = (line: string) => process.stdout.write(`${line}\n`);
  say('');
  say(formatTable(verdicts));
  say('');
  for (const v of verdicts.filter((v) => !v.pass))
    say(`✗ ${v.probe.id}: expected ${v.expectedText}, observed ${v.observedText}${v.observed.detail ? ` — ${v.observed.detail}` : ''}`);
  for (const section of sections) for (const item of section.items.filter((i) => !i.pass)) say(`✗ ${section.title}: ${item.text}`);
  return findings;
}

/** The run's outcome in one line: every cell as expected, or what differs. */
export function outcomeLine(f: Findings): string {
  if (f.pass) return 'every cell as expected';
  const cells = f.verdicts.filter((v) => !v.pass).length;
  const checks = f.sections.filter((s) => s.items.some((i) => !i.pass)).map((s) => s.title);
  return [cells ? `${cells} cell(s) differ` : '', ...checks.map((t) => `not as expected: ${t}`)].filter(Boolean).join('; ');
}
