// A scenario in the cluster as the paired method sees it: its client pod's generator, driven over
// HTTP from the Job, and a reading of every cost: each sidecar's own CPU from its metrics endpoint
// (through the API server's pod proxy), the target app's from its /proc (through exec), the
// generator's from itself.
import { type BenchScenario, cpuMsOfStat, type GeneratorCpu, type LoadResult, type Sample, type Scenario, type Slice, switchesOfStatus } from '@calc/bench';
import { processStats } from '@calc/probe-matrix';
import type { Cluster } from '../cluster.js';
import type { Reading } from './plan.js';

/** `cat /proc/1/stat; cat /proc/1/task/*\/status` of the app: its CPU ms, context switches (all threads) and peak memory (VmHWM). */
export function procReading(text: string): { cpuMs: number; contextSwitches: number; peakMb: number } {
  const stat = text.slice(0, text.indexOf('\n'));
  const cpuMs = cpuMsOfStat(stat);
  if (!Number.isFinite(cpuMs)) throw new Error(`not a /proc/<pid>/stat line: ${stat.slice(0, 80)}`);
  const peakMb = Number(/^VmHWM:\s+(\d+) kB$/m.exec(text)?.[1] ?? Number.NaN) / 1024;
  return { cpuMs, contextSwitches: switchesOfStatus(text), peakMb };
}

export const PROC_COMMAND = ['sh', '-c', 'cat /proc/1/stat; cat /proc/1/task/*/status'];

async function post(url: string, body: unknown, timeoutMs: number): Promise<Response> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return res;
}

/** Each process's memory, MB: the app's peak from /proc, each sidecar's resident memory now (its metrics give no peak). */
export async function memoryOf(cluster: Cluster, namespace: string, readings: readonly Reading[]): Promise<Record<string, number>> {
  const each = await Promise.all(
    readings.map(async (r) =>
      'proc' in r
        ? procReading(await cluster.run(namespace, r.pod, r.container, PROC_COMMAND)).peakMb
        : (processStats(await cluster.metrics(namespace, r.pod, r.port))?.residentBytes ?? Number.NaN) / 2 ** 20,
    ),
  );
  return Object.fromEntries(readings.map((r, i) => [r.role, each[i]!]));
}

export function clusterScenario(cluster: Cluster, scenario: Scenario, namespace: string, clientIp: string, readings: readonly Reading[], controlPort: number): BenchScenario {
  const control = `http://${clientIp}:${controlPort}`;
  const readOne = async (r: Reading): Promise<{ role: string; cpuMs: number; contextSwitches?: number }> => {
    if ('proc' in r) {
      const { cpuMs, contextSwitches } = procReading(await cluster.run(namespace, r.pod, r.container, PROC_COMMAND));
      return { role: r.role, cpuMs, contextSwitches };
    }
    const stats = processStats(await cluster.metrics(namespace, r.pod, r.port));
    if (!stats) throw new Error(`${namespace}/${r.pod} ${r.container}: no process_cpu_seconds_total on :${r.port}/metrics`);
    return { role: r.role, cpuMs: stats.cpuSeconds * 1000 };
  };
  return {
    scenario,
    // The generator sends to its own LOADGEN_TARGET; this URL is for the records.
    url: control,
    run: async (slice: Slice) => (await (await post(`${control}/slice`, slice, 300_000)).json()) as LoadResult,
    sample: async (): Promise<Sample> => {
      const [generator, ...each] = await Promise.all([
        fetch(`${control}/cpu`, { signal: AbortSignal.timeout(30_000) }).then((r) => r.json() as Promise<GeneratorCpu>),
        ...readings.map(readOne),
      ]);
      return {
        cpuMs: Object.fromEntries(each.map((e) => [e.role, e.cpuMs])),
        contextSwitches: Object.fromEntries(each.filter((e) => e.contextSwitches !== undefined).map((e) => [e.role, e.contextSwitches!])),
        generatorCpuMs: generator.cpuMs,
      };
    },
  };
}
