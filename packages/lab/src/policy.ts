// `./lab policy <variant> <on|off>`: multiplication's authorization policy removed or restored while the lab runs.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ALLOWED_CALLERS, VARIANTS, type VariantRecord } from '@calc/probe-matrix';
import { DAPR_HTTP_PORT, daprConfiguration } from './dapr-variant.js';
import { LabError } from './errors.js';
import { policyEnforced, setPolicy } from './mesh-proxy.js';
import { policySwitchOf, statsSocketOf } from './mesh-variant.js';
import { LOG_DIR, WORK_DIR } from './paths.js';
import { PodRuntime } from './pods.js';
import { processesIn, stopProcess } from './running-lab.js';
import { podOf } from './topology.js';

const daprConfigOf = (variant: VariantRecord) => join(WORK_DIR, variant.name, 'multiplication.yaml');

/** Whether the policy on multiplication holds now, per variant: the mesh's where the pods are meshed (its running proxy's switch), else daprd's Configuration file. */
export async function policyStates(): Promise<Record<string, boolean>> {
  const states = await Promise.all(
    VARIANTS.map(async (v) => [
      v.name,
      v.mesh
        ? await policyEnforced(statsSocketOf(WORK_DIR, 'multiplication', v.name), policySwitchOf(WORK_DIR, 'multiplication', v.name))
        : readFileSync(daprConfigOf(v), 'utf8').includes('accessControl:'),
    ]),
  );
  return Object.fromEntries(states);
}

/** `dapr on, mesh OFF, …`: each variant's policy state, as the commands print it. */
export function formatPolicyStates(states: Record<string, boolean>): string {
  return Object.entries(states)
    .map(([variant, on]) => `${variant} ${on ? 'on' : 'OFF'}`)
    .join(', ');
}

/**
 * Dapr: daprd reads its Configuration once, at start-up (a changed Configuration needs a restart of
 * the sidecar, as `kubectl rollout restart` does on Kubernetes), so this rewrites multiplication's and
 * restarts its daprd with the same command line, environment and user. Returns what it did.
 * (Dapr's HotReload preview reloads Components only, docs.dapr.io/operations/components/component-updates;
 * the walkthrough test shows the restarted daprd applying the new policy.)
 */
async function setDaprPolicy(variant: VariantRecord, on: boolean): Promise<string> {
  const pod = podOf(variant.name, 'multiplication');
  const daprd = processesIn(pod).find((p) => basename(p.argv[0] ?? '') === 'daprd');
  if (!daprd) throw new LabError('LAB_NOT_UP', `no daprd runs in ${pod.ns}: make lab-down, then make lab-up`);
  writeFileSync(daprConfigOf(variant), daprConfiguration('multiplication', variant.namespace, on ? ALLOWED_CALLERS.multiplication : []));
  const started = performance.now();
  await stopProcess(daprd.pid);
  const runtime = new PodRuntime(LOG_DIR, daprd.user, false);
  runtime.start(pod, 'daprd', daprd.argv, daprd.env, { append: true });
  await runtime.waitForHttp(pod, `http://127.0.0.1:${DAPR_HTTP_PORT}/v1.0/healthz`, pod);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  return `${variant.name}: multiplication's Configuration ${on ? 'has its accessControl policy again' : 'has no accessControl policy now'}; daprd does not reload its Configuration, so multiplication's daprd was restarted (${seconds} s)`;
}

/** Mesh: the proxy's policy switch flips in memory through its runtime API; the next request meets the new policy. */
async function setMeshPolicy(variant: VariantRecord, on: boolean): Promise<string> {
  await setPolicy(statsSocketOf(WORK_DIR, 'multiplication', variant.name), policySwitchOf(WORK_DIR, 'multiplication', variant.name), on);
  const what = on ? 'restored: only mathfanboy and percentage may call it' : 'removed: the default policy (all-unauthenticated) lets everyone in';
  return `${variant.name}: multiplication's policy ${what}; applied at once by the running proxy, nothing restarted (as a ${variant.mesh?.name} policy change reaches the proxy)`;
}

/** Sets the variant's policy; one already as asked is left alone (nothing restarted). */
export async function setPolicyOf(variant: VariantRecord, on: boolean): Promise<string> {
  if ((await policyStates())[variant.name] === on) return `${variant.name}: multiplication's policy is already ${on ? 'on' : 'off'}; nothing changed`;
  // Where the pods are meshed, the mesh's policy decides (with Dapr too, multiplication's daprd carries no ACL).
  return variant.mesh ? setMeshPolicy(variant, on) : setDaprPolicy(variant, on);
}
