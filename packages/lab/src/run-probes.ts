import { judge, PROBES, type Probe, type Verdict } from '@calc/probe-matrix';
import { DAPR_HTTP_PORT, DAPR_INTERNAL_GRPC_PORT } from './dapr-variant.js';
import type { PodRuntime } from './pods.js';
import { APP_PORT, meshServiceOf, podOf } from './topology.js';

const BODY = { op1: 6, op2: 7 };

/** What the probe script must do, inside the caller's pod, for one row of the matrix on the local lab. */
export function probeSpec(probe: Probe): object {
  const target = podOf(probe.variant, probe.target);
  const body = probe.method === 'POST' ? BODY : undefined;
  switch (probe.route) {
    case 'dapr-sidecar':
      return { kind: 'http', method: probe.method, body, url: `http://127.0.0.1:${DAPR_HTTP_PORT}/v1.0/invoke/${probe.target}/method${probe.path}` };
    case 'pod-ip':
      return { kind: 'http', method: probe.method, body, url: `http://${target.ip}:${APP_PORT}${probe.path}` };
    case 'service': {
      const service = meshServiceOf(probe.target);
      return { kind: 'http', method: probe.method, body, url: `http://${service.host}:${service.port}${probe.path}` };
    }
    case 'dapr-internal':
      return { kind: 'tls', host: target.ip, port: DAPR_INTERNAL_GRPC_PORT };
  }
}

/** Runs every row of the matrix from inside its caller's pod, a few at a time, in matrix order. */
export async function runProbes(runtime: PodRuntime, concurrency = 4): Promise<Verdict[]> {
  const verdicts: Verdict[] = new Array(PROBES.length);
  let next = 0;
  const worker = async () => {
    while (next < PROBES.length) {
      const i = next++;
      const probe = PROBES[i]!;
      const observed = await runtime.probe(podOf(probe.variant, probe.caller), probeSpec(probe));
      verdicts[i] = judge(probe, observed);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return verdicts;
}
