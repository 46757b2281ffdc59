import type { Variant } from '@calc/core';
import type { ClaimId } from './claims.js';
import { LINKERD } from './linkerd.js';

export type { Variant };

/** The ports daprd listens on, as the Kubernetes injector sets them: the APIs (loopback only), sidecar-to-sidecar mTLS, metrics. */
export const DAPR_HTTP_PORT = 3500;
export const DAPR_GRPC_PORT = 50001;
export const DAPR_INTERNAL_GRPC_PORT = 50002;
export const DAPR_METRICS_PORT = 9090;

/**
 * How a caller reaches the target:
 * - `dapr-sidecar`: through the caller's own daprd, POST /v1.0/invoke/<target>/method/<path>
 * - `pod-ip`: straight to the target pod's IP and app port
 * - `service`: to the target's Service address (mesh: intercepted by the caller's proxy if meshed)
 * - `dapr-internal`: a TLS handshake with the target's daprd internal gRPC port, with no client certificate
 */
export type Route = 'dapr-sidecar' | 'pod-ip' | 'service' | 'dapr-internal';

/**
 * What a probe should observe: an HTTP status (with the error code of a JSON body, or an empty body),
 * or a connection outcome.
 */
export type Expected = { status: number; code?: string; emptyBody?: true } | { outcome: 'refused' | 'tls-rejected' };

export interface Probe {
  id: string;
  variant: Variant;
  /** Workload the request starts from ("intruder" has no sidecar). */
  caller: string;
  route: Route;
  /** Workload that receives it. */
  target: string;
  method: 'GET' | 'POST';
  /** App route, e.g. /multiply. */
  path: string;
  expected: Expected;
  claim: ClaimId;
  /** A gap worth reporting rather than a property the article asserts. */
  finding?: boolean;
}

const MULTIPLY = { method: 'POST', path: '/multiply' } as const;
const DENIED_BY_DAPR = { status: 403, code: 'ERR_DIRECT_INVOKE' } as const;
/** Linkerd's denial as the calling app sees it: 403 with nothing in it (see linkerd.ts). */
const DENIED_BY_MESH = { status: LINKERD.httpDenial.status, emptyBody: true } as const;

/**
 * The probe matrix. Target: multiplication; policy: only mathfanboy and percentage may call it.
 * Extra workloads beside multiplication carry one change each: `multiplication-loopback` (app bound
 * to 127.0.0.1), `multiplication-token` (Dapr app API token), `multiplication-nopolicy` (mesh, no policy).
 */
// biome-ignore format: the matrix reads as a table, one row per line
export const PROBES: readonly Probe[] = [
  // Dapr: the policy works on the Dapr route…
  { id: 'dapr-percentage-sidecar', variant: 'dapr', caller: 'percentage', route: 'dapr-sidecar', target: 'multiplication', ...MULTIPLY, expected: { status: 200 }, claim: 'dapr-acl-allows' },
  { id: 'dapr-mathfanboy-sidecar', variant: 'dapr', caller: 'mathfanboy', route: 'dapr-sidecar', target: 'multiplication', ...MULTIPLY, expected: { status: 200 }, claim: 'dapr-acl-allows' },
  { id: 'dapr-addition-sidecar', variant: 'dapr', caller: 'addition', route: 'dapr-sidecar', target: 'multiplication', ...MULTIPLY, expected: DENIED_BY_DAPR, claim: 'dapr-acl-denies' },
  // …and not off it.
  { id: 'dapr-addition-pod-ip', variant: 'dapr', caller: 'addition', route: 'pod-ip', target: 'multiplication', ...MULTIPLY, expected: { status: 200 }, claim: 'dapr-bypass' },
  { id: 'dapr-intruder-pod-ip', variant: 'dapr', caller: 'intruder', route: 'pod-ip', target: 'multiplication', ...MULTIPLY, expected: { status: 200 }, claim: 'dapr-bypass' },
  { id: 'dapr-intruder-internal-grpc', variant: 'dapr', caller: 'intruder', route: 'dapr-internal', target: 'multiplication', ...MULTIPLY, expected: { outcome: 'tls-rejected' }, claim: 'dapr-internal-mtls' },
  // Two ways to close the bypass, each keeping the Dapr route open.
  { id: 'dapr-intruder-pod-ip-loopback', variant: 'dapr', caller: 'intruder', route: 'pod-ip', target: 'multiplication-loopback', ...MULTIPLY, expected: { outcome: 'refused' }, claim: 'mitigation-loopback' },
  { id: 'dapr-mathfanboy-sidecar-loopback', variant: 'dapr', caller: 'mathfanboy', route: 'dapr-sidecar', target: 'multiplication-loopback', ...MULTIPLY, expected: { status: 200 }, claim: 'mitigation-loopback' },
  { id: 'dapr-intruder-pod-ip-token', variant: 'dapr', caller: 'intruder', route: 'pod-ip', target: 'multiplication-token', ...MULTIPLY, expected: { status: 401, code: 'UNAUTHORIZED' }, claim: 'mitigation-app-token' },
  { id: 'dapr-addition-pod-ip-token', variant: 'dapr', caller: 'addition', route: 'pod-ip', target: 'multiplication-token', ...MULTIPLY, expected: { status: 401, code: 'UNAUTHORIZED' }, claim: 'mitigation-app-token' },
  { id: 'dapr-mathfanboy-sidecar-token', variant: 'dapr', caller: 'mathfanboy', route: 'dapr-sidecar', target: 'multiplication-token', ...MULTIPLY, expected: { status: 200 }, claim: 'mitigation-app-token' },

  // Mesh: the policy holds on every route.
  { id: 'mesh-percentage-service', variant: 'mesh', caller: 'percentage', route: 'service', target: 'multiplication', ...MULTIPLY, expected: { status: 200 }, claim: 'mesh-allows' },
  { id: 'mesh-percentage-pod-ip', variant: 'mesh', caller: 'percentage', route: 'pod-ip', target: 'multiplication', ...MULTIPLY, expected: { status: 200 }, claim: 'mesh-allows' },
  { id: 'mesh-mathfanboy-service', variant: 'mesh', caller: 'mathfanboy', route: 'service', target: 'multiplication', ...MULTIPLY, expected: { status: 200 }, claim: 'mesh-allows' },
  { id: 'mesh-mathfanboy-pod-ip', variant: 'mesh', caller: 'mathfanboy', route: 'pod-ip', target: 'multiplication', ...MULTIPLY, expected: { status: 200 }, claim: 'mesh-allows' },
  { id: 'mesh-addition-service', variant: 'mesh', caller: 'addition', route: 'service', target: 'multiplication', ...MULTIPLY, expected: DENIED_BY_MESH, claim: 'mesh-denies-meshed' },
  { id: 'mesh-addition-pod-ip', variant: 'mesh', caller: 'addition', route: 'pod-ip', target: 'multiplication', ...MULTIPLY, expected: DENIED_BY_MESH, claim: 'mesh-denies-meshed' },
  { id: 'mesh-intruder-service', variant: 'mesh', caller: 'intruder', route: 'service', target: 'multiplication', ...MULTIPLY, expected: DENIED_BY_MESH, claim: 'mesh-denies-unmeshed' },
  { id: 'mesh-intruder-pod-ip', variant: 'mesh', caller: 'intruder', route: 'pod-ip', target: 'multiplication', ...MULTIPLY, expected: DENIED_BY_MESH, claim: 'mesh-denies-unmeshed' },
  { id: 'mesh-intruder-pod-ip-nopolicy', variant: 'mesh', caller: 'intruder', route: 'pod-ip', target: 'multiplication-nopolicy', ...MULTIPLY, expected: { status: 200 }, claim: 'mesh-default-open' },
  { id: 'mesh-intruder-probe-path', variant: 'mesh', caller: 'intruder', route: 'pod-ip', target: 'multiplication', method: 'GET', path: '/readyz', expected: { status: 200 }, claim: 'mesh-probe-gap', finding: true },
];

/** Every workload a probe names, per variant: what a platform must run for the matrix. */
export function workloadsOf(variant: Variant): string[] {
  const names = PROBES.filter((p) => p.variant === variant).flatMap((p) => [p.caller, p.target]);
  return [...new Set(names)].sort();
}
