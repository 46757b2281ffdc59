import { alignColumns, NAMESPACE, PROBES } from '@calc/probe-matrix';
import { daprIdentityOf } from './dapr-variant.js';
import { identityOf } from './mesh-sidecar.js';
import { DAPR_PODS, MESH_PODS, serviceAccountOf, type Pod } from './topology.js';

/** A pod's part in the experiment: the intruder has no sidecar; a target is probed; a caller probes or drives traffic. */
export function roleOf(pod: Pod): string {
  if (pod.workload === 'intruder') return 'intruder';
  const probes = PROBES.filter((p) => p.variant === pod.variant);
  const roles = [
    pod.service === 'mathfanboy' || probes.some((p) => p.caller === pod.workload) ? 'caller' : '',
    probes.some((p) => p.target === pod.workload) ? 'target' : '',
  ].filter(Boolean);
  return roles.length ? roles.join(', ') : 'service';
}

function identityOfPod(pod: Pod): string {
  if (!pod.sidecar) return '— (none)';
  return pod.variant === 'dapr' ? daprIdentityOf(pod.workload) : identityOf(serviceAccountOf(pod), NAMESPACE.mesh);
}

function row(pod: Pod): string[] {
  const sidecar = !pod.sidecar ? 'none' : pod.variant === 'dapr' ? 'daprd' : 'proxy (HAProxy)';
  const policy = pod.policy ? 'yes' : '';
  return [`${pod.variant}/${pod.workload}`, pod.ip, sidecar, identityOfPod(pod), roleOf(pod), policy];
}

/** `./lab pods`: every pod of both variants, aligned for a terminal. */
export function podsTable(): string[] {
  const header = ['pod', 'IP', 'sidecar', 'identity', 'role', 'policy'];
  return alignColumns([header, ...[...DAPR_PODS, ...MESH_PODS].map(row)]);
}
