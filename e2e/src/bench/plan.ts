// Which pods, containers and ports the cluster's benchmark reads, decided from the pods as their
// injectors left them (a spec the test gives from Dapr's real injector and from Linkerd's own
// `linkerd inject` output): a scenario's namespace, its sidecars and their metrics ports, the
// target's app. Nothing here talks to a cluster.
import type { Scenario } from '@calc/bench';
import { DAPR_METRICS_PORT, LINKERD } from '@calc/probe-matrix';

/** Each scenario's namespace (k8s-bench/<overlay>): the same two pods, bench-client and bench-target. */
export const BENCH_NAMESPACE: Record<Scenario, string> = {
  direct: 'bench-direct',
  dapr: 'bench-dapr',
  mesh: 'bench-linkerd',
  'dapr-mesh': 'bench-dapr-linkerd',
};
export const CLIENT = 'bench-client';
export const TARGET = 'bench-target';
/** The generator's control port (k8s-bench/base/client.yaml; Linkerd's proxy skips it). */
export const CONTROL_PORT = 7070;
export const DAPRD_CONTAINER = 'daprd';

export interface ContainerLike {
  name: string;
  image?: string;
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
export interface PodLike {
  metadata?: { name?: string; namespace?: string };
  spec?: { nodeName?: string; containers: ContainerLike[]; initContainers?: ContainerLike[] };
  status?: { podIP?: string };
}

/** A sidecar is read through its metrics endpoint; the app through its /proc (exec). */
export type Reading = { role: string; pod: string; container: string; port: number } | { role: string; pod: string; container: string; proc: true };

/** A native sidecar (Linkerd's) is an init container with restartPolicy Always: look in both lists. */
const containersOf = (pod: PodLike) => [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
export const find = (pod: PodLike, name: string) => containersOf(pod).find((c) => c.name === name);

/** The sidecars each scenario must have on both sides, client side first, in the order a request meets them. */
const SIDECARS: Record<Scenario, Array<{ name: string; port: number; role: string }>> = {
  direct: [],
  dapr: [{ name: DAPRD_CONTAINER, port: DAPR_METRICS_PORT, role: 'daprd' }],
  mesh: [{ name: LINKERD.proxyContainer, port: LINKERD.adminPort, role: 'proxy' }],
  'dapr-mesh': [
    { name: DAPRD_CONTAINER, port: DAPR_METRICS_PORT, role: 'daprd' },
    { name: LINKERD.proxyContainer, port: LINKERD.adminPort, role: 'proxy' },
  ],
};

/**
 * What to read for one scenario: each sidecar of the client and of the target (its metrics port,
 * checked against the port the container declares) and the target's app. A pod that lacks a sidecar
 * its scenario needs, or carries one it must not (a direct pod injected), is refused with the reason.
 */
export function readingsOf(scenario: Scenario, client: PodLike, target: PodLike): Reading[] {
  const problems: string[] = [];
  const sidecarReadings = (pod: PodLike, side: 'client' | 'server') =>
    SIDECARS[scenario].flatMap(({ name, port, role }) => {
      const container = find(pod, name);
      if (!container) {
        problems.push(`${pod.metadata?.namespace}/${pod.metadata?.name} has no ${name} container`);
        return [];
      }
      if (!container.ports?.some((p) => p.containerPort === port)) problems.push(`${name} in ${pod.metadata?.name} declares no port ${port}`);
      return [{ role: `${side} ${role}`, pod: pod.metadata?.name ?? '', container: name, port }];
    });
  const client_ = sidecarReadings(client, 'client');
  const server = sidecarReadings(target, 'server');
  const expected = new Set(SIDECARS[scenario].map((s) => s.name));
  for (const pod of [client, target])
    for (const name of [DAPRD_CONTAINER, LINKERD.proxyContainer])
      if (!expected.has(name) && find(pod, name)) problems.push(`${pod.metadata?.namespace}/${pod.metadata?.name} carries ${name}, which the ${scenario} scenario must not`);
  if (!find(target, 'app')) problems.push(`${target.metadata?.name} has no app container`);
  if (problems.length) throw new Error(`the ${scenario} scenario's pods are not as k8s-bench deploys them: ${problems.join('; ')}`);
  // Outward on the client, inward on the server: the order a request meets them.
  return [{ role: 'app', pod: target.metadata?.name ?? '', container: 'app', proc: true }, ...client_, ...server.reverse()];
}

/** One container's resources as the report shows them: CPU request/limit, memory request/limit, and Linkerd's worker count. */
export function resourcesOf(pod: PodLike, container: string): string {
  const c = find(pod, container);
  if (!c) return '–';
  const r = c.resources ?? {};
  const cores = c.env?.find((e) => e.name === 'LINKERD2_PROXY_CORES')?.value;
  return `CPU ${r.requests?.cpu ?? '–'} / ${r.limits?.cpu ?? 'no limit'}, memory ${r.requests?.memory ?? '–'} / ${r.limits?.memory ?? 'no limit'}${cores ? `, ${cores} worker${cores === '1' ? '' : 's'}` : ''}`;
}

/** The version a sidecar ran, from its image's tag (daprd's `…/daprd:1.18.3`, linkerd-proxy's `…/proxy:edge-26.8.3`), in the first pod that has it. */
export function sidecarVersion(pods: readonly PodLike[], container: string): string | undefined {
  for (const pod of pods) {
    const image = find(pod, container)?.image;
    if (image) return /:([^:/@]+)(@sha256:[0-9a-f]+)?$/.exec(image)?.[1] ?? image;
  }
  return undefined;
}
