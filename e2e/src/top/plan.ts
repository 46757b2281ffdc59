// What ./lab top reads in a cluster: every sidecar of every calculator pod, by the pods as their
// injectors left them — daprd on the metrics port it declares, linkerd-proxy on its admin port — and
// with which parser. A pod of the dapr-mesh run carries both, and shows both. Nothing here talks to a cluster.
import { DAPR_METRICS_PORT, daprdTop, LINKERD, linkerdTop, type TopReading, VARIANTS } from '@calc/probe-matrix';
import { DAPRD_CONTAINER, find, type PodLike } from '../bench/plan.js';

/** The lab's namespaces on kind (dapr-calculator, rest-calculator: the variants'), in the order the frame shows them. */
export const TOP_NAMESPACES = [...new Set(VARIANTS.map((v) => v.namespace))];

export interface TopTarget {
  namespace: string;
  /** The pod's `app` label: the service. */
  service: string;
  pod: string;
  sidecar: 'daprd' | 'linkerd-proxy';
  port: number;
}

const SIDECARS = [
  { sidecar: DAPRD_CONTAINER, port: DAPR_METRICS_PORT },
  { sidecar: LINKERD.proxyContainer, port: LINKERD.adminPort },
] as const;

type Labelled = PodLike & { metadata?: { labels?: Record<string, string> } };

/** Each sidecar of each pod, on the port its container declares (a sidecar that declares none is a problem, said). */
export function topTargets(pods: readonly Labelled[]): { targets: TopTarget[]; problems: string[] } {
  const targets: TopTarget[] = [];
  const problems: string[] = [];
  for (const pod of pods) {
    const service = pod.metadata?.labels?.app;
    if (!service) continue;
    for (const { sidecar, port } of SIDECARS) {
      const container = find(pod, sidecar);
      if (!container) continue;
      if (!container.ports?.some((p) => p.containerPort === port)) {
        problems.push(`${pod.metadata?.namespace}/${pod.metadata?.name}: ${sidecar} declares no port ${port}`);
        continue;
      }
      targets.push({ namespace: pod.metadata?.namespace ?? '', service, pod: pod.metadata?.name ?? '', sidecar: sidecar as TopTarget['sidecar'], port });
    }
  }
  return { targets, problems };
}

/** One sidecar's reading from its metrics text, with the parser its sidecar needs. */
export function readingOf(target: TopTarget, metrics: string): TopReading {
  const seen = target.sidecar === 'daprd' ? daprdTop(metrics) : linkerdTop(metrics);
  return { variant: target.namespace, service: target.service, sidecar: target.sidecar, ...seen };
}
