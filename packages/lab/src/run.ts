// `calc-lab run` (make lab: up, probe, check, down) and `calc-lab up` (make lab-up: up, and leave it up).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { outcomeLine, runExperiment, VARIANTS, type VariantRecord } from '@calc/probe-matrix';
import { entryOf } from '@calc/launcher';
import { startDaprMeshVariant } from './dapr-mesh-variant.js';
import { startDaprControlPlane, startDaprVariant, type DaprBinaries, type DaprMtls } from './dapr-variant.js';
import { EXIT } from './errors.js';
import { Interruptible } from './interrupt.js';
import { localChecks, localPlatform } from './local-platform.js';
import { PROXY_UIDS } from './mesh-proxy.js';
import { startMeshVariant } from './mesh-variant.js';
import { createNetwork, destroyNetwork } from './network.js';
import { LOCK, LOG_DIR, RESULTS_DIR, WORK_DIR } from './paths.js';
import { createAuthority } from './pki.js';
import { PodRuntime } from './pods.js';
import { podsTable } from './pods-table.js';
import { takeLock } from './root.js';
import { ensureDaprBinaries, ensureSystemTools } from './tools.js';
import { ALL_PODS, PODS_OF, type Pod } from './topology.js';
import { checkReadable, workloadUser } from './workload-user.js';

export function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** A timed, announced step; between steps the run stops if it was interrupted. */
async function stepOf<T>(guard: Interruptible, text: string, work: () => T | Promise<T>): Promise<T> {
  await guard.checkpoint();
  const started = performance.now();
  process.stdout.write(`==> ${text} … `);
  const result = await work();
  process.stdout.write(`${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return result;
}

/** Removes everything a lab made: namespaces (and with them every process, veth and rule), its work files, the lock. */
export function down(): { namespaces: number; processes: number } {
  const removed = destroyNetwork();
  rmSync(WORK_DIR, { recursive: true, force: true });
  rmSync(LOCK, { force: true });
  return removed;
}

type Step = <T>(text: string, work: () => T | Promise<T>) => Promise<T>;

/** What a variant's pods carry, for the progress line: "daprd ×7", "HAProxy ×8", "daprd and HAProxy ×9". */
function carriedBy(variant: VariantRecord): string {
  const sidecars = [variant.dapr && 'daprd', variant.mesh && 'HAProxy'].filter(Boolean).join(' and ');
  return `${variant.name}: ${sidecars} ×${PODS_OF[variant.name]!.filter((p) => p.sidecar).length}`;
}

/** Every variant up from nothing (an earlier lab is cleared first); returns daprd's path for the versions line. */
async function bringUp(runtime: PodRuntime<Pod>, step: Step): Promise<DaprBinaries> {
  await step('clearing what an earlier run left', () => destroyNetwork());
  rmSync(RESULTS_DIR, { recursive: true, force: true });
  rmSync(WORK_DIR, { recursive: true, force: true });
  ensureSystemTools(say);
  const bin = ensureDaprBinaries(say);
  checkReadable(runtime.user, [entryOf('percentage', 'dapr'), bin.daprd, bin.sentry]);
  say(`==> apps, daprd and sentry run as uid ${runtime.user.uid} (unprivileged); the proxies as uid ${PROXY_UIDS.join(', ')}`);
  await step(`creating ${ALL_PODS.length} pods (network namespaces) on a bridge`, () => createNetwork());
  // Dapr's authority (Sentry's), and one mesh authority per meshed variant: their certificates are named by workload, and their pods never meet.
  const [daprCa, ...meshCas] = await step('issuing the Dapr and mesh certificate authorities', () => [
    createAuthority(join(WORK_DIR, 'pki', 'dapr'), 'cluster.local'),
    ...VARIANTS.map((v) => (v.mesh ? createAuthority(join(WORK_DIR, 'pki', v.name), v.mesh.trustRoot) : undefined)),
  ]);
  const mtls = await step("starting Dapr's control plane (sentry)", () => startDaprControlPlane(runtime, WORK_DIR, daprCa!, bin));
  const start = (v: VariantRecord, i: number) => startVariant(runtime, v, meshCas[i], bin, mtls);
  await step(`starting the variants (${VARIANTS.map(carriedBy).join('; ')}), their apps and Redis`, () => Promise.all(VARIANTS.map(start)));
  return bin;
}

/** A variant's pods, as its traits say: the mesh's proxies (with daprd too where Dapr is), or daprd alone. */
function startVariant(runtime: PodRuntime<Pod>, v: VariantRecord, meshCa: ReturnType<typeof createAuthority> | undefined, bin: DaprBinaries, mtls: DaprMtls): Promise<void> {
  if (!v.mesh) return startDaprVariant(runtime, WORK_DIR, v, bin, mtls);
  return v.dapr ? startDaprMeshVariant(runtime, WORK_DIR, v, meshCa!, bin, mtls) : startMeshVariant(runtime, WORK_DIR, v, meshCa!);
}

/** make lab-up: both variants up, MathFanBoy calling, and this process gone; `./lab` works on it, make lab-down ends it. */
export async function up(): Promise<number> {
  const started = performance.now();
  const releaseLock = takeLock(LOCK);
  // Not tied to this process: the pods outlive it.
  const runtime = new PodRuntime<Pod>(LOG_DIR, workloadUser(), false);
  const guard = new Interruptible('lab-up', async () => {
    await runtime.close();
    down();
  });
  try {
    await bringUp(runtime, (text, work) => stepOf(guard, text, work));
  } catch (error) {
    await guard.tearDown();
    throw error;
  }
  await guard.checkpoint();
  releaseLock();
  say('');
  for (const line of podsTable()) say(line);
  say(`\n==> the lab is up (${((performance.now() - started) / 1000).toFixed(1)} s), MathFanBoy calling in every variant. Next:`);
  say('    ./lab probe                      the probe matrix against the running lab');
  say('    ./lab exec dapr/intruder -- curl -s -X POST -H content-type:application/json -d \'{"op1":6,"op2":7}\' http://multiplication-dapr/multiply');
  say('    ./lab policy mesh off            and ./lab probe again; docs/walkthrough.md has every exercise');
  say('    make lab-down                    when you are done');
  return EXIT.ok;
}

/** make lab: up, the matrix and every check, findings, down. `keep` leaves the lab up afterwards. */
export async function run(keep: boolean): Promise<number> {
  const started = performance.now();
  takeLock(LOCK);
  const runtime = new PodRuntime<Pod>(LOG_DIR, workloadUser(), !keep);
  const guard = new Interruptible('lab', async () => {
    await runtime.close();
    down();
  });
  const step: Step = (text, work) => stepOf(guard, text, work);

  try {
    const bin = await bringUp(runtime, step);
    const platform = localPlatform({ runtime, daprd: bin.daprd, stopFanBoys: true, checks: localChecks(runtime) });
    const findings = await runExperiment(platform, VARIANTS, { results: RESULTS_DIR, step, startedAt: started });
    say(`\n==> ${outcomeLine(findings)}; findings in results/lab/findings.md, findings.json and report.html (${findings.durationSeconds.toFixed(1)} s)`);
    return findings.pass ? EXIT.ok : EXIT.mismatch;
  } finally {
    // Interrupted: the signal path tears down and exits; this path ends here, whatever it was doing.
    await guard.checkpoint();
    if (keep) say('==> --keep: the lab is still up; make lab-down removes it');
    else await step('tearing down (namespaces, processes, rules)', () => guard.tearDown());
  }
}
