import { PROBES, describeExpected, dialsPodIp, probeSpec, type Probe, type Variant } from '@calc/probe-matrix';
import { barePodsOf, containerOf, deploymentsOf, execTargetOf, kindAddressing, NAMESPACE, shellSpec } from './platform.js';

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
export const DEFAULT_VARIANTS: Variant[] = ['dapr', 'mesh'];

export function buildPlan(variants: Variant[] = DEFAULT_VARIANTS): Plan {
  const probes = KIND_PROBES.filter((p) => variants.includes(p.variant)).map((probe) => ({
    probe,
    namespace: NAMESPACE[probe.variant],
    caller: `app=${probe.caller}`,
    container: containerOf(probe.caller),
    ...(dialsPodIp(probe.route) ? { needsIpOf: probe.target } : {}),
  }));
  const workloads = (v: Variant) => [...new Set(probes.filter((p) => p.probe.variant === v).flatMap((p) => [p.probe.caller, p.probe.target]))].sort();
  const rollouts = variants.flatMap((v) => deploymentsOf(workloads(v)).map((deployment) => ({ namespace: NAMESPACE[v], deployment })));
  const pods = variants.flatMap((v) => barePodsOf(workloads(v)).map((pod) => ({ namespace: NAMESPACE[v], pod })));
  return { rollouts, pods, probes };
}

/** The plan as the kubectl commands that do the same, for `--dry-run`: copy-pastable against a cluster. */
export function formatPlan(plan: Plan): string {
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
    const specArg = shellSpec(probeSpec(p.probe, kindAddressing()), p.namespace, p.needsIpOf);
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
