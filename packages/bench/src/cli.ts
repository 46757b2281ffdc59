#!/usr/bin/env node
// make bench: the sidecar overhead benchmark on the local lab's network, paired (see method.ts). QUICK=1 (--quick) checks the harness.
import { existsSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  destroyNetwork,
  ensureDaprBinaries,
  ensureRoot,
  ensureSystemTools,
  EXIT,
  LabError,
  Interruptible,
  PodRuntime,
  takeLock,
  trySh,
  checkReadable,
  workloadUser,
  type PodRef,
} from '@calc/lab';
import { serviceCommand } from '@calc/launcher';
import { PINNED, REPO_ROOT } from '@calc/probe-matrix';
import type { Scenario } from './analysis.js';
import { compareFiles } from './compare.js';
import { runFortio, type FortioResult } from './fortio.js';
import { Generator } from './generator.js';
import { FULL, loaded, pairedRuns, QUICK, REQUEST_BODY, warmUp, type Bench, type Settings, type SliceRecord } from './method.js';
import { buildReport, headline, LOCAL_SETUP, writePairedReport } from './paired-report.js';
import { cpuMs, memoryMb } from './resources.js';
import { benchScenarioOf, restartDaprds, startScenarios, type ScenarioSetup } from './scenarios.js';

const RESULTS = join(REPO_ROOT, 'results', 'bench');
const WORK = join(REPO_ROOT, '.run', 'bench');
const FORTIO_VERSION = PINNED.fortio;
/** Where make bench-tools installs fortio (a test points FORTIO_BIN elsewhere). */
const FORTIO = process.env.FORTIO_BIN ?? join(REPO_ROOT, 'tools', 'bin', 'fortio');

const say = (line: string) => process.stdout.write(`${line}\n`);

/** fortio, installed before by make bench-tools (make bench and make test do it): nothing is downloaded here. */
function ensureFortio(): void {
  if (existsSync(FORTIO) && trySh(FORTIO, ['version'])?.trim() === FORTIO_VERSION.slice(1)) return;
  throw new LabError('MISSING_TOOL', `fortio ${FORTIO_VERSION} is not at ${FORTIO}: make bench-tools installs it`);
}

/** make bench: the paired runs, then fortio beside the generator and daprd's settings varied. */
const LOCAL_FULL: Settings = { ...FULL, fortio: { rounds: 16, perSlice: 200 }, cpuExperiment: { rounds: 4, sliceS: 2, idleS: 3 } };
const LOCAL_QUICK: Settings = { ...QUICK, fortio: { rounds: 2, perSlice: 40 } };

/** daprd's settings that might explain its CPU beside Dapr's published figure; each is tried alone, then all together. */
const CPU_VARIANTS: Array<{ name: string; args?: string[]; env?: Record<string, string> }> = [
  { name: 'as the lab runs it (log level info, metrics on, GOMAXPROCS = cores)' },
  { name: 'log level warn', args: ['--log-level', 'warn'] },
  { name: 'metrics off', args: ['--enable-metrics=false'] },
  { name: 'GOMAXPROCS=1', env: { GOMAXPROCS: '1' } },
  { name: 'all three', args: ['--log-level', 'warn', '--enable-metrics=false'], env: { GOMAXPROCS: '1' } },
];

const USAGE = `usage: calc-bench [--quick] [--runs N] [--rates R1,R2,…]
       calc-bench --compare A/bench.json B/bench.json

What the sidecars add to one call (client → multiplication) in four scenarios: direct, dapr (daprd
both sides, mTLS), mesh (the HAProxy stand-in both sides, mTLS; not Linkerd), dapr-mesh (Dapr mTLS
off, the stand-in's mTLS on). Paired: short slices of every scenario alternate round after round,
and the added latency is the scenario minus the direct baseline of the same round. Each run
measures one request at a time (unloaded), finds the direct baseline's knee, and loads every
scenario at fractions of it; make bench runs twice and says how far the runs agree, then varies
daprd's settings to explain its CPU. Writes results/bench/bench.json, bench.md and latency.svg.
  --quick        one short run that checks the harness (~1 minute; figures not meant to be read)
  --runs N       how many runs (default 2; the agreement compares the first and the last)
  --compare A B  how far two make bench invocations agree (unloaded added medians, CPU per request);
                 reads their bench.json, needs no root; exit 1 when a figure misses the 10 % target
  --rates LIST   loaded rates in requests per second (e.g. 200,1000,2000, for big machines),
                 instead of 1.25, 2.5, 5, 10 and 25 % of the knee
Needs root (network namespaces), like make lab. Exit 0 ok, 1 harness problems, 2 bad usage, 3 could not run.`;

/** CPU each daprd of the scenario spends with no request at all, per second of wall time: its background work. */
async function idleCpu(setup: ScenarioSetup, seconds: number): Promise<Record<string, number>> {
  const daprds = setup.processes.filter((p) => p.role.includes('daprd'));
  const before = daprds.map((p) => cpuMs(p.process.child.pid!));
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return Object.fromEntries(daprds.map((p, i) => [p.role, (cpuMs(p.process.child.pid!) - before[i]!) / seconds]));
}

async function run(settings: Settings, quick: boolean): Promise<number> {
  const release = takeLock(join(REPO_ROOT, '.run', 'lab.lock'));
  const user = workloadUser();
  const runtime = new PodRuntime<PodRef>(join(RESULTS, 'logs'), user);
  const generators = new Map<Scenario, Generator>();
  const guard = new Interruptible('bench', async () => {
    for (const g of generators.values()) g.stop();
    await runtime.close();
    destroyNetwork();
    rmSync(WORK, { recursive: true, force: true });
    release();
  });
  const started = performance.now();
  try {
    ensureSystemTools(say);
    const bin = ensureDaprBinaries(say);
    checkReadable(user, [bin.daprd, bin.sentry, ...serviceCommand('multiplication', 'agnostic').slice(-1)]);
    ensureFortio();
    destroyNetwork();
    rmSync(RESULTS, { recursive: true, force: true });
    say('==> bringing up the four scenarios (namespaces, sentry, daprd ×4, HAProxy ×4, apps ×4)');
    const setups = await startScenarios(runtime, WORK, bin);
    for (const setup of setups) generators.set(setup.scenario, new Generator(setup.client));
    const bench: Bench = {
      scenarios: setups.map((setup) => benchScenarioOf(setup, generators.get(setup.scenario)!)),
      connections: settings.connections,
      cores: cpus().length,
      checkpoint: () => guard.checkpoint(),
      say,
    };
    say('==> warming up every scenario');
    await warmUp(bench);

    const { records, knees, loadedRates } = await pairedRuns(bench, settings);

    // The fortio cross-check, paired as the unloaded phase is: rounds of every scenario, one request at a time.
    const fortio: FortioResult[] = [];
    // In each round both tools on each scenario back to back, which goes first alternating from round
    // to round, so that neither always meets the scenario just after the other has left it.
    const cross = settings.fortio!;
    say(`==> cross-check with fortio: ${cross.rounds} rounds × 4 scenarios × ${cross.perSlice} sequential requests, by fortio and by ours`);
    const beside: SliceRecord[] = [];
    for (let round = 0; round < cross.rounds; round++)
      for (const setup of setups.map((_, i) => setups[(i + round) % setups.length]!)) {
        await guard.checkpoint();
        const byFortio = async () => {
          fortio.push({ ...(await runFortio(FORTIO, setup.client, setup.scenario, setup.url, REQUEST_BODY, { count: cross.perSlice })), round });
        };
        const byOurs = async () => {
          const ours = await generators.get(setup.scenario)!.run({ kind: 'sequential', url: setup.url, count: cross.perSlice, body: REQUEST_BODY });
          beside.push({
            run: settings.runs,
            phase: 'cross-check',
            rate: 0,
            round,
            scenario: setup.scenario,
            result: ours,
            sent: ours.requests,
            wallMs: 0,
            cpuMs: {},
            contextSwitches: {},
            generatorCpuMs: 0,
            saturated: [],
          });
        };
        for (const measure of round % 2 ? [byOurs, byFortio] : [byFortio, byOurs]) await measure();
      }
    records.push(...beside);

    // daprd's CPU per request under other settings, at the highest loaded rate where no dapr slice saturated.
    const daprSlices = records.filter((r) => r.phase === 'loaded' && r.scenario === 'dapr');
    const calm = loadedRates[0]!.filter((rate) => daprSlices.every((r) => r.rate !== rate || r.saturated.length === 0));
    const cpuRate = calm.length ? Math.max(...calm) : Math.min(...loadedRates[0]!);
    const idle: Array<{ variant: string; msPerSecond: Record<string, number> }> = [];
    if (settings.cpuExperiment) {
      const dapr = setups.find((s) => s.scenario === 'dapr')!;
      for (const variant of CPU_VARIANTS) {
        say(`==> CPU experiment: daprd ${variant.name}, at ${cpuRate}/s`);
        await restartDaprds(runtime, dapr, variant);
        await generators.get('dapr')!.run({ kind: 'open', url: dapr.url, rate: cpuRate, durationS: 0.5, warmupS: 0, connections: settings.connections, body: REQUEST_BODY });
        idle.push({ variant: variant.name, msPerSecond: await idleCpu(dapr, settings.cpuExperiment.idleS) });
        records.push(...(await loaded(bench, settings.runs, cpuRate, settings.cpuExperiment.rounds, settings.cpuExperiment.sliceS, 'cpu-experiment', variant.name, 'dapr')));
      }
    }

    const peakRssMb = Object.fromEntries(setups.map((s) => [s.scenario, Object.fromEntries(s.processes.map((p) => [p.role, memoryMb(p.process.child.pid!).peak]))]));
    const report = buildReport({
      setup: LOCAL_SETUP,
      quick,
      settings,
      records,
      knees,
      loadedRates,
      fortio,
      peakRssMb,
      cpuRate,
      idle,
      durationS: (performance.now() - started) / 1000,
      versions: {
        daprd: trySh(bin.daprd, ['--version'])?.trim() ?? '?',
        haproxy: /version (\S+)/.exec(trySh('haproxy', ['-v']) ?? '')?.[1] ?? '?',
        node: process.version,
        fortio: FORTIO_VERSION,
      },
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown' },
    });
    writePairedReport(RESULTS, report);
    say('');
    for (const line of headline(report)) say(line);
    if (!report.harness.pass) for (const p of report.harness.problems) say(`✗ ${p}`);
    say(`\n==> ${report.harness.pass ? 'harness ok' : 'harness problems'}; results/bench/bench.md, bench.json, latency.svg (${report.durationS.toFixed(0)} s)`);
    return report.harness.pass ? EXIT.ok : EXIT.mismatch;
  } finally {
    // Interrupted: the signal path tears down and exits; this path ends here.
    await guard.checkpoint();
    await guard.tearDown();
  }
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { quick: { type: 'boolean' }, runs: { type: 'string' }, rates: { type: 'string' }, compare: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new LabError('USAGE', `${(error as Error).message}\n${USAGE}`);
  }
  if (parsed.values.help) {
    say(USAGE);
    return EXIT.ok;
  }
  if (parsed.values.compare) {
    const [a, b] = parsed.positionals;
    if (!a || !b || parsed.positionals.length !== 2) throw new LabError('USAGE', `--compare needs two bench.json files\n${USAGE}`);
    const compared = compareFiles(a, b);
    for (const line of compared.lines) say(line);
    say(`\n==> ${compared.pass ? 'the two invocations agree' : 'the two invocations MISS the 10 % target somewhere (above)'}`);
    return compared.pass ? EXIT.ok : EXIT.mismatch;
  }
  if (parsed.positionals.length) throw new LabError('USAGE', `unexpected ${parsed.positionals.join(' ')}\n${USAGE}`);
  const settings = structuredClone(parsed.values.quick ? LOCAL_QUICK : LOCAL_FULL);
  if (parsed.values.runs !== undefined) {
    const runs = Number(parsed.values.runs);
    if (!Number.isInteger(runs) || runs < 1 || runs > 10) throw new LabError('USAGE', `--runs must be a whole number from 1 to 10, not ${parsed.values.runs}\n${USAGE}`);
    settings.runs = runs;
  }
  if (parsed.values.rates !== undefined) {
    const rates = parsed.values.rates.split(',').map(Number);
    if (rates.some((r) => !Number.isInteger(r) || r < 1 || r > 100_000))
      throw new LabError('USAGE', `--rates must list whole rates per second, e.g. 200,1000,2000, not ${parsed.values.rates}\n${USAGE}`);
    settings.loaded.rates = rates;
  }
  ensureRoot('the benchmark');
  return run(settings, parsed.values.quick === true);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const lab = error instanceof LabError;
    process.stderr.write(
      `\nbench: error ${lab ? `${error.code}: ${error.message}\n${error.details.map((l) => `  ${l}\n`).join('')}` : String(error instanceof Error ? error.stack : error)}\n`,
    );
    process.exit(lab && error.code === 'USAGE' ? EXIT.usage : EXIT.cannotRun);
  },
);
