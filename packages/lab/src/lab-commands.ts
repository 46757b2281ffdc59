// The commands that work on a lab left up by make lab-up: pods, exec, policy, probe, metrics.
import { spawnSync } from 'node:child_process';
import { callerCounts, formatSidecarTable, judgeFanBoy, outcomeLine, runExperiment, VARIANTS, type Check, type Step, type Variant } from '@calc/probe-matrix';
import { EXIT, LabError } from './errors.js';
import { fanboyLines, localPlatform, NOTES } from './local-platform.js';
import { LOG_DIR, RESULTS_DIR, WORK_DIR } from './paths.js';
import { PodRuntime } from './pods.js';
import { podsTable } from './pods-table.js';
import { formatPolicyStates, policyStates, setPolicyOf } from './policy.js';
import { say } from './run.js';
import { podNamed, processesIn, requireUp } from './running-lab.js';
import { readSidecarStats } from './sidecar-metrics.js';
import { podOf, type Pod } from './topology.js';
import { asWorkload, workloadUser } from './workload-user.js';

export async function pods(): Promise<number> {
  requireUp();
  const policy = await policyStates();
  for (const line of podsTable()) say(line);
  say(`\npolicy on multiplication now: ${formatPolicyStates(policy)} (${POLICY_USAGE.replace('usage: ', '')})`);
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

const POLICY_USAGE = `usage: ./lab policy <${VARIANTS.map((v) => v.name).join('|')}> <on|off>`;

export async function policy(variant: string | undefined, state: string | undefined): Promise<number> {
  const record = VARIANTS.find((v) => v.name === variant);
  if (!record || (state !== 'on' && state !== 'off')) throw new LabError('USAGE', POLICY_USAGE);
  requireUp();
  say(`==> ${await setPolicyOf(record, state === 'on')}`);
  return EXIT.ok;
}

/** The matrix against the running lab; findings (and the report) in results/lab. Exit 1 when a cell differs, as after a policy is switched off. */
export async function probe(): Promise<number> {
  requireUp();
  const started = performance.now();
  const runtime = new PodRuntime<Pod>(LOG_DIR, workloadUser(), false);
  const policy = await policyStates();
  const off = Object.keys(policy).filter((v) => !policy[v]);
  const policies: Check = {
    key: 'policy',
    section: {
      title: 'Policies',
      items: Object.entries(policy).map(([v, on]) => ({ pass: on, text: `**${v}**: multiplication's policy is ${on ? 'on' : '**off** (./lab policy)'}` })),
    },
    data: policy,
  };
  const platform = localPlatform({
    runtime,
    daprd: runningDaprd(),
    stopFanBoys: false,
    checks: async () => [policies],
    notes: [`./lab probe against a lab left up by make lab-up${off.length ? `, with the policy switched off in: ${off.join(', ')}` : ''}.`, ...NOTES],
  });
  const findings = await runExperiment(platform, VARIANTS, { results: RESULTS_DIR, step: quietly, startedAt: started });
  const failed = findings.verdicts.filter((v) => !v.pass).length;
  const outcome = failed ? `${failed} cell(s) differ from the matrix` : outcomeLine(findings);
  say(`\n==> ${outcome}; policy on multiplication: ${formatPolicyStates(policy)}; results/lab/report.html`);
  return findings.pass ? EXIT.ok : EXIT.mismatch;
}

/** ./lab probe prints the table only, as it did before it shared the experiment. */
const quietly: Step = async (_text, work) => work();

/** What each sidecar counted since the lab came up, next to what MathFanBoy counted. */
export async function metrics(): Promise<number> {
  requireUp();
  const stats = await readSidecarStats(WORK_DIR);
  const callers = callerCounts(VARIANTS.map((v) => fanboyCalls(v.name)));
  for (const line of formatSidecarTable(stats, callers)) say(line);
  say('\nrequests: what reached the sidecar (calls by pod IP to a Dapr app never do); success: answered, not 5xx; denied: refused by the policy');
  return EXIT.ok;
}

const fanboyCalls = (variant: Variant) => judgeFanBoy(variant, fanboyLines(variant));

/** The daprd binary the lab runs, for the versions line. */
function runningDaprd(): string {
  const dapr = VARIANTS.find((v) => v.dapr)!;
  return processesIn(podOf(dapr.name, 'multiplication')).find((p) => p.argv[0]?.endsWith('/daprd'))?.argv[0] ?? 'daprd';
}
