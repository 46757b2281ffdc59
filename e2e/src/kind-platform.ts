// The kind lab as a platform of the shared experiment: the probe runs by exec inside the caller
// pod, the sidecars' counters are read from their metrics endpoints through the API server's pod
// proxy, the injection from the live pod specs, MathFanBoy's calls from its log.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { V1Pod } from '@kubernetes/client-node';
import {
  countCalls,
  countingSidecarOf,
  DAPR_METRICS_PORT,
  daprdStats,
  PINNED,
  probeSpec,
  processStats,
  REDIS,
  sidecarsOf,
  alignColumns,
  type Check,
  type Observation,
  type Platform,
  type SidecarStats,
  type Variant,
  type VariantRecord,
  variantOf,
} from '@calc/probe-matrix';
import type { Cluster } from './cluster.js';
import { linesSince } from './fanboy-log.js';
import { injectionFacts, type PodSpecLike } from './injection.js';
import { workloadsIn, type Plan } from './plan.js';
import { containerOf, kindAddressing, probeCommand } from './platform.js';

const PROBE_SOURCE = readFileSync(fileURLToPath(import.meta.resolve('@calc/probe-matrix/probe')), 'utf8');
/** How long MathFanBoy (one call a second on kind) may take to make its calls after the probes. */
const FANBOY_WAIT_MS = 60_000;

export interface KindRun {
  cluster: Cluster;
  variants: readonly VariantRecord[];
  plan: Plan;
  /** When every rollout had finished: MathFanBoy's calls from then on are judged. */
  rolledOutAt: Date;
}

/** The pods of a run, looked up once each: `podOf(variant, workload)`. */
export function podLookup(cluster: Cluster, variants: readonly VariantRecord[]): (variant: Variant, workload: string) => Promise<V1Pod> {
  const pods = new Map<string, Promise<V1Pod>>();
  return (variant, workload) => {
    const key = `${variant}/${workload}`;
    if (!pods.has(key)) pods.set(key, cluster.podOf(variantOf(variant, variants).namespace, workload));
    return pods.get(key)!;
  };
}

export function kindPlatform({ cluster, variants, plan, rolledOutAt }: KindRun): Platform {
  const podOf = podLookup(cluster, variants);
  const nameOf = async (variant: Variant, workload: string) => (await podOf(variant, workload)).metadata!.name!;
  const meshes = [...new Set(variants.flatMap((v) => (v.mesh ? [v.mesh] : []))).values()];

  /** A service's sidecar, by its own metrics: daprd's where Dapr is, else the mesh's proxy's (its admin port). */
  const statsOf = async (variant: VariantRecord, workload: string): Promise<SidecarStats> => {
    const daprd = countingSidecarOf(variant) === 'daprd';
    const text = await cluster.metrics(variant.namespace, await nameOf(variant.name, workload), daprd ? DAPR_METRICS_PORT : variant.mesh!.adminPort);
    const counts = daprd ? daprdStats(text) : variant.mesh!.inboundStats(text);
    const process = processStats(text);
    return { variant: variant.name, service: workload, sidecar: daprd ? 'daprd' : variant.mesh!.proxyContainer, ...counts, ...(process ? { process } : {}) };
  };

  /** Where each pod ran: one node, or across nodes (a probe between two nodes crosses the pod network). */
  const placement = async (): Promise<Check> => {
    const rows: [string, string][] = [];
    for (const variant of variants)
      for (const workload of workloadsIn(plan.probes, variant)) rows.push([`${variant.name}/${workload}`, (await podOf(variant.name, workload)).spec?.nodeName ?? '?']);
    const nodes = [...new Set(rows.map(([, node]) => node))].sort();
    const count = (node: string) => rows.filter(([, n]) => n === node).length;
    return {
      key: 'placement',
      section: {
        title: 'Where the pods ran',
        items: [
          {
            pass: true,
            text: `${nodes.length} node${nodes.length === 1 ? '' : 's'}: ${nodes.map((n) => `${n} (${count(n)} pods)`).join(', ')}`,
            lines: alignColumns([['pod', 'node'], ...rows]),
          },
        ],
      },
      data: Object.fromEntries(rows),
    };
  };

  return {
    name: 'kind',
    probes: plan.probes.map((p) => p.probe),
    // One exec at a time through the API server: the cluster is a laptop's.
    concurrency: 1,
    probe: async (probe): Promise<Observation> => {
      const planned = plan.probes.find((p) => p.probe.id === probe.id)!;
      const podIps = new Map(planned.needsIpOf ? [[planned.needsIpOf, (await podOf(probe.variant, planned.needsIpOf)).status!.podIP!]] : []);
      const out = await cluster.run(
        planned.namespace,
        await nameOf(probe.variant, probe.caller),
        planned.container,
        probeCommand(PROBE_SOURCE, probeSpec(probe, kindAddressing(podIps, variants))),
      );
      return JSON.parse(out) as Observation;
    },
    sidecarStats: async () => {
      const stats: SidecarStats[] = [];
      for (const variant of variants)
        for (const workload of workloadsIn(plan.probes, variant).filter((w) => w !== 'mathfanboy' && w !== REDIS)) {
          const carries = sidecarsOf(variant, workload);
          if (carries.dapr || carries.mesh) stats.push(await statsOf(variant, workload));
        }
      return stats;
    },
    injection: async () => {
      const items = [];
      for (const variant of variants) {
        const configurations = variant.dapr ? await cluster.daprConfigurations(variant.namespace) : [];
        for (const workload of workloadsIn(plan.probes, variant)) {
          const spec = (await podOf(variant.name, workload)).spec as PodSpecLike;
          items.push(...injectionFacts(variant, workload, spec, configurations).map((f) => ({ pass: f.pass, text: `${variant.name}: ${f.text}` })));
        }
      }
      return { key: 'injection', section: { title: 'Injection facts (live pod specs)', items }, data: items };
    },
    fanboyLog: async (variant, calls) => {
      const { namespace } = variantOf(variant, variants);
      const deadline = Date.now() + FANBOY_WAIT_MS;
      for (;;) {
        const log = linesSince(await cluster.logs(namespace, await nameOf(variant, 'mathfanboy'), containerOf('mathfanboy')), rolledOutAt);
        if (countCalls(log.lines) >= calls || Date.now() > deadline) return log;
        await new Promise((r) => setTimeout(r, 2000));
      }
    },
    checks: async () => [await placement()],
    versions: () => ({
      dapr: PINNED.dapr,
      ...Object.fromEntries(meshes.map((m) => [m.name.toLowerCase(), `${m.version} (proxy ${m.proxyVersion})`])),
      kubernetes: `${PINNED.kubernetes} (kind)`,
    }),
    notes: [
      `Kind lab: real Kubernetes, real Dapr (Helm)${meshes.length ? `, real ${meshes.map((m) => m.name).join(', ')}` : '; no mesh in this run'}; probes run with \`kubectl exec\`-style exec inside the caller pods.`,
    ],
  };
}
