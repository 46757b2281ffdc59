#!/usr/bin/env node
// make bench-kind: the benchmark's scenarios inside the kind cluster, same generator, same report format.
// --dry-run prints the plan (the kubectl commands), no cluster needed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpuTable, harnessCheck, tabulate, writeReport, type LoadResult, type LoadSpec, type RunRecord } from '@calc/bench';
import { DEFAULT_PORT } from '@calc/core';
import { PINNED, variantOf } from '@calc/probe-matrix';
import { Cluster } from './cluster.js';
import { APP_PORT, containerOf, DAPR_HTTP_PORT, execTargetOf, shellSpec } from './platform.js';

const NAMESPACE = { dapr: variantOf('dapr').namespace, mesh: variantOf('mesh').namespace };

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLE = readFileSync(fileURLToPath(import.meta.resolve('@calc/bench/loadgen-bundle')), 'utf8');
const BODY = '{"op1":6,"op2":7}';
const SETTINGS = { rates: [200, 1000], repetitions: 3, durationS: 5, warmupS: 1, connections: 16 };

/** Where each scenario's load starts and what it calls. `targetIp` marks a URL that needs multiplication's pod IP. */
interface KindScenario {
  scenario: RunRecord['scenario'];
  namespace: string;
  caller: string;
  url: (targetIp: string) => string;
  needsIp: boolean;
}

/** The default kind deployment holds three scenarios; dapr-mesh needs k8s-dapr/overlays/with-linkerd (Dapr mTLS off) instead of k8s-dapr. */
export function kindScenarios(combined: boolean): KindScenario[] {
  const viaDapr = { url: () => `http://127.0.0.1:${DAPR_HTTP_PORT}/v1.0/invoke/multiplication/method/multiply`, needsIp: false };
  return combined
    ? [{ scenario: 'dapr-mesh', namespace: NAMESPACE.dapr, caller: 'percentage', ...viaDapr }]
    : [
        // The intruder has no sidecar and calls the pod IP: no sidecar on either side.
        { scenario: 'direct', namespace: NAMESPACE.dapr, caller: 'intruder', url: (ip) => `http://${ip}:${APP_PORT}/multiply`, needsIp: true },
        { scenario: 'dapr', namespace: NAMESPACE.dapr, caller: 'percentage', ...viaDapr },
        {
          scenario: 'mesh',
          namespace: NAMESPACE.mesh,
          caller: 'percentage',
          url: () => `http://multiplication.${NAMESPACE.mesh}.svc.cluster.local:${DEFAULT_PORT.multiplication}/multiply`,
          needsIp: false,
        },
      ];
}

const spec = (url: string, rate: number): LoadSpec => ({ url, rate, durationS: SETTINGS.durationS, warmupS: SETTINGS.warmupS, connections: SETTINGS.connections, body: BODY });

export function formatBenchPlan(scenarios: KindScenario[]): string {
  const lines = [
    '# the load generator, bundled with its HdrHistogram, fed to node on stdin inside each caller pod',
    'LOADGEN=packages/bench/dist/loadgen.bundle.js',
    `# ${SETTINGS.repetitions} repetitions × rates ${SETTINGS.rates.join(', ')} × ${scenarios.length} scenarios, interleaved`,
  ];
  for (const s of scenarios) {
    for (const rate of SETTINGS.rates) {
      const arg = shellSpec(spec(s.url('__IP__'), rate), s.namespace, s.needsIp ? 'multiplication' : undefined);
      lines.push(
        `# ${s.scenario} at ${rate} rps, from ${s.caller} in ${s.namespace}`,
        `kubectl -n ${s.namespace} exec -i ${execTargetOf(s.caller)} -c ${containerOf(s.caller)} -- node --input-type=module - ${arg} < "$LOADGEN"`,
      );
    }
  }
  lines.push('# results: results/bench-kind/bench.json, bench.md, latency.svg (CPU and memory per sidecar are not collected on kind)');
  return lines.join('\n');
}

async function run(scenarios: KindScenario[]): Promise<number> {
  const cluster = new Cluster();
  const runs: RunRecord[] = [];
  for (let rep = 0; rep < SETTINGS.repetitions; rep++) {
    for (const rate of SETTINGS.rates) {
      for (const s of scenarios.map((_, i) => scenarios[(i + rep) % scenarios.length]!)) {
        const caller = await cluster.podOf(s.namespace, s.caller);
        const ip = s.needsIp ? (await cluster.podOf(s.namespace, 'multiplication')).status!.podIP! : '';
        // The bundle (with HdrHistogram's WebAssembly) is too large for an argument: it goes in on stdin.
        const out = await cluster.run(
          s.namespace,
          caller.metadata!.name!,
          containerOf(s.caller),
          ['node', '--input-type=module', '-', JSON.stringify(spec(s.url(ip), rate))],
          120_000,
          BUNDLE,
        );
        const result = JSON.parse(out) as LoadResult;
        runs.push({ rep, rate, scenario: s.scenario, result, cpuPer1000: {} });
        process.stdout.write(
          `[${runs.length}] rep ${rep + 1} ${rate} rps ${s.scenario}: p50 ${result.latencyUs.p50} µs, p99 ${result.latencyUs.p99} µs, errors ${result.errors}\n`,
        );
      }
    }
  }
  const harness = harnessCheck(
    runs,
    SETTINGS.rates,
    SETTINGS.repetitions,
    scenarios.map((s) => s.scenario),
  );
  writeReport(`${ROOT}results/bench-kind`, {
    generatedAt: new Date().toISOString(),
    quick: false,
    machine: { cpus: 0, model: 'kind cluster' },
    versions: { dapr: PINNED.dapr, linkerd: PINNED.linkerd },
    settings: { ...SETTINGS, body: BODY },
    runs,
    rows: tabulate(runs),
    cpuPer1000AtRate: { rate: 1000, table: cpuTable(runs, 1000) },
    peakRssMb: {},
    harness,
  });
  return harness.pass ? 0 : 1;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean' }, combined: { type: 'boolean' } } });
  const scenarios = kindScenarios(values.combined === true);
  if (values['dry-run']) {
    process.stdout.write(`${formatBenchPlan(scenarios)}\n`);
    return 0;
  }
  try {
    return await run(scenarios);
  } catch (error) {
    process.stderr.write(`bench-kind: error: ${(error as Error).message}\n`);
    return 3;
  }
}

main().then((code) => process.exit(code));
