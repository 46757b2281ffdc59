import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { countingSidecarOf, DAPR_METRICS_PORT, daprdStats, daprdTop, processStats, type SidecarCounts, type SidecarStats, type TopReading, VARIANTS } from '@calc/probe-matrix';
import { appResponseMs, frontendsOf, INBOUND_FRONTENDS, showStat, sumOver, type FrontendStats } from './mesh-proxy.js';
import { statsSocketOf } from './mesh-variant.js';
import { LabError } from './errors.js';
import { PODS_OF, type Pod } from './topology.js';

const run = promisify(execFile);
const servicePods = (pods: Pod[]) => pods.filter((p) => p.sidecar && p.service !== undefined);

/**
 * daprd's metrics, scraped from its metrics port inside the pod (as Prometheus would), with curl:
 * ./lab top reads every daprd each second, and a Node process per pod would take most of that second.
 */
async function daprdMetrics(pod: Pod): Promise<string> {
  try {
    const { stdout } = await run('ip', ['netns', 'exec', pod.ns, 'curl', '-sf', '--max-time', '3', `http://127.0.0.1:${DAPR_METRICS_PORT}/metrics`], { maxBuffer: 16 << 20 });
    return stdout;
  } catch (error) {
    throw new LabError('COMMAND_FAILED', `could not read daprd's metrics in ${pod.ns}: ${(error as Error).message.split('\n')[0]}`);
  }
}

async function daprdOf(pod: Pod): Promise<SidecarStats> {
  const text = await daprdMetrics(pod);
  const process = processStats(text);
  return { variant: pod.variant, service: pod.workload, sidecar: 'daprd', ...daprdStats(text), ...(process ? { process } : {}) };
}

const PROXY = 'HAProxy (stand-in)';

/** The stand-in proxy's inbound counts, from its statistics. */
function proxyCounts(rows: Array<Record<string, string>>): SidecarCounts {
  // Where requests from other pods arrive: the app's HTTP port, with an identity and without.
  const total = (pick: (f: FrontendStats) => number) => sumOver(frontendsOf(rows), INBOUND_FRONTENDS.http, pick);
  // HAProxy's req_tot counts the requests its policy denied too, as SidecarStats.requests wants.
  return { requests: total((f) => f.requests), failures: total((f) => f.responses['5xx']), denials: total((f) => f.denied) };
}

async function proxyOf(workDir: string, pod: Pod): Promise<SidecarStats> {
  const rows = await showStat(statsSocketOf(workDir, pod.workload, pod.variant));
  return { variant: pod.variant, service: pod.workload, sidecar: PROXY, ...proxyCounts(rows) };
}

/** Each service's pod, and whether daprd counts it: daprd wherever Dapr is (with the mesh too, the mesh's own view is mesh-view.ts), else the proxy. */
const countedPods = (): Array<{ pod: Pod; byDaprd: boolean }> =>
  VARIANTS.flatMap((v) => servicePods(PODS_OF[v.name]!).map((pod) => ({ pod, byDaprd: countingSidecarOf(v) === 'daprd' })));

/** Every service's sidecar counts, in topology order. */
export function readSidecarStats(workDir: string): Promise<SidecarStats[]> {
  return Promise.all(countedPods().map(({ pod, byDaprd }) => (byDaprd ? daprdOf(pod) : proxyOf(workDir, pod))));
}

/** One service's reading for ./lab top: its sidecar's counts and latency (daprd's histogram, HAProxy's average). */
async function topReadingOf(workDir: string, pod: Pod, byDaprd: boolean): Promise<TopReading> {
  if (byDaprd) return { variant: pod.variant, service: pod.workload, sidecar: 'daprd', ...daprdTop(await daprdMetrics(pod)) };
  const rows = await showStat(statsSocketOf(workDir, pod.workload, pod.variant));
  const average = appResponseMs(rows);
  return { variant: pod.variant, service: pod.workload, sidecar: PROXY, ...proxyCounts(rows), ...(average === undefined ? {} : { latency: { kind: 'average', ms: average } }) };
}

/** What ./lab top reads of every service's sidecar; one that does not answer (a daprd restarting) is named, not fatal. */
export async function readTopReadings(workDir: string): Promise<{ readings: TopReading[]; problems: string[] }> {
  const settled = await Promise.allSettled(countedPods().map(({ pod, byDaprd }) => topReadingOf(workDir, pod, byDaprd)));
  return {
    readings: settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    problems: settled.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : [])),
  };
}
