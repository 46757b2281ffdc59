import { DAPR_HTTP_PORT, DAPR_INTERNAL_GRPC_PORT, REDIS_PORT, type Probe } from './matrix.js';
import type { Variant } from './variants.js';

/** What every POST probe sends: two operands multiplication accepts. */
export const PROBE_BODY = { op1: 6, op2: 7 } as const;

/**
 * How one platform (the local lab, kind) names what a probe reaches. The matrix and probeSpec are
 * the same for every platform; only this differs, so the platforms cannot drift apart.
 */
export interface Addressing {
  /** The port the apps listen on inside their pods. */
  appPort: number;
  /** The target pod's IP (a placeholder such as `__IP__` for a printed plan). */
  podIpOf(variant: Variant, workload: string): string;
  /** The target's Service address, as the caller dials it. */
  serviceOf(variant: Variant, workload: string): { host: string; port: number };
}

export type ProbeSpec =
  | { kind: 'http'; method: 'GET' | 'POST'; url: string; body?: NonNullable<Probe['body']> }
  | { kind: 'tls'; host: string; port: number }
  | { kind: 'tcp'; host: string; port: number; send: string };

/** Whether a route dials the target's pod IP (a platform must look it up first). */
export function dialsPodIp(route: Probe['route']): boolean {
  return route === 'pod-ip' || route === 'dapr-internal' || route === 'redis';
}

/** What the probe script must do, inside the caller's pod, for one row of the matrix on one platform. */
export function probeSpec(probe: Probe, at: Addressing): ProbeSpec {
  const method = probe.method === 'GET' ? 'GET' : 'POST';
  const http = (url: string): ProbeSpec => ({ kind: 'http', method, url, ...(method === 'POST' ? { body: probe.body ?? PROBE_BODY } : {}) });
  switch (probe.route) {
    case 'dapr-sidecar':
      return http(`http://127.0.0.1:${DAPR_HTTP_PORT}/v1.0/invoke/${probe.target}/method${probe.path}`);
    case 'pod-ip':
      return http(`http://${at.podIpOf(probe.variant, probe.target)}:${at.appPort}${probe.path}`);
    case 'service': {
      const service = at.serviceOf(probe.variant, probe.target);
      return http(`http://${service.host}:${service.port}${probe.path}`);
    }
    case 'dapr-internal':
      return { kind: 'tls', host: at.podIpOf(probe.variant, probe.target), port: DAPR_INTERNAL_GRPC_PORT };
    case 'redis':
      // Redis's inline command form: one line, answered with `+PONG`.
      return { kind: 'tcp', host: at.podIpOf(probe.variant, probe.target), port: REDIS_PORT, send: `${probe.method}\r\n` };
  }
}
