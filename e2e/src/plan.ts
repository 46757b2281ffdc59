import { PROBES, describeExpected, dialsPodIp, probeSpec, variantOf, type Probe, type VariantRecord } from '@calc/probe-matrix';
import { barePodsOf, containerOf, deploymentsOf, execTargetOf, kindAddressing, shellSpec } from './platform.js';

export interface PlannedProbe {
  probe: Probe;
  namespace: string;
  /** Label selector of the caller pod. */
  caller: string;
  container: string;
  /** The target workload whose pod IP the probe needs, if any. */
  needsIpOf?: string;
}

export interface Plan {
  rollouts: Array<{ namespace: string; deployment: string }>;
  /** Bare pods (not Deployments) to wait for until Ready. */
  pods: Array<{ namespace: string; pod: string }>;
  probes: PlannedProbe[];
}

/** The probes kind runs: the matrix's, but those only the local lab can run (their `localOnly` says why). */
export const KIND_PROBES = PROBES.filter((p) => p.localOnly === undefined);

/** The variants of a kind run: Dapr and the mesh (make kind-e2e), or Dapr + mesh and the mesh (make kind-combined, after which dapr-calculator is meshed). */
export const DEFAULT_VARIANTS: readonly VariantRecord[] = [variantOf('dapr'), variantOf('mesh')];

/** What a kind run does for the variants: the rollouts to wait for, and each probe's pod and container. `probes` defaults to the matrix's. */
export function buildPlan(variants: readonly VariantRecord[] = DEFAULT_VARIANTS, probes: readonly Probe[] = KIND_PROBES): Plan {
  const namespaceOf = (name: string) => variantOf(name, variants).namespace;
  const planned = probes
    .filter((p) => variants.some((v) => v.name === p.variant))
    .map((probe) => ({
      probe,
      namespace: namespaceOf(probe.variant),
      caller: `app=${probe.caller}`,
      container: containerOf(probe.caller),
      ...(dialsPodIp(probe.route) ? { needsIpOf: probe.target } : {}),
    }));
  const rollouts = variants.flatMap((v) => deploymentsOf(workloadsIn(planned, v)).map((deployment) => ({ namespace: v.namespace, deployment })));
  const pods = variants.flatMap((v) => barePodsOf(workloadsIn(planned, v)).map((pod) => ({ namespace: v.namespace, pod })));
  return { rollouts, pods, probes: planned };
}

/** The workloads planned probes name in a variant, callers and targets, sorted. */
export function workloadsIn(probes: readonly PlannedProbe[], variant: VariantRecord): string[] {
  return [...new Set(probes.filter((p) => p.probe.variant === variant.name).flatMap((p) => [p.probe.caller, p.probe.target]))].sort();
}

/** The plan as the kubectl commands that do the same, for `--dry-run`: copy-pastable against a cluster. */
export function formatPlan(plan: Plan, variants: readonly VariantRecord[] = DEFAULT_VARIANTS): string {
  const lines = ['# 1. wait for every rollout'];
  for (const r of plan.rollouts) lines.push(`kubectl -n ${r.namespace} rollout status deployment/${r.deployment} --timeout=180s`);
  for (const p of plan.pods) lines.push(`kubectl -n ${p.namespace} wait --for=condition=Ready pod/${p.pod} --timeout=180s`);
  lines.push(
    '',
    '# 2. the probe script, run by node inside each caller pod',
    'PROBE="$(cat packages/probe-matrix/dist/probe.js)"',
    '',
    '# 3. the probe matrix: each probe from inside its caller pod, with its expected outcome',
  );
  for (const p of plan.probes) {
    const specArg = shellSpec(probeSpec(p.probe, kindAddressing(new Map(), variants)), p.namespace, p.needsIpOf);
    lines.push(
      `# [${p.probe.id}] ${p.probe.variant}: ${p.probe.caller} → ${p.probe.route} → ${p.probe.target}; expect ${describeExpected(p.probe.expected)} (${p.probe.claim})`,
      `kubectl -n ${p.namespace} exec ${execTargetOf(p.probe.caller)} -c ${p.container} -- node --input-type=module -e "$PROBE" ${specArg}`,
    );
  }
  const skipped = PROBES.filter((p) => p.localOnly !== undefined && plan.probes.some((q) => q.probe.variant === p.variant));
  for (const p of skipped) lines.push(`# [${p.id}] not on kind (make lab runs it): ${p.localOnly}`);
  lines.push(
    '',
    '# 4. injection facts from the live pod specs',
    ...[...new Set(plan.probes.map((p) => p.namespace))].map(
      (ns) =>
        `kubectl -n ${ns} get pods -o custom-columns=POD:.metadata.name,INIT:.spec.initContainers[*].name,CONTAINERS:.spec.containers[*].name,CAPS:.spec.initContainers[*].securityContext.capabilities.add`,
    ),
    '',
    "# 5. MathFanBoy's calls, every printed result checked",
    ...[...new Set(plan.probes.map((p) => p.namespace))].map((ns) => `kubectl -n ${ns} logs deploy/mathfanboy -c app --tail=200`),
  );
  return lines.join('\n');
}
