#!/usr/bin/env node
// make kind-e2e: the shared probe matrix on the kind cluster. --dry-run prints the plan, no cluster needed.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { outcomeLine, runExperiment, VARIANT_NAMES, variantOf, type VariantRecord } from '@calc/probe-matrix';
import { Cluster } from './cluster.js';
import { framedFindings } from './findings-frame.js';
import { missingSidecars, type PodSpecLike } from './injection.js';
import { kindPlatform, podLookup } from './kind-platform.js';
import { buildPlan, DEFAULT_VARIANTS, formatPlan, workloadsIn } from './plan.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RESULTS = `${ROOT}results/kind`;
const USAGE = `usage: calc-e2e [--dry-run] [--variant ${VARIANT_NAMES.join('|')}]... [--results DIR] [--print-findings]

Runs the probe matrix against the kind lab (kubeconfig: the current context, or the pod's own
service account when it runs in the cluster, as make kind-e2e runs it): waits for the rollouts,
runs each probe inside its caller pod, checks the injection facts and MathFanBoy's output, writes
findings.md and findings.json into DIR (default results/kind). --print-findings also prints both
files, framed, at the end (make kind-e2e copies them out of the Job's log). --dry-run prints the
plan as the equivalent kubectl commands and touches no cluster. --variant (default dapr and mesh)
picks the deployments: dapr-mesh once make kind-combined has meshed dapr-calculator with Dapr's
mTLS off. Exit 0 all as expected, 1 a cell differs, 2 bad usage, 3 the cluster could not be used.`;

const say = (line: string) => process.stdout.write(`${line}\n`);

/** The bring-up's end: every rollout done, every pod with its sidecars; then the shared experiment. */
async function run(variants: readonly VariantRecord[], results: string, printFindings: boolean): Promise<number> {
  const started = performance.now();
  const cluster = new Cluster();
  const plan = buildPlan(variants);
  say(`==> waiting for ${plan.rollouts.length} deployments and ${plan.pods.length} bare pods`);
  await Promise.all([...plan.rollouts.map((r) => cluster.waitForRollout(r.namespace, r.deployment)), ...plan.pods.map((p) => cluster.waitForPodReady(p.namespace, p.pod))]);
  // MathFanBoy calls before its targets are ready: only what it logs from now on is judged.
  const rolledOutAt = new Date();

  // A pod without the sidecars it should have (an injector not yet serving when it was created) would
  // make every probe on it mislead: stop, and say how to get it injected.
  const podOf = podLookup(cluster, variants);
  const uninjected: string[] = [];
  for (const variant of variants)
    for (const workload of workloadsIn(plan.probes, variant)) {
      const missing = missingSidecars(variant, workload, (await podOf(variant.name, workload)).spec as PodSpecLike);
      if (missing.length)
        uninjected.push(`${variant.namespace}/${workload} has no ${missing.join(' and no ')}: kubectl -n ${variant.namespace} rollout restart deployment/${workload}`);
    }
  if (uninjected.length)
    throw new Error(
      `pods started without their sidecars (the injectors' webhooks fail open, so pods created before an injector served have none); restart them, then run again:\n  ${uninjected.join('\n  ')}`,
    );

  const findings = await runExperiment(kindPlatform({ cluster, variants, plan, rolledOutAt }), variants, { results, startedAt: started });
  if (printFindings) say(framedFindings(results));
  say(`\n==> ${outcomeLine(findings)}; findings in ${printFindings ? 'results/kind' : results}/findings.md (${findings.durationSeconds.toFixed(1)} s)`);
  return findings.pass ? 0 : 1;
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
  const names = parsed.values.variant ?? DEFAULT_VARIANTS.map((v) => v.name);
  if (names.some((v) => !VARIANT_NAMES.includes(v))) {
    process.stderr.write(`calc-e2e: --variant must be one of ${VARIANT_NAMES.join(', ')}\n${USAGE}\n`);
    return 2;
  }
  const variants = names.map((name) => variantOf(name));
  if (parsed.values['dry-run']) {
    say(formatPlan(buildPlan(variants), variants));
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
