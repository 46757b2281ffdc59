#!/usr/bin/env node
// The sidecar benchmark inside a cluster, as a Job (k8s-bench): make bench's paired method, the
// generators in their own containers in the client pods, every sidecar's CPU read from itself.
// Writes bench.json, bench.md and latency.svg; --hold-results keeps the pod up until the scripts have
// copied them out (a container's log loses what a process writes just before it exits: a 100 KB
// bench.json was cut short through `kubectl logs` on containerd 1.6).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildReport, FULL, headline, pairedRuns, QUICK, SCENARIOS, warmUp, writePairedReport, type Bench, type Sample, type Scenario } from '@calc/bench';
import { Cluster } from '../cluster.js';
import { clusterScenario, memoryOf } from './cluster-scenario.js';
import { BENCH_NAMESPACE, CLIENT, CONTROL_PORT, readingsOf, TARGET } from './plan.js';
import { clusterSetup, schedulable, versionsOf, type ScenarioPods } from './setup.js';

const USAGE = `usage: node dist/bench/cli.js --scenarios direct,dapr[,mesh|dapr-mesh] [--settings full|quick] [--results DIR] [--hold-results SECONDS]

The paired sidecar benchmark in the cluster this runs in (k8s-bench deploys each scenario's two pods
into its namespace: ${Object.values(BENCH_NAMESPACE).join(', ')}). direct comes first: every other
scenario is measured against it, round by round.
  --scenarios LIST  which scenarios' namespaces to measure (direct and at least one more)
  --settings full   make bench's: two runs that must agree (default; about 10 minutes)
  --settings quick  one short run that checks the harness (figures not meant to be read)
  --results DIR     where bench.json, bench.md and latency.svg go (default results/bench-cluster)
  --hold-results S  then write DIR/READY and wait up to S seconds for DIR/COLLECTED (a Job's files
                    are gone when it ends: scripts/bench-job.sh copies them out and says so)
Exit 0 ok, 1 harness problems, 2 bad usage, 3 could not run.`;

const say = (line: string) => process.stdout.write(`${line}\n`);

function scenariosOf(list: string): Scenario[] {
  const names = list.split(',');
  const bad = names.filter((n) => !(SCENARIOS as readonly string[]).includes(n));
  if (bad.length || names[0] !== 'direct' || names.length < 2 || new Set(names).size !== names.length)
    throw new UsageError(`--scenarios must start with direct and name at least one of dapr, mesh, dapr-mesh, each once; got ${list}`);
  return names as Scenario[];
}

class UsageError extends Error {}

/** What each process spends between two readings 1 s apart with no traffic: the floor every slice's CPU sits on. */
async function idleBetweenReadings(bench: Bench): Promise<string> {
  const rows: string[] = [];
  for (const s of bench.scenarios) {
    const spent: Array<Record<string, number>> = [];
    for (let i = 0; i < 3; i++) {
      const before: Sample = await s.sample();
      await new Promise((r) => setTimeout(r, 1000));
      const after = await s.sample();
      spent.push(Object.fromEntries(Object.keys(before.cpuMs).map((role) => [role, after.cpuMs[role]! - before.cpuMs[role]!])));
    }
    for (const role of Object.keys(spent[0]!)) {
      const values = spent.map((x) => x[role]!).sort((a, b) => a - b);
      rows.push(`| ${s.scenario} | ${role} | ${values[1]!.toFixed(0)} ms |`);
    }
  }
  return `### What a reading costs

Each slice's CPU is read before and after it: the sidecars through their metrics endpoints, the app through \`/proc\` (exec),
with a clock of 10 ms. With no traffic, between two readings 1 s apart, each process spent (the median of three):

| scenario | process | CPU |
| --- | --- | --- |
${rows.join('\n')}`;
}

async function run(scenarios: Scenario[], quick: boolean, results: string, holdS: number): Promise<number> {
  const started = performance.now();
  const cluster = new Cluster();
  const pods: ScenarioPods[] = [];
  for (const scenario of scenarios) {
    const namespace = BENCH_NAMESPACE[scenario];
    say(`==> ${scenario}: waiting for ${namespace}'s rollouts`);
    for (const d of [CLIENT, TARGET]) await cluster.waitForRollout(namespace, d);
    pods.push({ scenario, namespace, client: await cluster.podOf(namespace, CLIENT), target: await cluster.podOf(namespace, TARGET) });
  }
  const nodes = await cluster.nodes();
  const kubelet = nodes[0]?.status?.nodeInfo?.kubeletVersion ?? '?';
  const context = `Kubernetes ${kubelet}; the Job and the generators run the project's e2e image (Node ${process.version}).`;
  const { setup, summary, problems } = clusterSetup(scenarios, nodes, pods, context);
  const bench: Bench = {
    scenarios: pods.map(({ scenario, namespace, client, target }) =>
      clusterScenario(cluster, scenario, namespace, client.status!.podIP!, readingsOf(scenario, client, target), CONTROL_PORT),
    ),
    connections: FULL.connections,
    // kind's nodes share their host, and each reports all of its CPUs: the largest node is the machine.
    cores: Math.max(...schedulable(nodes).map((n) => Number(n.status?.capacity?.cpu ?? 1))),
    checkpoint: async () => {},
    say,
  };
  say(`==> ${summary}${problems.length ? ` ${problems.join('; ')}` : ''}`);
  say('==> warming up every scenario');
  await warmUp(bench);
  const readingCost = await idleBetweenReadings(bench);
  const settings = quick ? QUICK : FULL;
  const { records, knees, loadedRates } = await pairedRuns(bench, settings);
  const report = buildReport({
    setup: {
      ...setup,
      where: `${setup.where}\n\n${readingCost}\n\nThe peak RSS column: the app's peak (VmHWM); the sidecars' metrics give their resident memory at the end, not a peak.`,
    },
    setupProblems: problems,
    quick,
    settings,
    records,
    knees,
    loadedRates,
    fortio: [],
    peakRssMb: Object.fromEntries(await Promise.all(pods.map(async (p) => [p.scenario, await memoryOf(cluster, p.namespace, readingsOf(p.scenario, p.client, p.target))]))),
    cpuRate: 0,
    idle: [],
    durationS: (performance.now() - started) / 1000,
    versions: { ...versionsOf(pods), node: process.version },
    machine: { cpus: bench.cores, model: `vCPUs, the largest of ${nodes.length} node${nodes.length === 1 ? '' : 's'}` },
  });
  mkdirSync(results, { recursive: true });
  writePairedReport(results, report);
  say('');
  for (const line of headline(report)) say(line);
  if (!report.harness.pass) for (const p of report.harness.problems) say(`✗ ${p}`);
  say(`\n==> ${report.harness.pass ? 'harness ok' : 'harness problems'}; ${results}/bench.md (${report.durationS.toFixed(0)} s)`);
  if (holdS > 0) await holdUntilCollected(results, holdS);
  return report.harness.pass ? 0 : 1;
}

/** Says the files are ready and waits for the scripts to have copied them (DIR/COLLECTED), or for the time to run out. */
async function holdUntilCollected(dir: string, seconds: number): Promise<void> {
  writeFileSync(join(dir, 'READY'), '');
  say(`==> results ready in ${dir}; waiting up to ${seconds} s for them to be copied out`);
  const deadline = Date.now() + seconds * 1000;
  while (!existsSync(join(dir, 'COLLECTED')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
  if (!existsSync(join(dir, 'COLLECTED'))) say('==> nobody copied the results out; they go with the pod');
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        scenarios: { type: 'string' },
        settings: { type: 'string', default: 'full' },
        results: { type: 'string', default: 'results/bench-cluster' },
        'hold-results': { type: 'string', default: '0' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
    if (values.help) {
      say(USAGE);
      return 0;
    }
    if (!values.scenarios) throw new UsageError('--scenarios is required');
    const scenarios = scenariosOf(values.scenarios);
    if (values.settings !== 'full' && values.settings !== 'quick') throw new UsageError(`--settings must be full or quick, not ${values.settings}`);
    const holdS = Number(values['hold-results']);
    if (!Number.isInteger(holdS) || holdS < 0) throw new UsageError(`--hold-results must be a whole number of seconds, not ${values['hold-results']}`);
    return await run(scenarios, values.settings === 'quick', values.results, holdS);
  } catch (error) {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`bench: error: ${(error as Error).message}${usage ? `\n${USAGE}` : ''}\n`);
    return usage ? 2 : 3;
  }
}

main().then((code) => process.exit(code));
