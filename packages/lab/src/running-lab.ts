// What the commands that work on a lab left up (`./lab pods|exec|policy|probe|metrics`) need of it.
import { readFileSync } from 'node:fs';
import { VARIANTS } from '@calc/probe-matrix';
import { LabError } from './errors.js';
import { labNamespaces } from './network.js';
import { trySh } from './shell.js';
import { ALL_PODS, PODS_OF, type Pod } from './topology.js';
import type { WorkloadUser } from './workload-user.js';

/** Fails, saying what to do, unless every pod of the lab exists. */
export function requireUp(): void {
  const present = new Set(labNamespaces());
  const missing = ALL_PODS.filter((p) => !present.has(p.ns));
  if (missing.length === ALL_PODS.length) throw new LabError('LAB_NOT_UP', 'the lab is not up: start it with make lab-up');
  if (missing.length) throw new LabError('LAB_NOT_UP', `the lab is half up (${missing.length} pods missing, e.g. ${missing[0]!.ns}): make lab-down, then make lab-up`);
}

/** `dapr/intruder`, `mesh/multiplication`: a pod by variant and workload, as `./lab pods` lists them. */
export function podNamed(name: string): Pod {
  const [variant, workload] = name.split('/');
  const pod = PODS_OF[variant ?? '']?.find((p) => p.workload === workload);
  if (!pod) {
    const names = VARIANTS.flatMap((v) => PODS_OF[v.name]!.map((p) => `${p.variant}/${p.workload}`)).join(', ');
    const namespaces = [...new Set(VARIANTS.map((v) => v.namespace))].join(', ');
    throw new LabError('USAGE', `no pod named ${name}: use <variant>/<pod>, one of ${names} (namespaces ${namespaces})`);
  }
  return pod;
}

export interface RunningProcess {
  pid: number;
  argv: string[];
  env: Record<string, string>;
  user: WorkloadUser;
}

/** The processes living in a pod, from /proc (each pid is the program itself: `ip netns exec` and setpriv exec it). */
export function processesIn(pod: Pod): RunningProcess[] {
  const pids = (trySh('ip', ['netns', 'pids', pod.ns]) ?? '').split('\n').filter(Boolean).map(Number);
  return pids.flatMap((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const env = Object.fromEntries(
        readFileSync(`/proc/${pid}/environ`, 'utf8')
          .split('\0')
          .filter((kv) => kv.includes('='))
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      );
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const user = { uid: Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]), gid: Number(/^Gid:\s+(\d+)/m.exec(status)?.[1]) };
      return [{ pid, argv, env, user }];
    } catch {
      return []; // gone meanwhile
    }
  });
}

/** Waits until a process has exited: SIGTERM first, SIGKILL after timeoutMs. */
export async function stopProcess(pid: number, timeoutMs = 10_000): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (alive()) {
    if (Date.now() > deadline) process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 50));
  }
}
