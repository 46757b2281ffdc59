// `./lab policy <dapr|mesh> <on|off>`: multiplication's authorization policy removed or restored while the lab runs.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ALLOWED_CALLERS, type Variant } from '@calc/probe-matrix';
import { DAPR_HTTP_PORT, daprConfiguration } from './dapr-variant.js';
import { LabError } from './errors.js';
import { policyEnforced, setPolicy } from './mesh-proxy.js';
import { policySwitchOf, statsSocketOf } from './mesh-variant.js';
import { LOG_DIR, WORK_DIR } from './paths.js';
import { PodRuntime } from './pods.js';
import { processesIn, stopProcess } from './running-lab.js';
import { podOf } from './topology.js';

/** The variants whose policy on multiplication `./lab policy` switches (Dapr + mesh has the mesh's only). */
export type PolicyVariant = Exclude<Variant, 'dapr-mesh'>;

const daprConfigOf = (workload: string) => join(WORK_DIR, 'dapr', `${workload}.yaml`);

/** Whether each variant's policy on multiplication holds now: daprd's Configuration file, the running proxy's switch. */
export async function policyStates(): Promise<Record<PolicyVariant, boolean>> {
  return {
    dapr: readFileSync(daprConfigOf('multiplication'), 'utf8').includes('accessControl:'),
    mesh: await policyEnforced(statsSocketOf(WORK_DIR, 'multiplication'), policySwitchOf(WORK_DIR, 'multiplication')),
  };
}

/**
 * Dapr: daprd reads its Configuration once, at start-up (a changed Configuration needs a restart of
 * the sidecar, as `kubectl rollout restart` does on Kubernetes), so this rewrites multiplication's and
 * restarts its daprd with the same command line, environment and user. Returns what it did.
 * (Dapr's HotReload preview reloads Components only, docs.dapr.io/operations/components/component-updates;
 * the walkthrough test shows the restarted daprd applying the new policy.)
 */
async function setDaprPolicy(on: boolean): Promise<string> {
  const pod = podOf('dapr', 'multiplication');
  const daprd = processesIn(pod).find((p) => basename(p.argv[0] ?? '') === 'daprd');
  if (!daprd) throw new LabError('LAB_NOT_UP', `no daprd runs in ${pod.ns}: make lab-down, then make lab-up`);
  writeFileSync(daprConfigOf('multiplication'), daprConfiguration('multiplication', { allowed: on ? ALLOWED_CALLERS.multiplication : [] }));
  const started = performance.now();
  await stopProcess(daprd.pid);
  const runtime = new PodRuntime(LOG_DIR, daprd.user, false);
  runtime.start(pod, 'daprd', daprd.argv, daprd.env, { append: true });
  await runtime.waitForHttp(pod, `http://127.0.0.1:${DAPR_HTTP_PORT}/v1.0/healthz`, pod);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  return `dapr: multiplication's Configuration ${on ? 'has its accessControl policy again' : 'has no accessControl policy now'}; daprd does not reload its Configuration, so multiplication's daprd was restarted (${seconds} s)`;
}

/** Mesh: the proxy's policy switch flips in memory through its runtime API; the next request meets the new policy. */
async function setMeshPolicy(on: boolean): Promise<string> {
  await setPolicy(statsSocketOf(WORK_DIR, 'multiplication'), policySwitchOf(WORK_DIR, 'multiplication'), on);
  const what = on ? 'restored: only mathfanboy and percentage may call it' : 'removed: the default policy (all-unauthenticated) lets everyone in';
  return `mesh: multiplication's policy ${what}; applied at once by the running proxy, nothing restarted (as a Linkerd policy change reaches the proxy)`;
}

/** Sets the variant's policy; one already as asked is left alone (nothing restarted). */
export async function setPolicyOf(variant: PolicyVariant, on: boolean): Promise<string> {
  if ((await policyStates())[variant] === on) return `${variant}: multiplication's policy is already ${on ? 'on' : 'off'}; nothing changed`;
  return variant === 'dapr' ? setDaprPolicy(on) : setMeshPolicy(on);
}
