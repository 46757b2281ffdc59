import { DEFAULT_PORT, type OperationService } from '@calc/core';
import { DAPR_HTTP_PORT, DAPR_INTERNAL_GRPC_PORT, INTRUDER, VARIANTS, variantOf, type Addressing, type VariantRecord } from '@calc/probe-matrix';

/** How the kind deployment names things: what k8s-dapr/ and k8s-linkerd/ create. */
export const APP_PORT = 8080;
export { DAPR_HTTP_PORT, DAPR_INTERNAL_GRPC_PORT };

/** Every workload is labelled app=<workload>; the intruder's container is named after it, the others "app". */
export function containerOf(workload: string): string {
  return workload === INTRUDER ? INTRUDER : 'app';
}

/** Deployments to wait for, per variant: every workload of the matrix except the intruder pod. */
export function deploymentsOf(workloads: string[]): string[] {
  return workloads.filter((w) => w !== INTRUDER);
}

/** Bare pods to wait for (Ready): the intruder, whose image may still be pulling when the e2e starts. */
export function barePodsOf(workloads: string[]): string[] {
  return workloads.filter((w) => w === INTRUDER);
}

/** The Service port of a workload: its base service's port (multiplication-nopolicy keeps 5003). */
function servicePortOf(workload: string): number {
  const base = workload.split('-')[0] as OperationService;
  return DEFAULT_PORT[base];
}

/**
 * The kind cluster's addresses: pod IPs as the cluster assigned them (`__IP__` in a printed plan,
 * for a `$(kubectl … podIP)` substitution), Services by their cluster DNS names.
 */
export function kindAddressing(podIps: ReadonlyMap<string, string> = new Map(), variants: readonly VariantRecord[] = VARIANTS): Addressing {
  return {
    appPort: APP_PORT,
    podIpOf: (_variant, workload) => podIps.get(workload) ?? '__IP__',
    serviceOf: (variant, workload) => ({ host: `${workload}.${variantOf(variant, variants).namespace}.svc.cluster.local`, port: servicePortOf(workload) }),
  };
}

/** The probe runs under the caller pod's own node: `node --input-type=module -e <probe.js> <spec>`. */
export function probeCommand(probeSource: string, spec: Record<string, unknown>): string[] {
  return ['node', '--input-type=module', '-e', probeSource, JSON.stringify(spec)];
}

/** For printed plans: what `kubectl exec` targets for a caller (the intruder is a bare Pod). */
export function execTargetOf(caller: string): string {
  return caller === INTRUDER ? `pod/${INTRUDER}` : `deploy/${caller}`;
}

/**
 * A JSON spec as one shell argument for a printed plan. If `podIpOf` names a workload, the spec's
 * `__IP__` becomes a `$(kubectl … podIP)` substitution, so the quoting switches to double quotes.
 */
export function shellSpec(spec: object, namespace: string, podIpOf?: string): string {
  const json = JSON.stringify(spec);
  if (!podIpOf) return `'${json.replaceAll("'", "'\\''")}'`;
  const ip = `$(kubectl -n ${namespace} get pod -l app=${podIpOf} -o jsonpath='{.items[0].status.podIP}')`;
  return `"${json.replaceAll('"', '\\"').replace('__IP__', ip)}"`;
}
