import { alignColumns, PROBES, sidecarsOf, VARIANTS, variantOf } from '@calc/probe-matrix';
import { daprIdentityOf } from './dapr-variant.js';
import { PODS_OF, serviceAccountOf, type Pod } from './topology.js';

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

/** Dapr's SPIFFE ID where Dapr's mTLS is on; the mesh's identity where the pod is meshed (both in dapr-mesh, with Dapr's mTLS on). */
function identityOfPod(pod: Pod): string {
  if (!pod.sidecar || pod.variant === 'system') return '— (none)';
  const variant = variantOf(pod.variant);
  const carries = sidecarsOf(variant, pod.workload);
  const dapr = carries.dapr && (variant.dapr?.mtls || pod.daprMtls) ? daprIdentityOf(pod.workload, variant.namespace) : undefined;
  const mesh = carries.mesh ? variant.mesh?.identityOf(serviceAccountOf(pod), variant.namespace) : undefined;
  return [dapr, mesh].filter(Boolean).join(' + ');
}

function row(pod: Pod): string[] {
  const carries = sidecarsOf(variantOf(pod.variant), pod.workload);
  const sidecar = carries.dapr && carries.mesh ? 'daprd + proxy' : carries.dapr ? 'daprd' : carries.mesh ? 'proxy (HAProxy)' : 'none';
  const policy = pod.policy ? 'yes' : '';
  return [`${pod.variant}/${pod.workload}`, pod.ip, sidecar, identityOfPod(pod), roleOf(pod), policy];
}

/** `./lab pods`: every pod of every variant, aligned for a terminal. */
export function podsTable(): string[] {
  const header = ['pod', 'IP', 'sidecar', 'identity', 'role', 'policy'];
  return alignColumns([header, ...VARIANTS.flatMap((v) => PODS_OF[v.name]!).map(row)]);
}
