#!/usr/bin/env node
// The local lab's command line: make lab, make lab-up / lab-down, and ./lab (pods, exec, policy, probe, metrics).
import { parseArgs } from 'node:util';
import { EXIT, LabError } from './errors.js';
import { exec, metrics, pods, policy, probe } from './lab-commands.js';
import { intervalOf, top } from './top-command.js';
import { ensureRoot } from './root.js';
import { down, run, say, up } from './run.js';
import { ensureDaprBinaries, ensureSystemTools } from './tools.js';

const USAGE = `usage: ./lab <command>   (the same as node packages/lab/dist/cli.js <command>)

  run [--keep]                 bring the lab up, run the probe matrix and every check, write results/lab, tear down (make lab)
  up                           bring the lab up and leave it up, MathFanBoy calling in both variants (make lab-up)
  down                         remove every namespace, process and rule a lab made; safe to repeat (make lab-down)
  tools                        install what the lab needs (HAProxy, iptables, curl; daprd and sentry) and stop

  On a lab that is up:
  pods                         every pod: variant, IP, sidecar, identity, role, and whether the policy is on
  exec <variant>/<pod> -- CMD  run CMD inside the pod, as its apps run; names resolve as in the cluster
                               (multiplication, multiplication-dapr, pod IPs), e.g.
                               ./lab exec dapr/intruder -- curl -s http://multiplication-dapr/healthz
  policy <variant> <on|off>    remove or restore multiplication's authorization policy (dapr, mesh, dapr-mesh)
  probe                        run the probe matrix against the running lab; results/lab/report.html
  metrics                      what each sidecar counted (requests, success rate, denials) next to MathFanBoy's count
  top [--once] [--interval S]  live: what each sidecar saw each second (req/s, success, denials, latency);
                               --once prints one frame and exits

  --keep   (run) leave the lab running after the probes; make lab-down removes it

Needs root (network namespaces, iptables); re-runs itself with sudo when that works without a password.
Walkthrough: docs/walkthrough.md.
Exit codes: 0 every cell as expected, 1 some cell differs, 2 bad usage, 3 the lab could not run (exec: the command's own).`;

const COMMANDS = ['run', 'up', 'down', 'tools', 'pods', 'exec', 'policy', 'probe', 'metrics', 'top'];

async function main(argv: string[]): Promise<number> {
  // exec takes everything after `--` as the command, options included.
  const dashes = argv.indexOf('--');
  const [own, command] = dashes >= 0 ? [argv.slice(0, dashes), argv.slice(dashes + 1)] : [argv, []];
  let parsed;
  try {
    parsed = parseArgs({
      args: own,
      allowPositionals: true,
      options: { keep: { type: 'boolean' }, once: { type: 'boolean' }, interval: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new LabError('USAGE', `${(error as Error).message}\n${USAGE}`);
  }
  const [name, ...rest] = parsed.positionals;
  if (parsed.values.help || name === undefined) {
    say(USAGE);
    return parsed.values.help ? EXIT.ok : EXIT.usage;
  }
  if (!COMMANDS.includes(name)) throw new LabError('USAGE', `unknown command ${name}\n${USAGE}`);
  if (name === 'exec' && dashes < 0) throw new LabError('USAGE', 'usage: ./lab exec <variant>/<pod> -- <command> [args…] (the -- is needed)');
  ensureRoot('the local lab');
  switch (name) {
    case 'tools':
      ensureSystemTools(say);
      ensureDaprBinaries(say);
      return EXIT.ok;
    case 'down': {
      const removed = down();
      say(`==> lab removed: ${removed.namespaces} namespaces, ${removed.processes} processes killed`);
      return EXIT.ok;
    }
    case 'up':
      return up();
    case 'pods':
      return pods();
    case 'exec':
      return exec(rest[0], command);
    case 'policy':
      return policy(rest[0], rest[1]);
    case 'probe':
      return probe();
    case 'metrics':
      return metrics();
    case 'top':
      return top({ once: parsed.values.once === true, interval: intervalOf(parsed.values.interval) });
    default:
      return run(parsed.values.keep === true);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof LabError) {
      process.stderr.write(`\nlab: error ${error.code}: ${error.message}\n${error.details.map((l) => `  ${l}\n`).join('')}`);
      process.exit(error.code === 'USAGE' ? EXIT.usage : EXIT.cannotRun);
    }
    process.stderr.write(`\nlab: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(EXIT.cannotRun);
  },
);
