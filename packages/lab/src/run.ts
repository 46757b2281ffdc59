// `calc-lab run` (make lab: up, probe, check, down) and `calc-lab up` (make lab-up: up, and leave it up).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { deniedBySidecar, formatTable, PROBES, sidecarSection, writeFindings, type Findings, type Section, type Variant, VARIANTS } from '@calc/probe-matrix';
import { entryOf } from '@calc/launcher';
import { checkComposition, type CompositionReport } from './composition-check.js';
import { startDaprMeshVariant } from './dapr-mesh-variant.js';
import { startDaprControlPlane, startDaprVariant } from './dapr-variant.js';
import { EXIT } from './errors.js';
import { checkFanBoy, waitForCalls, type FanBoyReport } from './fanboy-check.js';
import { checkHygiene, hygieneSection } from './hygiene.js';
import { Interruptible } from './interrupt.js';
import { injectionSection, readInjection } from './injection.js';
import { checkLayer4, layer4Section } from './layer4.js';
import { checkMeshDenials, denialSection } from './mesh-denials.js';
import { meshViewSection, readMeshView } from './mesh-view.js';
import { PROXY_UID } from './mesh-proxy.js';
import { startMeshVariant } from './mesh-variant.js';
import { createNetwork, destroyNetwork } from './network.js';
import { LOCK, LOG_DIR, RESULTS_DIR, WORK_DIR } from './paths.js';
import { createAuthority } from './pki.js';
import { PodRuntime } from './pods.js';
import { podsTable } from './pods-table.js';
import { takeLock } from './root.js';
import { runProbes } from './run-probes.js';
import { readSidecarStats } from './sidecar-metrics.js';
import { trySh } from './shell.js';
import { DAPR_VERSION, ensureDaprBinaries, ensureSystemTools } from './tools.js';
import { ALL_PODS, DAPR_MESH_PODS, DAPR_PODS, MESH_PODS, type Pod } from './topology.js';
import { checkReadable, workloadUser } from './workload-user.js';

const FANBOY_MIN_CALLS = 20;

export const NOTES = [
  'Local lab: Linux network namespaces on one bridge play the pods; the bridge lives in a namespace of its own and every address exists only inside the lab.',
  `Dapr: real daprd and sentry ${DAPR_VERSION} with mTLS. daprd resolves app IDs with the nameformat resolver to \`<app-id>-dapr.dapr-calculator.lab\`, mapped in each pod's hosts file (Kubernetes: the \`<app-id>-dapr\` Service). Every sidecar has a Configuration for that; only multiplication's pods carry the access-control policy.`,
  'Mesh: Linkerd-style transparent mTLS with HAProxy and iptables, not Linkerd itself (the kind lab runs the real one). Interception, mTLS between meshed pods and a per-identity policy work as in Linkerd; HAProxy 2.6 authorizes by the certificate subject CN (`<serviceaccount>.rest-calculator`) where Linkerd reads the full identity from the SAN.',
  "Dapr + mesh: each pod runs daprd (Dapr's mTLS off) and the stand-in proxy; daprd's port 50002 is authorized request by request as gRPC (as a Linkerd `Server` with `proxyProtocol: gRPC`), a denial answered as Linkerd answers gRPC (HTTP 200, grpc-status 7). The pods named `-daprmtls` keep Dapr's own mTLS on (with the Dapr variant's Sentry), under the mesh's; on Kubernetes Dapr's mTLS is one cluster-wide setting, so kind cannot run them.",
  "Layer 4: Debian's redis-server (7.0.15, as the kind lab's `redis:7.0.15-bookworm`), which percentage counts its calls in; in the meshed variants its port is opaque TCP under a policy that lets only percentage's identity connect.",
  'Namespaces share one filesystem and process table: the lab demonstrates routing and policy, not isolation.',
];

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

/** Both variants up from nothing (an earlier lab is cleared first); returns daprd's path for the versions line. */
async function bringUp(runtime: PodRuntime<Pod>, step: Step): Promise<{ daprd: string }> {
  await step('clearing what an earlier run left', () => destroyNetwork());
  rmSync(RESULTS_DIR, { recursive: true, force: true });
  rmSync(WORK_DIR, { recursive: true, force: true });
  ensureSystemTools(say);
  const bin = ensureDaprBinaries(say);
  checkReadable(runtime.user, [entryOf('percentage', 'dapr'), bin.daprd, bin.sentry]);
  say(`==> apps, daprd and sentry run as uid ${runtime.user.uid} (unprivileged); the proxies as uid ${PROXY_UID}`);
  await step(`creating ${ALL_PODS.length} pods (network namespaces) on a bridge`, () => createNetwork());
  // One mesh authority per meshed variant: their certificates are named by workload, and their pods never meet.
  const [daprCa, meshCa, daprMeshCa] = await step('issuing the Dapr and mesh certificate authorities', () => [
    createAuthority(join(WORK_DIR, 'pki', 'dapr'), 'cluster.local'),
    createAuthority(join(WORK_DIR, 'pki', 'mesh'), 'root.linkerd.cluster.local'),
    createAuthority(join(WORK_DIR, 'pki', 'dapr-mesh'), 'root.linkerd.cluster.local'),
  ]);
  const sidecars = (pods: Pod[]) => pods.filter((p) => p.sidecar).length;
  const mtls = await step("starting Dapr's control plane (sentry)", () => startDaprControlPlane(runtime, WORK_DIR, daprCa!, bin));
  await step(
    `starting the three variants: daprd ×${sidecars(DAPR_PODS)}; HAProxy ×${sidecars(MESH_PODS)}; daprd and HAProxy ×${sidecars(DAPR_MESH_PODS)}; their apps and Redis`,
    () =>
      Promise.all([startDaprVariant(runtime, WORK_DIR, bin, mtls), startMeshVariant(runtime, WORK_DIR, meshCa!), startDaprMeshVariant(runtime, WORK_DIR, daprMeshCa!, bin, mtls)]),
  );
  return bin;
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
    const verdicts = await step(`running the probe matrix (${PROBES.length} probes, each from inside its caller's pod)`, () => runProbes(runtime));
    const denials = await step("reading the mesh proxy's denial count", () => checkMeshDenials(WORK_DIR, verdicts));
    const hygiene = await step('checking who each process runs as, and the key files', () => checkHygiene(runtime.processes, WORK_DIR));
    const compositions = await step('calling percentage through the sidecars in every variant', () => Promise.all(VARIANTS.map((v) => checkComposition(runtime, v))));
    const fanboys = runtime.processes.filter((p) => p.pod.workload === 'mathfanboy' && p.name === 'app');
    await step(`letting MathFanBoy make ${FANBOY_MIN_CALLS}+ calls in each variant`, () => Promise.all(fanboys.map((f) => waitForCalls(f, FANBOY_MIN_CALLS, 20_000))));
    await runtime.stop(fanboys);
    const fanboyReports = fanboys.map((f) => checkFanBoy(f.pod.variant, f));
    const stats = await step("reading every sidecar's own counters (daprd's metrics, the proxies' statistics)", () => readSidecarStats(runtime, WORK_DIR));
    const layer4 = await step("reading percentage's count in Redis and Redis's proxy", () =>
      Promise.all(fanboyReports.map((r) => checkLayer4(WORK_DIR, r.variant as Variant, r.byService.percentage?.calls ?? 0, verdicts))),
    );
    const injection = readInjection(
      ALL_PODS.filter((p) => p.variant !== 'system'),
      runtime.processes,
    );
    const meshView = await readMeshView(WORK_DIR);
    const seen = sidecarSection(stats, callerCounts(fanboyReports), Object.fromEntries(VARIANTS.map((v) => [v, deniedBySidecar(verdicts, v)])));

    const findings: Findings = {
      platform: 'local',
      generatedAt: new Date().toISOString(),
      durationSeconds: (performance.now() - started) / 1000,
      versions: versions(bin.daprd),
      verdicts,
      sections: [
        denialSection(denials),
        seen,
        layer4Section(layer4),
        meshViewSection(meshView),
        injectionSection(injection),
        compositionSection(compositions),
        fanboySection(fanboyReports),
        hygieneSection(hygiene),
      ],
      data: { denials, sidecars: stats, layer4, meshView, injection, compositions, fanboys: fanboyReports, hygiene },
      notes: NOTES,
      pass:
        verdicts.every((v) => v.pass) &&
        meshViewSection(meshView).items.every((i) => i.pass) &&
        denials.pass &&
        seen.items.every((i) => i.pass) &&
        hygiene.pass &&
        layer4.every((r) => r.pass) &&
        injection.pass &&
        compositions.every((c) => c.pass) &&
        fanboyReports.every((r) => r.faults.length === 0 && r.calls >= FANBOY_MIN_CALLS),
    };
    writeFindings(RESULTS_DIR, findings);
    say('');
    say(formatTable(verdicts));
    say('');
    for (const c of compositions) say(`${c.pass ? '✅' : '❌'} ${c.variant}: ${c.route}: ${c.detail}`);
    for (const r of fanboyReports)
      say(
        `MathFanBoy (${r.variant}): ${r.calls} calls, ${r.errors} errors${r.faults.length ? `, ${r.faults.length} WRONG: ${r.faults[0]}` : ', every result right; the errors are the deliberate ones'}`,
      );
    const failed = verdicts.filter((v) => !v.pass);
    for (const v of failed) say(`✗ ${v.probe.id}: expected ${v.expectedText}, observed ${v.observedText}${v.observed.detail ? ` — ${v.observed.detail}` : ''}`);
    const problems = [
      failed.length ? `${failed.length} cell(s) differ` : '',
      denials.pass ? '' : `the mesh proxy counted ${denials.counted} denials, the matrix expects ${denials.expected}`,
      seen.items.every((i) => i.pass) ? '' : "a sidecar's counters miss the deliberate errors or the denials",
      hygiene.pass ? '' : hygiene.problems.join('; '),
      layer4.every((r) => r.pass) ? '' : "percentage's Redis count or Redis's proxy denials are not as expected",
      injection.pass ? '' : injection.problems.join('; '),
      meshViewSection(meshView).items.every((i) => i.pass) ? '' : "the mesh's view of Dapr's traffic is not as expected",
      compositions.some((c) => !c.pass) ? 'percentage failed through the sidecars' : '',
      fanboyReports.some((r) => r.faults.length || r.calls < FANBOY_MIN_CALLS) ? 'MathFanBoy saw wrong results or too few calls' : '',
    ].filter(Boolean);
    say(
      `\n==> ${findings.pass ? 'every cell as expected' : problems.join('; ')}; findings in results/lab/findings.md, findings.json and report.html (${findings.durationSeconds.toFixed(1)} s)`,
    );
    return findings.pass ? EXIT.ok : EXIT.mismatch;
  } finally {
    // Interrupted: the signal path tears down and exits; this path ends here, whatever it was doing.
    await guard.checkpoint();
    if (keep) say('==> --keep: the lab is still up; make lab-down removes it');
    else await step('tearing down (namespaces, processes, rules)', () => guard.tearDown());
  }
}

export function callerCounts(reports: FanBoyReport[]): Record<string, FanBoyReport['byService']> {
  return Object.fromEntries(reports.map((r) => [r.variant, r.byService]));
}

function compositionSection(reports: CompositionReport[]): Section {
  return { title: 'The services through their sidecars', items: reports.map((c) => ({ pass: c.pass, text: `**${c.variant}**: ${c.route}: ${c.detail}` })) };
}

function fanboySection(reports: FanBoyReport[]): Section {
  return {
    title: 'MathFanBoy',
    items: reports.map((r) => ({
      pass: r.faults.length === 0 && r.calls >= FANBOY_MIN_CALLS,
      text: `**${r.variant}**: ${r.calls} calls, ${r.errors} errors (calls/errors: ${Object.entries(r.byService)
        .map(([s, t]) => `${s} ${t.calls}/${t.errors}`)
        .join(', ')}); every call checked from its JSON record${r.faults.length ? `; wrong: ${r.faults.slice(0, 3).join('; ')}` : ''}`,
      lines: r.sample,
    })),
  };
}

export function versions(daprd: string): Record<string, string> {
  return {
    daprd: trySh(daprd, ['--version'])?.trim() ?? 'unknown',
    haproxy: /version (\S+)/.exec(trySh('haproxy', ['-v']) ?? '')?.[1] ?? 'unknown',
    node: process.version,
  };
}
