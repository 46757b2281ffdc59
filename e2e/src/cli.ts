#!/usr/bin/env node
// make kind-e2e: the shared probe matrix on the kind cluster. --dry-run prints the plan, no cluster needed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  DAPR_METRICS_PORT,
  daprdStats,
  deniedBySidecar,
  formatTable,
  judge,
  LINKERD,
  linkerdStats,
  PINNED,
  probeSpec,
  sidecarSection,
  writeFindings,
  MESHED,
  VARIANTS,
  WITH_DAPR,
  type CallerCounts,
  type Observation,
  type Section,
  type SidecarStats,
  type Variant,
  type Verdict,
} from '@calc/probe-matrix';
import { Cluster } from './cluster.js';
import { judgeFanBoyLog } from './fanboy-log.js';
import { injectionFacts, missingSidecars, type PodSpecLike } from './injection.js';
import { framedFindings } from './findings-frame.js';
import { buildPlan, DEFAULT_VARIANTS, formatPlan } from './plan.js';
import { containerOf, kindAddressing, NAMESPACE, probeCommand, sidecarsWanted } from './platform.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RESULTS = `${ROOT}results/kind`;
const PROBE_SOURCE = readFileSync(fileURLToPath(import.meta.resolve('@calc/probe-matrix/probe')), 'utf8');
const USAGE = `usage: calc-e2e [--dry-run] [--variant dapr|mesh|dapr-mesh]... [--results DIR] [--print-findings]

Runs the probe matrix against the kind lab (kubeconfig: the current context, or the pod's own
service account when it runs in the cluster, as make kind-e2e runs it): waits for the rollouts,
runs each probe inside its caller pod, checks the injection facts and MathFanBoy's output, writes
findings.md and findings.json into DIR (default results/kind). --print-findings also prints both
files, framed, at the end (make kind-e2e copies them out of the Job's log). --dry-run prints the
plan as the equivalent kubectl commands and touches no cluster. --variant (default dapr and mesh)
picks the deployments: dapr-mesh once make kind-combined has meshed dapr-calculator with Dapr's
mTLS off. Exit 0 all as expected, 1 a cell differs, 2 bad usage, 3 the cluster could not be used.`;

const say = (line: string) => process.stdout.write(`${line}\n`);

async function run(variants: Variant[], results: string, printFindings: boolean): Promise<number> {
  const started = performance.now();
  const cluster = new Cluster();
  const plan = buildPlan(variants);
  say(`==> waiting for ${plan.rollouts.length} deployments and ${plan.pods.length} bare pods`);
  await Promise.all([...plan.rollouts.map((r) => cluster.waitForRollout(r.namespace, r.deployment)), ...plan.pods.map((p) => cluster.waitForPodReady(p.namespace, p.pod))]);
  // MathFanBoy calls before its targets are ready: only what it logs from now on is judged.
  const rolledOutAt = new Date();

  const pods = new Map<string, Awaited<ReturnType<Cluster['podOf']>>>();
  const podOf = async (variant: Variant, workload: string) => {
    const key = `${variant}/${workload}`;
    if (!pods.has(key)) pods.set(key, await cluster.podOf(NAMESPACE[variant], workload));
    return pods.get(key)!;
  };

  const workloadsIn = (variant: Variant) => [...new Set(plan.probes.filter((p) => p.probe.variant === variant).flatMap((p) => [p.probe.caller, p.probe.target]))].sort();
  // Redis has no Dapr sidecar; it is meshed where the namespace is.
  const sidecarless = (variant: Variant, workload: string) => {
    const wanted = sidecarsWanted(variant, workload);
    return !wanted.dapr && !wanted.mesh;
  };
  /** Every sidecar's own counts (with Dapr in the pod, daprd's; the mesh's own view of Dapr's traffic is in the local lab's findings). */
  const readStats = async (): Promise<SidecarStats[]> => {
    const stats: SidecarStats[] = [];
    for (const variant of variants)
      for (const workload of workloadsIn(variant).filter((w) => w !== 'mathfanboy' && w !== 'redis' && !sidecarless(variant, w))) {
        const pod = (await podOf(variant, workload)).metadata!.name!;
        const dapr = WITH_DAPR[variant];
        const text = await cluster.metrics(NAMESPACE[variant], pod, dapr ? DAPR_METRICS_PORT : LINKERD.adminPort);
        stats.push({ variant, service: workload, ...(dapr ? { sidecar: 'daprd', ...daprdStats(text) } : { sidecar: 'linkerd-proxy', ...linkerdStats(text) }) });
      }
    return stats;
  };
  // A pod without the sidecars it should have (an injector not yet serving when it was created) would
  // make every probe on it mislead: stop, and say how to get it injected.
  const uninjected: string[] = [];
  for (const variant of variants)
    for (const workload of workloadsIn(variant)) {
      const missing = missingSidecars((await podOf(variant, workload)).spec as PodSpecLike, sidecarsWanted(variant, workload));
      if (missing.length)
        uninjected.push(`${NAMESPACE[variant]}/${workload} has no ${missing.join(' and no ')}: kubectl -n ${NAMESPACE[variant]} rollout restart deployment/${workload}`);
    }
  if (uninjected.length)
    throw new Error(
      `pods started without their sidecars (the injectors' webhooks fail open, so pods created before an injector served have none); restart them, then run again:\n  ${uninjected.join('\n  ')}`,
    );
  const baseline = await readStats();

  say(`==> running ${plan.probes.length} probes, each from inside its caller pod`);
  const verdicts: Verdict[] = [];
  for (const planned of plan.probes) {
    const { probe } = planned;
    const caller = await podOf(probe.variant, probe.caller);
    const podIps = new Map(planned.needsIpOf ? [[planned.needsIpOf, (await podOf(probe.variant, planned.needsIpOf)).status!.podIP!]] : []);
    let observed: Observation;
    try {
      const out = await cluster.run(planned.namespace, caller.metadata!.name!, planned.container, probeCommand(PROBE_SOURCE, probeSpec(probe, kindAddressing(podIps))));
      observed = JSON.parse(out) as Observation;
    } catch (error) {
      observed = { outcome: 'error', detail: (error as Error).message };
    }
    const verdict = judge(probe, observed);
    verdicts.push(verdict);
    if (!verdict.pass) say(`✗ ${probe.id}: expected ${verdict.expectedText}, observed ${verdict.observedText} — ${observed.detail ?? ''}`);
  }

  const injection: Section = { title: 'Injection facts (live pod specs)', items: [] };
  const fanboys: Section = { title: 'MathFanBoy', items: [] };
  const callers: Partial<Record<Variant, CallerCounts>> = {};
  for (const variant of variants) {
    const configurations = WITH_DAPR[variant] ? await cluster.daprConfigurations(NAMESPACE[variant]) : [];
    for (const workload of workloadsIn(variant)) {
      const spec = (await podOf(variant, workload)).spec as PodSpecLike;
      const facts = injectionFacts(variant, workload, spec, configurations);
      injection.items.push(...facts.map((f) => ({ pass: f.pass, text: `${variant}: ${f.text}` })));
    }
    const fanboy = await podOf(variant, 'mathfanboy');
    const log = await cluster.logs(NAMESPACE[variant], fanboy.metadata!.name!, containerOf('mathfanboy'));
    const verdict = judgeFanBoyLog(log, rolledOutAt);
    callers[variant] = verdict.byService;
    fanboys.items.push({
      pass: verdict.pass,
      text: `**${variant}**: ${verdict.calls} calls logged after the rollouts (${verdict.skipped} before, not judged), ${verdict.faults.length} wrong${verdict.faults.length ? `: ${verdict.faults.slice(0, 3).join('; ')}` : ''}`,
    });
  }

  say("==> reading every sidecar's own metrics again (daprd :9090, linkerd-proxy :4191, through the API server's pod proxy)");
  // Denials only since the probes began: a pod's counters keep an earlier run's (make kind-e2e twice).
  const stats = (await readStats()).map((after) => {
    const before = baseline.find((b) => b.variant === after.variant && b.service === after.service);
    return { ...after, denials: after.denials - (before?.denials ?? 0) };
  });
  const expectedDenials = Object.fromEntries(variants.map((v) => [v, deniedBySidecar(verdicts, v)]));
  const sidecars = sidecarSection(stats, callers, expectedDenials);

  const sections = [sidecars, injection, fanboys];
  const meshed = variants.some((v) => MESHED[v]);
  const pass = verdicts.every((v) => v.pass) && sections.every((s) => s.items.every((i) => i.pass));
  writeFindings(results, {
    platform: 'kind',
    generatedAt: new Date().toISOString(),
    durationSeconds: (performance.now() - started) / 1000,
    versions: { dapr: PINNED.dapr, ...(meshed ? { linkerd: `${LINKERD.version} (proxy ${LINKERD.proxyVersion})` } : {}), kubernetes: '1.35.0 (kind)' },
    verdicts,
    sections,
    data: { sidecars: stats },
    notes: [
      `Kind lab: real Kubernetes, real Dapr (Helm)${meshed ? ' and real Linkerd' : '; no Linkerd in this run'}; probes run with \`kubectl exec\`-style exec inside the caller pods.`,
    ],
    pass,
  });
  say('');
  say(formatTable(verdicts));
  for (const section of sections) for (const item of section.items.filter((i) => !i.pass)) say(`✗ ${section.title}: ${item.text}`);
  if (printFindings) say(framedFindings(results));
  say(
    `\n==> ${pass ? 'every cell as expected' : 'some results differ'}; findings in ${printFindings ? 'results/kind' : results}/findings.md (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  return pass ? 0 : 1;
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        'dry-run': { type: 'boolean' },
        variant: { type: 'string', multiple: true },
        results: { type: 'string', default: RESULTS },
        'print-findings': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    process.stderr.write(`calc-e2e: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (parsed.values.help) {
    say(USAGE);
    return 0;
  }
  const variants = (parsed.values.variant ?? DEFAULT_VARIANTS) as Variant[];
  if (variants.some((v) => !VARIANTS.includes(v))) {
    process.stderr.write(`calc-e2e: --variant must be one of ${VARIANTS.join(', ')}\n${USAGE}\n`);
    return 2;
  }
  if (parsed.values['dry-run']) {
    say(formatPlan(buildPlan(variants)));
    return 0;
  }
  try {
    return await run(variants, parsed.values.results, parsed.values['print-findings'] === true);
  } catch (error) {
    process.stderr.write(`calc-e2e: error: ${(error as Error).message}\n`);
    return 3;
  }
}

main().then((code) => process.exit(code));
