#!/usr/bin/env node
// The local lab: `calc-lab run` (make lab) and `calc-lab down` (make lab-down).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatTable, PROBES, writeFindings, type Findings, type Section } from '@calc/probe-matrix';
import { startDaprVariant } from './dapr-variant.js';
import { EXIT, LabError } from './errors.js';
import { checkComposition, type CompositionReport } from './composition-check.js';
import { checkFanBoy, waitForCalls, type FanBoyReport } from './fanboy-check.js';
import { checkHygiene, hygieneSection } from './hygiene.js';
import { checkMeshDenials, denialSection } from './mesh-denials.js';
import { startMeshVariant } from './mesh-variant.js';
import { createNetwork, destroyNetwork } from './network.js';
import { createAuthority } from './pki.js';
import { PodRuntime } from './pods.js';
import { runProbes } from './run-probes.js';
import { ensureRoot, takeLock } from './root.js';
import { Interruptible } from './interrupt.js';
import { PROXY_UID } from './mesh-proxy.js';
import { checkReadable, workloadUser } from './workload-user.js';
import { entryOf } from '@calc/launcher';
import { trySh } from './shell.js';
import { DAPR_VERSION, ensureDaprBinaries, ensureSystemTools } from './tools.js';
import { ALL_PODS, DAPR_PODS, MESH_PODS, type Pod } from './topology.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WORK_DIR = join(REPO_ROOT, '.run', 'lab');
const RESULTS_DIR = join(REPO_ROOT, 'results', 'lab');
const LOCK = join(REPO_ROOT, '.run', 'lab.lock');
const FANBOY_MIN_CALLS = 20;

const USAGE = `usage: calc-lab run [--keep]   bring the lab up, run the probe matrix, write results/lab, tear down
       calc-lab down           remove every namespace, process and rule a lab run made (safe to repeat)
       calc-lab tools          install what the lab needs (HAProxy, iptables; daprd and sentry) and stop

  --keep   leave the lab running after the probes (inspect with: ip netns list; make lab-down removes it)

Needs root (network namespaces, iptables); re-runs itself with sudo when that works without a password.
Exit codes: 0 every cell as expected, 1 some cell differs, 2 bad usage, 3 the lab could not run.`;

const NOTES = [
  'Local lab: Linux network namespaces on one bridge play the pods; the bridge lives in a namespace of its own and every address exists only inside the lab.',
  `Dapr: real daprd and sentry ${DAPR_VERSION} with mTLS. daprd resolves app IDs with the nameformat resolver to \`<app-id>-dapr.dapr-calculator.lab\`, mapped in each pod's hosts file (Kubernetes: the \`<app-id>-dapr\` Service). Every sidecar has a Configuration for that; only multiplication's pods carry the access-control policy.`,
  'Mesh: Linkerd-style transparent mTLS with HAProxy and iptables, not Linkerd itself (the kind lab runs the real one). Interception, mTLS between meshed pods and a per-identity policy work as in Linkerd; HAProxy 2.6 authorizes by the certificate subject CN (`<serviceaccount>.rest-calculator`) where Linkerd reads the full identity from the SAN.',
  'Namespaces share one filesystem and process table: the lab demonstrates routing and policy, not isolation.',
];

function say(line: string): void {
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

function down(): { namespaces: number; processes: number } {
  const removed = destroyNetwork();
  rmSync(WORK_DIR, { recursive: true, force: true });
  rmSync(LOCK, { force: true });
  return removed;
}

async function run(keep: boolean): Promise<number> {
  const started = performance.now();
  takeLock(LOCK);
  const user = workloadUser();
  const runtime = new PodRuntime<Pod>(join(RESULTS_DIR, 'logs'), user, !keep);
  const guard = new Interruptible('lab', async () => {
    await runtime.close();
    down();
  });
  const step = <T>(text: string, work: () => T | Promise<T>) => stepOf(guard, text, work);

  try {
    await step('clearing what an earlier run left', () => destroyNetwork());
    rmSync(RESULTS_DIR, { recursive: true, force: true });
    rmSync(WORK_DIR, { recursive: true, force: true });
    ensureSystemTools(say);
    const bin = ensureDaprBinaries(say);
    checkReadable(user, [entryOf('percentage', 'dapr'), bin.daprd, bin.sentry]);
    say(`==> apps, daprd and sentry run as uid ${user.uid} (unprivileged); the proxies as uid ${PROXY_UID}`);
    await step(`creating ${ALL_PODS.length} pods (network namespaces) on a bridge`, () => createNetwork());
    const [daprCa, meshCa] = await step('issuing the Dapr and mesh certificate authorities', () => [
      createAuthority(join(WORK_DIR, 'pki', 'dapr'), 'cluster.local'),
      createAuthority(join(WORK_DIR, 'pki', 'mesh'), 'root.linkerd.cluster.local'),
    ]);
    const sidecars = (pods: Pod[]) => pods.filter((p) => p.sidecar).length;
    await step(`starting both variants: sentry, daprd ×${sidecars(DAPR_PODS)} and their apps; HAProxy ×${sidecars(MESH_PODS)} and theirs`, () =>
      Promise.all([startDaprVariant(runtime, WORK_DIR, daprCa!, bin), startMeshVariant(runtime, WORK_DIR, meshCa!)]),
    );
    const verdicts = await step(`running the probe matrix (${PROBES.length} probes, each from inside its caller's pod)`, () => runProbes(runtime));
    const denials = await step("reading the mesh proxy's denial count", () => checkMeshDenials(WORK_DIR, verdicts));
    const hygiene = await step('checking who each process runs as, and the key files', () => checkHygiene(runtime.processes, WORK_DIR));
    const compositions = await step('calling percentage through the sidecars in both variants', () =>
      Promise.all([checkComposition(runtime, 'dapr'), checkComposition(runtime, 'mesh')]),
    );
    const fanboys = runtime.processes.filter((p) => p.pod.workload === 'mathfanboy' && p.name === 'app');
    await step(`letting MathFanBoy make ${FANBOY_MIN_CALLS}+ calls in each variant`, () => Promise.all(fanboys.map((f) => waitForCalls(f, FANBOY_MIN_CALLS, 20_000))));
    await runtime.stop(fanboys);
    const fanboyReports = fanboys.map((f) => checkFanBoy(f.pod.variant, f));

    const findings: Findings = {
      platform: 'local',
      generatedAt: new Date().toISOString(),
      durationSeconds: (performance.now() - started) / 1000,
      versions: versions(bin.daprd),
      verdicts,
      sections: [denialSection(denials), compositionSection(compositions), fanboySection(fanboyReports), hygieneSection(hygiene)],
      data: { denials, compositions, fanboys: fanboyReports, hygiene },
      notes: NOTES,
      pass:
        verdicts.every((v) => v.pass) &&
        denials.pass &&
        hygiene.pass &&
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
      hygiene.pass ? '' : hygiene.problems.join('; '),
      compositions.some((c) => !c.pass) ? 'percentage failed through the sidecars' : '',
      fanboyReports.some((r) => r.faults.length || r.calls < FANBOY_MIN_CALLS) ? 'MathFanBoy saw wrong results or too few calls' : '',
    ].filter(Boolean);
    say(
      `\n==> ${findings.pass ? 'every cell as expected' : problems.join('; ')}; findings in results/lab/findings.md and findings.json (${findings.durationSeconds.toFixed(1)} s)`,
    );
    return findings.pass ? EXIT.ok : EXIT.mismatch;
  } finally {
    // Interrupted: the signal path tears down and exits; this path ends here, whatever it was doing.
    await guard.checkpoint();
    if (keep) say('==> --keep: the lab is still up; make lab-down removes it');
    else await step('tearing down (namespaces, processes, rules)', () => guard.tearDown());
  }
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

function versions(daprd: string): Record<string, string> {
  return {
    daprd: trySh(daprd, ['--version'])?.trim() ?? 'unknown',
    haproxy: /version (\S+)/.exec(trySh('haproxy', ['-v']) ?? '')?.[1] ?? 'unknown',
    node: process.version,
  };
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { keep: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new LabError('USAGE', `${(error as Error).message}\n${USAGE}`);
  }
  const [command] = parsed.positionals;
  if (parsed.values.help || command === undefined) {
    say(USAGE);
    return parsed.values.help ? EXIT.ok : EXIT.usage;
  }
  if (command !== 'run' && command !== 'down' && command !== 'tools') throw new LabError('USAGE', `unknown command ${command}\n${USAGE}`);
  ensureRoot('the local lab');
  if (command === 'tools') {
    ensureSystemTools(say);
    ensureDaprBinaries(say);
    return EXIT.ok;
  }
  if (command === 'down') {
    const removed = down();
    say(`==> lab removed: ${removed.namespaces} namespaces, ${removed.processes} processes killed`);
    return EXIT.ok;
  }
  return run(parsed.values.keep === true);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof LabError) {
      process.stderr.write(`\nlab: error ${error.code}: ${error.message}\n${error.details.map((l) => `  ${l}\n`).join('')}`);
      process.exit(error.code === 'USAGE' ? EXIT.usage : EXIT.cannotRun);
    }
    process.stderr.write(`\nlab: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(EXIT.cannotRun);
  },
);
