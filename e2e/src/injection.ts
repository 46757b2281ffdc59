/** What the sidecar injectors did to a live pod, read from its spec. */
export interface PodSpecLike {
  initContainers?: Array<{ name: string; restartPolicy?: string; securityContext?: { capabilities?: { add?: string[] } } }>;
  containers: Array<{ name: string }>;
}

export interface InjectionFact {
  pass: boolean;
  text: string;
}

/**
 * Linkerd: proxy-init rewrites iptables, so it asks for NET_ADMIN and NET_RAW; the proxy itself runs
 * as a native sidecar (an init container that keeps running) or a regular container.
 */
export function linkerdFacts(workload: string, spec: PodSpecLike): InjectionFact[] {
  const init = spec.initContainers ?? [];
  const proxyInit = init.find((c) => c.name === 'linkerd-init');
  const caps = proxyInit?.securityContext?.capabilities?.add ?? [];
  const proxy = [...init, ...spec.containers].some((c) => c.name === 'linkerd-proxy');
  return [
    { pass: proxy, text: `${workload}: linkerd-proxy injected (${proxy ? 'yes' : 'no'})` },
    {
      pass: proxyInit !== undefined && caps.includes('NET_ADMIN') && caps.includes('NET_RAW'),
      text: `${workload}: linkerd-init asks for NET_ADMIN and NET_RAW to rewrite iptables (capabilities: ${caps.join(', ') || 'none'})`,
    },
  ];
}

/** Dapr: only daprd is added (as a container, or a native sidecar); nothing that rewrites the pod's traffic. */
export function daprFacts(workload: string, spec: PodSpecLike): InjectionFact[] {
  const all = [...(spec.initContainers ?? []), ...spec.containers].map((c) => c.name);
  const others = (spec.initContainers ?? []).map((c) => c.name).filter((name) => name !== 'daprd');
  return [
    { pass: all.includes('daprd'), text: `${workload}: containers ${all.join(', ')} (daprd injected)` },
    { pass: others.length === 0, text: `${workload}: init containers besides daprd: ${others.join(', ') || 'none'} (nothing rewrites the pod's traffic)` },
  ];
}

/** The intruder must carry no sidecar of either kind. */
export function noSidecarFacts(workload: string, spec: PodSpecLike): InjectionFact[] {
  const all = [...(spec.initContainers ?? []), ...spec.containers].map((c) => c.name);
  const sidecars = all.filter((n) => n === 'daprd' || n.startsWith('linkerd-'));
  return [{ pass: sidecars.length === 0, text: `${workload}: no sidecar (${all.join(', ')})` }];
}
