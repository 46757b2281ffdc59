#!/usr/bin/env node
// ./lab top inside the kind cluster (make kind-top runs it from the e2e image with the e2e's service
// account): every second, what each daprd and each linkerd-proxy of the lab's pods saw, read from
// their own metrics through the API server's pod proxy (RBAC: pods list, pods/proxy get; no Linkerd
// CLI, no viz, no Prometheus). --once prints one frame and exits.
import { parseArgs } from 'node:util';
import { topInterval, type TopReading, watchTop } from '@calc/probe-matrix';
import { Cluster } from '../cluster.js';
import { readingOf, TOP_NAMESPACES, topTargets } from './plan.js';

const USAGE = `usage: node dist/top/cli.js [--once] [--interval SECONDS]   (make kind-top; ONCE=1 for --once)

Every interval (1 s by default, 0.2 to 60), what each sidecar of the kind lab's pods saw
(${TOP_NAMESPACES.join(', ')}): requests per second, success rate, denials, latency where the sidecar
measures it. --once waits one interval and prints one frame. Exit 0 ok, 2 bad usage, 3 could not read.`;

/** Every sidecar's reading, through the API server's pod proxy. */
async function read(cluster: Cluster): Promise<{ readings: TopReading[]; problems: string[] }> {
  // A namespace it may not read (not deployed: no RoleBinding there) is named under the frame.
  const listed = await Promise.allSettled(TOP_NAMESPACES.map((ns) => cluster.runningPods(ns)));
  const pods = listed.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
  const unread = listed.flatMap((r, i) => (r.status === 'rejected' ? [`${TOP_NAMESPACES[i]}: its pods could not be listed (not deployed here, or no access)`] : []));
  const { targets, problems } = topTargets(pods as Parameters<typeof topTargets>[0]);
  // A sidecar that does not answer (its pod restarting) is named under the frame, not fatal.
  const settled = await Promise.allSettled(targets.map(async (t) => readingOf(t, await cluster.metrics(t.namespace, t.pod, t.port))));
  return {
    readings: settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    problems: [
      ...unread,
      ...problems,
      ...settled.flatMap((r, i) => (r.status === 'rejected' ? [`${targets[i]!.namespace}/${targets[i]!.pod} ${targets[i]!.sidecar}: ${(r.reason as Error).message}`] : [])),
    ],
  };
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: { once: { type: 'boolean' }, interval: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    process.stderr.write(`top: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const interval = topInterval(values.interval);
  if (typeof interval !== 'number') {
    process.stderr.write(`top: ${interval.error}\n${USAGE}\n`);
    return 2;
  }
  const cluster = new Cluster();
  await watchTop(() => read(cluster), { once: values.once === true, interval, title: 'the kind lab, read in the cluster' });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`top: could not read the cluster's sidecars: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(3);
  },
);
