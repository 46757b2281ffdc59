import { countingSidecarOf, DAPR_METRICS_PORT, daprdStats, processStats, VARIANTS, type SidecarStats } from '@calc/probe-matrix';
import { frontendStats, INBOUND_FRONTENDS, sumOver, type FrontendStats } from './mesh-proxy.js';
import { statsSocketOf } from './mesh-variant.js';
import type { PodRuntime } from './pods.js';
import { LabError } from './errors.js';
import { PODS_OF, type Pod } from './topology.js';

const servicePods = (pods: Pod[]) => pods.filter((p) => p.sidecar && p.service !== undefined);

/** daprd's own counters, scraped from its metrics port inside the pod (as Prometheus would). */
async function daprdOf(runtime: PodRuntime, pod: Pod): Promise<SidecarStats> {
  const scraped = await runtime.probe(pod, { kind: 'http', url: `http://127.0.0.1:${DAPR_METRICS_PORT}/metrics`, keepBody: true });
  if (scraped.status !== 200 || scraped.body === undefined)
    throw new LabError('COMMAND_FAILED', `could not read daprd's metrics in ${pod.ns}: ${scraped.status ?? scraped.outcome} ${scraped.detail ?? ''}`.trim());
  const process = processStats(scraped.body);
  return { variant: pod.variant, service: pod.workload, sidecar: 'daprd', ...daprdStats(scraped.body), ...(process ? { process } : {}) };
}

/** The stand-in proxy's counters, from its statistics socket. */
async function proxyOf(workDir: string, pod: Pod): Promise<SidecarStats> {
  const frontends = await frontendStats(statsSocketOf(workDir, pod.workload, pod.variant));
  // Where requests from other pods arrive: the app's HTTP port, with an identity and without.
  const total = (pick: (f: FrontendStats) => number) => sumOver(frontends, INBOUND_FRONTENDS.http, pick);
  return {
    variant: pod.variant,
    service: pod.workload,
    sidecar: 'HAProxy (stand-in)',
    // HAProxy's req_tot counts the requests its policy denied too, as SidecarStats.requests wants.
    requests: total((f) => f.requests),
    failures: total((f) => f.responses['5xx']),
    denials: total((f) => f.denied),
  };
}

/** Every service's sidecar counts, in topology order: daprd wherever Dapr is (with the mesh too, the mesh's own view is mesh-view.ts), else the proxy. */
export async function readSidecarStats(runtime: PodRuntime, workDir: string): Promise<SidecarStats[]> {
  return Promise.all(VARIANTS.flatMap((v) => servicePods(PODS_OF[v.name]!).map((pod) => (countingSidecarOf(v) === 'daprd' ? daprdOf(runtime, pod) : proxyOf(workDir, pod)))));
}
