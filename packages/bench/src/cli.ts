#!/usr/bin/env node
// make bench: the sidecar overhead benchmark on the local lab's network. QUICK=1 (--quick) checks the harness.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  destroyNetwork,
  ensureDaprBinaries,
  ensureRoot,
  ensureSystemTools,
  EXIT,
  hasCommand,
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
import { cpuTable, SCENARIOS, tabulate, type RunRecord } from './analysis.js';
import { runFortio, type FortioResult } from './fortio.js';
import type { LoadResult, LoadSpec } from './loadgen.js';
import { cpuMs, memoryMb } from './resources.js';
import { harnessCheck, writeReport, type BenchReport } from './report.js';
import { REQUEST_BODY, startScenarios, type ScenarioSetup } from './scenarios.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RESULTS = join(ROOT, 'results', 'bench');
const WORK = join(ROOT, '.run', 'bench');
const LOADGEN = fileURLToPath(new URL('./loadgen-main.js', import.meta.url));
const FORTIO_VERSION = 'v1.66.0';
const FORTIO = join(ROOT, 'tools', 'bin', 'fortio');

// The cross-check runs at 200 rps: nothing saturates there, so it compares instruments, not queueing.
const FULL = { rates: [200, 1000, 2000], repetitions: 3, durationS: 5, warmupS: 1, connections: 16, fortioRate: 200, fortioDurationS: 5, generatorRate: 5000 };
const QUICK = { rates: [200, 1000], repetitions: 2, durationS: 1, warmupS: 0.5, connections: 16, fortioRate: 200, fortioDurationS: 1, generatorRate: 0 };

const USAGE = `usage: calc-bench [--quick]

Measures what the sidecars add to one call (client → multiplication) in four scenarios, interleaved
in one run: direct, dapr (daprd both sides, mTLS), mesh (HAProxy both sides, mTLS), dapr+mesh (Dapr
mTLS off, mesh mTLS on). Writes results/bench/bench.json, bench.md and latency.svg.
  --quick   a short run that checks the harness (counts add up, no errors, every scenario); ~1 minute
Needs root (network namespaces), like make lab. Exit 0 ok, 1 harness problems, 3 could not run.`;

const say = (line: string) => process.stdout.write(`${line}\n`);

function ensureFortio(): void {
  if (existsSync(FORTIO) && trySh(FORTIO, ['version'])?.trim() === FORTIO_VERSION.slice(1)) return;
  if (!hasCommand('go')) throw new LabError('MISSING_TOOL', 'Go is needed to install fortio (https://go.dev/dl/)');
  say(`installing fortio ${FORTIO_VERSION} into tools/bin (go install, pinned)`);
  const built = spawnSync('go', ['install', `fortio.org/fortio@${FORTIO_VERSION}`], { env: { ...process.env, GOBIN: join(ROOT, 'tools', 'bin') }, stdio: 'inherit' });
  if (built.status !== 0) throw new LabError('MISSING_TOOL', `go install fortio.org/fortio@${FORTIO_VERSION} failed`);
}

/** One run of the generator inside the client pod; `pinned`: on CPU 0 only (the cross-check's setting). */
function load(client: PodRef, spec: LoadSpec, pinned = false): Promise<LoadResult> {
  const command = [...(pinned ? ['taskset', '-c', '0'] : []), process.execPath, LOADGEN, JSON.stringify(spec)];
  return new Promise((resolve, reject) => {
    execFile('ip', ['netns', 'exec', client.ns, ...command], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new LabError('COMMAND_FAILED', `load generator failed in ${client.ns}: ${stderr.trim() || error.message}`));
      else resolve(JSON.parse(stdout) as LoadResult);
    });
  });
}

async function measure(setup: ScenarioSetup, spec: LoadSpec): Promise<{ result: LoadResult; cpuPer1000: Record<string, number> }> {
  const before = setup.processes.map((p) => cpuMs(p.process.child.pid!));
  const result = await load(setup.client, spec);
  const cpuPer1000 = Object.fromEntries(
    setup.processes.map((p, i) => [p.role, ((cpuMs(p.process.child.pid!) - before[i]!) * 1000) / Math.max(1, result.completed + Math.round(spec.rate * spec.warmupS))]),
  );
  return { result, cpuPer1000 };
}

async function run(quick: boolean): Promise<number> {
  const settings = quick ? QUICK : FULL;
  const release = takeLock(join(ROOT, '.run', 'lab.lock'));
  const user = workloadUser();
  const runtime = new PodRuntime<PodRef>(join(RESULTS, 'logs'), user);
  const guard = new Interruptible('bench', async () => {
    await runtime.close();
    destroyNetwork();
    rmSync(WORK, { recursive: true, force: true });
    release();
  });
  try {
    ensureSystemTools(say);
    const bin = ensureDaprBinaries(say);
    checkReadable(user, [bin.daprd, bin.sentry, ...serviceCommand('multiplication', 'mesh').slice(-1)]);
    ensureFortio();
    destroyNetwork();
    rmSync(RESULTS, { recursive: true, force: true });
    say('==> bringing up the four scenarios (namespaces, sentry, daprd ×4, HAProxy ×4, apps ×4)');
    const setups = await startScenarios(runtime, WORK, bin);
    const spec = (url: string, rate: number, durationS: number, warmupS: number): LoadSpec => ({
      url,
      rate,
      durationS,
      warmupS,
      connections: settings.connections,
      body: REQUEST_BODY,
    });

    for (const setup of setups) {
      const smoke = await load(setup.client, spec(setup.url, 50, 0.4, 0.2));
      if (smoke.errors > 0)
        throw new LabError(
          'POD_NOT_READY',
          `${setup.scenario} does not answer 200: ${JSON.stringify(smoke.statuses)}`,
          setup.processes.flatMap((p) => runtime.recentLogs(p.process.pod, 5)),
        );
    }

    const runs: RunRecord[] = [];
    const total = settings.repetitions * settings.rates.length * SCENARIOS.length;
    for (let rep = 0; rep < settings.repetitions; rep++) {
      for (const rate of settings.rates) {
        // Interleaved, in a different order each repetition, so drift hits every scenario alike.
        const order = setups.map((_, i) => setups[(i + rep) % setups.length]!);
        for (const setup of order) {
          await guard.checkpoint();
          const { result, cpuPer1000 } = await measure(setup, spec(setup.url, rate, settings.durationS, settings.warmupS));
          runs.push({ rep, rate, scenario: setup.scenario, result, cpuPer1000 });
          say(
            `[${runs.length}/${total}] rep ${rep + 1} ${String(rate).padStart(4)} rps ${setup.scenario.padEnd(9)} p50 ${result.latencyUs.p50} µs  p99 ${result.latencyUs.p99} µs  errors ${result.errors}`,
          );
        }
      }
    }

    let generatorCheck: LoadResult | undefined;
    if (settings.generatorRate > 0) {
      const direct = setups.find((s) => s.scenario === 'direct')!;
      say(`==> the generator alone at ${settings.generatorRate} requests per second (direct scenario)`);
      generatorCheck = await load(direct.client, spec(direct.url, settings.generatorRate, settings.durationS, settings.warmupS));
    }

    // The cross-check: ours and fortio back to back, same scenario and rate, each client alone on CPU 0
    // and the scenario's processes moved to CPU 1, so neither client competes with what it measures.
    const fortio: FortioResult[] = [];
    const crossCheck: RunRecord[] = [];
    const pin = (setup: ScenarioSetup, cpus: string) => {
      for (const p of setup.processes) trySh('taskset', ['-a', '-p', '-c', cpus, String(p.process.child.pid)]);
    };
    for (const setup of setups) {
      say(`==> cross-check with fortio: ${setup.scenario} at ${settings.fortioRate} requests per second (clients on CPU 0, the scenario on CPU 1)`);
      pin(setup, '1');
      const ours = await load(setup.client, spec(setup.url, settings.fortioRate, settings.fortioDurationS, settings.warmupS), true);
      crossCheck.push({ rep: 0, rate: settings.fortioRate, scenario: setup.scenario, result: ours, cpuPer1000: {} });
      fortio.push(await runFortio(FORTIO, setup.client, setup.scenario, setup.url, REQUEST_BODY, settings.fortioRate, settings.fortioDurationS, settings.connections));
      pin(setup, '0-1');
    }

    const peakRssMb = Object.fromEntries(setups.map((s) => [s.scenario, Object.fromEntries(s.processes.map((p) => [p.role, memoryMb(p.process.child.pid!).peak]))]));
    const harness = harnessCheck(runs, settings.rates, settings.repetitions);
    const cpuRate = settings.rates.includes(1000) ? 1000 : settings.rates[0]!;
    const report: BenchReport = {
      generatedAt: new Date().toISOString(),
      quick,
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown' },
      versions: {
        daprd: trySh(bin.daprd, ['--version'])?.trim() ?? '?',
        haproxy: /version (\S+)/.exec(trySh('haproxy', ['-v']) ?? '')?.[1] ?? '?',
        node: process.version,
        fortio: FORTIO_VERSION,
      },
      settings: {
        rates: settings.rates,
        repetitions: settings.repetitions,
        durationS: settings.durationS,
        warmupS: settings.warmupS,
        connections: settings.connections,
        body: REQUEST_BODY,
      },
      runs,
      rows: tabulate(runs),
      cpuPer1000AtRate: { rate: cpuRate, table: cpuTable(runs, cpuRate) },
      peakRssMb,
      fortio,
      crossCheck,
      ...(generatorCheck ? { generatorCheck } : {}),
      harness,
    };
    writeReport(RESULTS, report);
    say('');
    for (const row of report.rows.filter((r) => r.rate === cpuRate)) {
      say(
        `${row.scenario.padEnd(9)} p50 ${String(row.latency.p50).padStart(6)} µs  p99 ${String(row.latency.p99).padStart(6)} µs  added p50 ${row.scenario === 'direct' ? '   (baseline)' : `${String(row.added.p50).padStart(6)} µs (spread ${row.addedP50SpreadPct.toFixed(0)} %)`}`,
      );
    }
    if (!harness.pass) for (const p of harness.problems) say(`✗ ${p}`);
    say(`\n==> ${harness.pass ? 'harness ok' : 'harness problems'}; results/bench/bench.md, bench.json, latency.svg`);
    return harness.pass ? EXIT.ok : EXIT.mismatch;
  } finally {
    // Interrupted: the signal path tears down and exits; this path ends here.
    await guard.checkpoint();
    await guard.tearDown();
  }
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ options: { quick: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new LabError('USAGE', `${(error as Error).message}\n${USAGE}`);
  }
  if (parsed.values.help) {
    say(USAGE);
    return EXIT.ok;
  }
  ensureRoot('the benchmark');
  return run(parsed.values.quick === true);
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
