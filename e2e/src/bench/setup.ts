// What the cluster's benchmark report says ran: the scenarios by their real names (Linkerd and its
// version, never the local stand-in's), the nodes, where each pod ran, each sidecar's resources.
import { ANCHORS, type BenchSetup, type Scenario } from '@calc/bench';
import type { V1Node } from '@kubernetes/client-node';
import { LINKERD } from '@calc/probe-matrix';
import { DAPRD_CONTAINER, resourcesOf, sidecarVersion, type PodLike } from './plan.js';

/** What ran, as the pods' sidecar images say: the labels name those versions, not the ones the lab pins. */
export interface SidecarVersions {
  dapr?: string;
  linkerd?: string;
}

export function versionsOf(pods: readonly ScenarioPods[]): SidecarVersions {
  const all = pods.flatMap((p) => [p.client, p.target]);
  const dapr = sidecarVersion(all, DAPRD_CONTAINER);
  const linkerd = sidecarVersion(all, LINKERD.proxyContainer);
  return { ...(dapr ? { dapr } : {}), ...(linkerd ? { linkerd } : {}) };
}

export function labelsOf(v: SidecarVersions): Record<Scenario, string> {
  const linkerd = `Linkerd ${v.linkerd ?? '?'}`;
  return { direct: 'direct', dapr: `Dapr ${v.dapr ?? '?'}`, mesh: linkerd, 'dapr-mesh': `Dapr ${v.dapr ?? '?'} + ${linkerd}` };
}

function routesOf(labels: Record<Scenario, string>): Record<Scenario, string> {
  return {
    direct: "**direct**: generator → the target pod's IP (no sidecar either side)",
    dapr: `**${labels.dapr}**: generator → its daprd (app ID) ⇄ mTLS (Sentry) ⇄ daprd → app`,
    mesh: `**${labels.mesh}**: generator → the target's Service, intercepted by linkerd-proxy ⇄ mTLS ⇄ linkerd-proxy → app`,
    'dapr-mesh': `**${labels['dapr-mesh']}**: generator → daprd (Dapr's mTLS off) → linkerd-proxy ⇄ mTLS ⇄ linkerd-proxy → daprd → app`,
  };
}

export interface ScenarioPods {
  scenario: Scenario;
  namespace: string;
  client: PodLike;
  target: PodLike;
}

/** Nodes that take the benchmark's pods: no NoSchedule or NoExecute taint. */
export const schedulable = (nodes: readonly V1Node[]) =>
  nodes.filter((n) => !n.spec?.unschedulable && !(n.spec?.taints ?? []).some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute'));

/** Where the pods ran and on what; a problem when two nodes could have kept a client and its target apart and did not. */
export function placement(nodes: readonly V1Node[], pods: readonly ScenarioPods[], labels: Record<Scenario, string>): { markdown: string; summary: string; problems: string[] } {
  const nodeRows = nodes.map((n) => {
    const info = n.status?.nodeInfo;
    return `| ${n.metadata?.name} | ${n.status?.capacity?.cpu ?? '?'} | ${info?.kernelVersion ?? '?'} | ${info?.containerRuntimeVersion ?? '?'} | ${info?.kubeletVersion ?? '?'} | ${schedulable([n]).length ? 'yes' : 'no'} |`;
  });
  const apart = schedulable(nodes).length >= 2;
  const problems: string[] = [];
  const podRows = pods.map(({ scenario, namespace, client, target }) => {
    const same = client.spec?.nodeName === target.spec?.nodeName;
    if (same && apart) problems.push(`${scenario}: the client and the target ran on one node (${client.spec?.nodeName}) though two could take them`);
    return `| ${labels[scenario]} | ${namespace} | ${client.spec?.nodeName ?? '?'} | ${target.spec?.nodeName ?? '?'} | ${same ? 'same node' : 'two nodes'} |`;
  });
  const hop = apart
    ? 'The client and the target ran on different nodes: each request crosses from one node to the other.'
    : 'One node takes the pods: the client and the target ran on the same node, so no request leaves it.';
  const summary = `${nodes.length} node${nodes.length === 1 ? '' : 's'}. ${hop}`;
  return {
    summary,
    markdown: `### Where it ran

${summary}

| node | CPUs | kernel | runtime | kubelet | takes the pods |
| --- | --- | --- | --- | --- | --- |
${nodeRows.join('\n')}

| scenario | namespace | client's node | target's node | |
| --- | --- | --- | --- | --- |
${podRows.join('\n')}`,
    problems,
  };
}

/** Each scenario's containers and their resources, side by side. */
function resources(pods: readonly ScenarioPods[], labels: Record<Scenario, string>): string {
  const rows = pods.flatMap(({ scenario, client, target }) => {
    const of = (side: string, pod: PodLike, container: string) => {
      const r = resourcesOf(pod, container);
      // The image as the pod names it: by digest when make kind-bench REGISTRY=… pushed it.
      const image = pod.spec?.containers?.find((c) => c.name === container)?.image ?? '–';
      return r === '–' ? [] : [`| ${labels[scenario]} | ${side} ${container} | ${r} | \`${image}\` |`];
    };
    return [
      ...of('client', client, 'loadgen'),
      ...of('client', client, DAPRD_CONTAINER),
      ...of('client', client, 'linkerd-proxy'),
      ...of('target', target, 'linkerd-proxy'),
      ...of('target', target, DAPRD_CONTAINER),
      ...of('target', target, 'app'),
    ];
  });
  return `### What each container had (request / limit) and ran

| scenario | container | resources | image |
| --- | --- | --- | --- |
${rows.join('\n')}`;
}

export function clusterSetup(
  scenarios: Scenario[],
  nodes: readonly V1Node[],
  pods: readonly ScenarioPods[],
  context: string,
): { setup: BenchSetup; summary: string; problems: string[] } {
  const labels = labelsOf(versionsOf(pods));
  const where = placement(nodes, pods, labels);
  const routes = routesOf(labels);
  return {
    setup: {
      scenarios,
      labels,
      routes: scenarios.map((s) => routes[s]),
      where: `${context}\n\n${where.markdown}\n\n${resources(pods, labels)}`,
      anchors: { dapr: ANCHORS.dapr, mesh: ANCHORS.linkerd, 'dapr-mesh': ANCHORS.daprMesh },
    },
    summary: where.summary,
    problems: where.problems,
  };
}
