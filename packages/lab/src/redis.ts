// Redis in the lab: Debian's redis-server, the TCP workload percentage counts its calls in.
import { PERCENTAGE_CALLS_KEY as CALLS_KEY } from '@calc/core';
import { REDIS_PORT, type Variant } from '@calc/probe-matrix';
import type { PodRuntime } from './pods.js';
import { trySh } from './shell.js';
import { serviceOf, type Pod } from './topology.js';

/** What percentage is given as REDIS_URL: the Service name, as on Kubernetes. */
export function redisUrlOf(variant: Variant): string {
  const service = serviceOf(variant, 'redis');
  return `redis://${service.host}:${service.port}`;
}

/**
 * Starts redis-server in its pod as the workload user and waits for it. Every interface, no
 * password and no protected mode (as the `redis` image runs it): who may connect is the network's
 * business, which is the point of the layer-4 rows. Nothing is saved to disk.
 */
export async function startRedis(runtime: PodRuntime<Pod>, pod: Pod): Promise<void> {
  runtime.start(pod, 'redis', ['redis-server', '--port', String(REDIS_PORT), '--bind', '0.0.0.0', '--protected-mode', 'no', '--save', '', '--appendonly', 'no', '--dir', '/tmp']);
  await runtime.waitForListening(pod, [REDIS_PORT], 'redis');
}

/** percentage's count, read inside the Redis pod over loopback (no proxy on that path). */
export function callsCounted(pod: Pod): number | undefined {
  const answer = trySh('ip', ['netns', 'exec', pod.ns, 'redis-cli', '-h', '127.0.0.1', '-p', String(REDIS_PORT), 'GET', CALLS_KEY]);
  const count = Number(answer?.trim());
  return answer === undefined || !Number.isFinite(count) ? undefined : count;
}
