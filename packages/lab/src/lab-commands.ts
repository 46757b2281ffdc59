// The commands that work on a lab left up by make lab-up: pods, exec, policy, probe, metrics.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSidecarTable, formatTable, VARIANTS, writeFindings, type Findings, type Variant } from '@calc/probe-matrix';
import { EXIT, LabError } from './errors.js';
import { judgeCalls } from './fanboy-check.js';
import { LOG_DIR, RESULTS_DIR, WORK_DIR } from './paths.js';
import { PodRuntime } from './pods.js';
import { podsTable } from './pods-table.js';
import { policyStates, setPolicyOf, type PolicyVariant } from './policy.js';
import { runProbes } from './run-probes.js';
import { callerCounts, NOTES, say, versions } from './run.js';
import { podNamed, processesIn, requireUp } from './running-lab.js';
import { readSidecarStats } from './sidecar-metrics.js';
import { podOf } from './topology.js';
import { asWorkload, workloadUser } from './workload-user.js';

export async function pods(): Promise<number> {
  requireUp();
  const policy = await policyStates();
  for (const line of podsTable()) say(line);
  say(`\npolicy on multiplication now: dapr ${policy.dapr ? 'on' : 'OFF'}, mesh ${policy.mesh ? 'on' : 'OFF'} (./lab policy <dapr|mesh> <on|off>)`);
  return EXIT.ok;
}

/** Runs a command inside a pod, as its apps run (the workload user), with the pod's names and addresses; returns its exit code. */
export function exec(name: string | undefined, command: string[]): number {
  if (!name || command.length === 0)
    throw new LabError('USAGE', 'usage: ./lab exec <variant>/<pod> -- <command> [args…]   e.g. ./lab exec dapr/intruder -- curl -s http://multiplication-dapr/healthz');
  const pod = podNamed(name);
  requireUp();
  const ran = spawnSync('ip', ['netns', 'exec', pod.ns, ...asWorkload(workloadUser(), command, false)], { stdio: 'inherit' });
  if (ran.error) throw new LabError('COMMAND_FAILED', `could not run ${command[0]} in ${pod.ns}: ${ran.error.message}`);
  return ran.status ?? EXIT.cannotRun;
}

export async function policy(variant: string | undefined, state: string | undefined): Promise<number> {
  if ((variant !== 'dapr' && variant !== 'mesh') || (state !== 'on' && state !== 'off')) throw new LabError('USAGE', 'usage: ./lab policy <dapr|mesh> <on|off>');
  requireUp();
  say(`==> ${await setPolicyOf(variant, state === 'on')}`);
  return EXIT.ok;
}

/** The matrix against the running lab; findings (and the report) in results/lab. Exit 1 when a cell differs, as after a policy is switched off. */
export async function probe(): Promise<number> {
  requireUp();
  const started = performance.now();
  const runtime = new PodRuntime(LOG_DIR, workloadUser(), false);
  const verdicts = await runProbes(runtime);
  const policy = await policyStates();
  const stats = await readSidecarStats(runtime, WORK_DIR);
  const callers = callerCounts(VARIANTS.map(fanboyCalls));
  const off = (Object.keys(policy) as PolicyVariant[]).filter((v) => !policy[v]);
  const findings: Findings = {
    platform: 'local',
    generatedAt: new Date().toISOString(),
    durationSeconds: (performance.now() - started) / 1000,
    versions: versions(runningDaprd()),
    verdicts,
    sections: [
      {
        title: 'Policies',
        items: (['dapr', 'mesh'] as PolicyVariant[]).map((v) => ({ pass: policy[v], text: `**${v}**: multiplication's policy is ${policy[v] ? 'on' : '**off** (./lab policy)'}` })),
      },
      { title: 'What the sidecars saw, since make lab-up', items: [{ pass: true, text: 'Per service, inbound:', lines: formatSidecarTable(stats, callers) }] },
    ],
    data: { policy, sidecars: stats },
    notes: [`./lab probe against a lab left up by make lab-up${off.length ? `, with the policy switched off in: ${off.join(', ')}` : ''}.`, ...NOTES],
    pass: verdicts.every((v) => v.pass),
  };
  writeFindings(RESULTS_DIR, findings);
  say(formatTable(verdicts));
  const failed = verdicts.filter((v) => !v.pass).length;
  say(
    `\n==> ${failed ? `${failed} cell(s) differ from the matrix` : 'every cell as expected'}; policy on multiplication: dapr ${policy.dapr ? 'on' : 'OFF'}, mesh ${policy.mesh ? 'on' : 'OFF'}; results/lab/report.html`,
  );
  return failed ? EXIT.mismatch : EXIT.ok;
}

/** What each sidecar counted since the lab came up, next to what MathFanBoy counted. */
export async function metrics(): Promise<number> {
  requireUp();
  const stats = await readSidecarStats(new PodRuntime(LOG_DIR, workloadUser(), false), WORK_DIR);
  const callers = callerCounts(VARIANTS.map(fanboyCalls));
  for (const line of formatSidecarTable(stats, callers)) say(line);
  say('\nrequests: what reached the sidecar (calls by pod IP to a Dapr app never do); success: answered, not 5xx; denied: refused by the policy');
  return EXIT.ok;
}

function fanboyCalls(variant: Variant) {
  const log = join(LOG_DIR, podOf(variant, 'mathfanboy').ns, 'app.log');
  return judgeCalls(variant, existsSync(log) ? readFileSync(log, 'utf8').split('\n') : []);
}

/** The daprd binary the lab runs, for the versions line. */
function runningDaprd(): string {
  return processesIn(podOf('dapr', 'multiplication')).find((p) => p.argv[0]?.endsWith('/daprd'))?.argv[0] ?? 'daprd';
}
