// `make demo`: the mesh-agnostic set on loopback, MathFanBoy's calls live. Ctrl-C (or --duration) stops it all.
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ALL_SERVICES, DEFAULT_PORT, OPERATION_SERVICES, type OperationService } from '@calc/core';
import { startMeshSet, type MeshSet, type RestartEvent } from './mesh-set.js';
import { launch, LaunchError, serviceCommand } from './process.js';

const USAGE = `usage: node packages/launcher/dist/demo.js [--duration SECONDS] [--host ADDRESS]

Starts addition, subtraction, multiplication, division and percentage (the mesh-agnostic set) as
local processes, wires them together with <SERVICE>_URL variables, and runs MathFanBoy against them.

  --duration SECONDS  stop by itself after SECONDS (default 0: run until Ctrl-C)
  --host ADDRESS      interface to listen on (default 127.0.0.1)

Environment: ADDITION_PORT, DIVISION_PORT, MULTIPLICATION_PORT, SUBTRACTION_PORT, PERCENTAGE_PORT
(defaults 5001, 5002, 5003, 5004, 5005, as the article's Services), PERCENTAGE_FAULT_RATE (default 0.5),
MATHFANBOY_INTERVAL_MS (default 1000). Service logs go to .run/demo/<service>.log.`;

function fail(message: string, code = 1): never {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(code);
}

function parseOptions(): { durationS: number; host: string; ports: Record<OperationService, number> } {
  let values;
  try {
    ({ values } = parseArgs({
      options: { duration: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' }, help: { type: 'boolean' } },
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const durationS = Number(values.duration);
  if (!Number.isFinite(durationS) || durationS < 0) fail(`--duration must be a number of seconds ≥ 0, got ${values.duration}`, 2);
  const ports = {} as Record<OperationService, number>;
  for (const service of OPERATION_SERVICES) {
    const name = `${service.toUpperCase()}_PORT`;
    const port = Number(process.env[name] ?? DEFAULT_PORT[service]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`${name}=${process.env[name]} is not a port number`, 2);
    ports[service] = port;
  }
  return { durationS, host: values.host, ports };
}

async function main(): Promise<void> {
  const { durationS, host, ports } = parseOptions();
  const logDir = join(process.cwd(), '.run', 'demo');
  mkdirSync(logDir, { recursive: true });
  const logs = new Map(ALL_SERVICES.map((s) => [s, createWriteStream(join(logDir, `${s}.log`))]));

  console.log(`==> starting the mesh-agnostic set on ${host}: ${OPERATION_SERVICES.map((s) => `${s} :${ports[s]}`).join(', ')}`);
  let set: MeshSet;
  try {
    set = await startMeshSet({ host, ports, onServiceLine: (service, line) => logs.get(service)?.write(`${line}\n`), onRestart: reportRestart });
  } catch (error) {
    if (error instanceof LaunchError) {
      const hint = error.message.includes('already in use') ? ` (set ${error.service.toUpperCase()}_PORT to a free port)` : '';
      fail(`${error.message}${hint}`);
    }
    throw error;
  }
  console.log(`==> running: ${OPERATION_SERVICES.map((s) => `${s} pid ${set.services.get(s)?.child.pid}`).join(', ')} (kill one and watch it restart)`);
  console.log(`==> MathFanBoy calling every ${process.env.MATHFANBOY_INTERVAL_MS ?? 1000} ms${durationS ? ` for ${durationS} s` : ''}; Ctrl-C stops everything`);
  const fanboy = await launch({
    name: 'mathfanboy',
    command: serviceCommand('mathfanboy', 'agnostic'),
    env: { ...process.env, ...set.urls },
    // Its call lines (stdout) are the show; its own logs (stderr) go to its log file.
    onLine: (line, stream) => (stream === 'stdout' ? console.log(line) : logs.get('mathfanboy')?.write(`${line}\n`)),
  });

  let stopping = false;
  const stopAll = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`==> ${reason}: stopping`);
    const fanboyExit = await fanboy.stop();
    const exits = await set.stop();
    for (const stream of logs.values()) stream.end();
    const unclean = [...exits, ['mathfanboy', fanboyExit] as const].filter(([, code]) => code !== 0);
    if (unclean.length) fail(`not every process stopped cleanly: ${unclean.map(([n, c]) => `${n} (${c})`).join(', ')}`);
    console.log(`==> stopped; service logs in ${logDir}`);
    process.exit(0);
  };
  process.on('SIGINT', () => void stopAll('Ctrl-C'));
  process.on('SIGTERM', () => void stopAll('SIGTERM'));
  process.on('SIGHUP', () => void stopAll('terminal closed (SIGHUP)'));
  if (durationS > 0) setTimeout(() => void stopAll(`${durationS} s elapsed`), durationS * 1000);
  void fanboy.exited.then((code) => {
    if (!stopping) void set.stop().then(() => fail(`MathFanBoy exited on its own (${code}): ${fanboy.recentLines.at(-1) ?? ''}`));
  });
}

/** What a user watching the demo should know when a service dies: that it did, and that it is back. */
function reportRestart(event: RestartEvent): void {
  if (event.kind === 'exited')
    console.log(`==> ${event.service} (pid ${event.pid}) exited unexpectedly (${event.code}); restarting it in ${event.delayMs / 1000} s, as a kubelet would`);
  else if (event.kind === 'restarted') console.log(`==> ${event.service} is back (pid ${event.pid})`);
  else console.log(`==> ${event.service} did not start again (${event.message}); next try in ${event.delayMs / 1000} s`);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
