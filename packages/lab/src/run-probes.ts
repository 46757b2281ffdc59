import { judge, PROBES, probeSpec, type Addressing, type Verdict } from '@calc/probe-matrix';
import type { PodRuntime } from './pods.js';
import { APP_PORT, podOf, serviceOf } from './topology.js';

/** The local lab's addresses: namespaces on a bridge, Service VIPs DNAT-ed as kube-proxy would. */
export const LOCAL_ADDRESSING: Addressing = {
  appPort: APP_PORT,
  podIpOf: (variant, workload) => podOf(variant, workload).ip,
  serviceOf,
};

/** Runs every row of the matrix from inside its caller's pod, a few at a time, in matrix order. */
export async function runProbes(runtime: PodRuntime, concurrency = 4): Promise<Verdict[]> {
  const verdicts: Verdict[] = new Array(PROBES.length);
  let next = 0;
  const worker = async () => {
    while (next < PROBES.length) {
      const i = next++;
      const probe = PROBES[i]!;
      const observed = await runtime.probe(podOf(probe.variant, probe.caller), probeSpec(probe, LOCAL_ADDRESSING));
      verdicts[i] = judge(probe, observed);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return verdicts;
}
