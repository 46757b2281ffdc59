import type { ClaimId } from './claims.js';
import { LINKERD } from './linkerd.js';
import type { Mesh } from './mesh.js';
import type { Variant } from './variants.js';

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
 * - `redis`: plain TCP to the target pod's IP and Redis port, a `PING` in Redis's protocol (layer 4: no HTTP)
 */
export type Route = 'dapr-sidecar' | 'pod-ip' | 'service' | 'dapr-internal' | 'redis';

/** The port Redis, the lab's TCP workload (a self-hosted store, as the article's "databases, message brokers"), listens on. */
export const REDIS_PORT = 6379;

/**
 * What a probe should observe: an HTTP status (with the error code of a JSON body, or an empty body),
 * or a connection outcome.
 */
export type Expected =
  | { status: number; code?: string; emptyBody?: true }
  | { outcome: 'refused' | 'tls-rejected' | 'closed' }
  /** A TCP answer, e.g. Redis's `+PONG`. */
  | { answer: string };

export interface Probe {
  id: string;
  variant: Variant;
  /** Workload the request starts from ("intruder" has no sidecar). */
  caller: string;
  route: Route;
  /** Workload that receives it. */
  target: string;
  /** The HTTP method, or PING: a Redis command over plain TCP (route `redis`). */
  method: 'GET' | 'POST' | 'PING';
  /** App route, e.g. /multiply ('' for a TCP probe). */
  path: string;
  /** The POST body, when not PROBE_BODY. */
  body?: { op1: number; op2: number };
  expected: Expected;
  claim: ClaimId;
  /** A gap worth reporting rather than a property the article asserts. */
  finding?: boolean;
  /** Runs in the local lab only (says why): kind cannot run it. */
  localOnly?: string;
}

/**
 * Who may call whom: the article's policy on multiplication, the call graph's on percentage (only
 * MathFanBoy calls it), and the mesh's TCP policy on Redis (only percentage uses it). Every platform's
 * policies (the lab's Configurations and proxies, the kind manifests) say the same.
 */
export const ALLOWED_CALLERS = {
  multiplication: ['mathfanboy', 'percentage'],
  percentage: ['mathfanboy'],
  redis: ['percentage'],
} as const satisfies Record<string, readonly string[]>;

const MULTIPLY = { method: 'POST', path: '/multiply' } as const;
/**
 * Operands whose product overflows: multiplication answers 422 RESULT_NOT_FINITE and percentage passes
 * that on. So the answer of a call to percentage says that multiplication was reached and computed.
 */
const THROUGH_PERCENTAGE = { method: 'POST', path: '/percentage', body: { op1: 1e300, op2: 1e300 } } as const;
const MULTIPLICATION_ANSWERED = { status: 422, code: 'RESULT_NOT_FINITE' } as const;
const PING = { method: 'PING', path: '' } as const;
const PONG = { answer: '+PONG' } as const;
const DENIED_BY_DAPR = { status: 403, code: 'ERR_DIRECT_INVOKE' } as const;
/** A mesh's denial as the calling app sees it: Linkerd's is 403 with nothing in it (see linkerd.ts). */
export function deniedByMesh(mesh: Mesh): Expected {
  return mesh.httpDenial.body === '' ? { status: mesh.httpDenial.status, emptyBody: true } : { status: mesh.httpDenial.status };
}
const DENIED_BY_MESH = deniedByMesh(LINKERD);
/**
 * A call through daprd that the mesh denies on daprd's gRPC port: the proxy answers gRPC's
 * PERMISSION_DENIED, as Linkerd does for gRPC (see linkerd.ts), and the calling daprd turns it into
 * this for its app (the same answer as its own ACL's denial).
 */
const DENIED_BY_MESH_GRPC = { status: 403, code: 'ERR_DIRECT_INVOKE' } as const;
/** A mesh's denial of opaque TCP: Linkerd accepts the connection, then cuts it off unread, usually a reset (see linkerd.ts). */
export function closedByMesh(mesh: Mesh): Expected {
  return { outcome: mesh.tcpDenial };
}
const CLOSED_BY_MESH = closedByMesh(LINKERD);

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
  // The whole call graph: percentage may call multiplication, so whoever reaches percentage reaches multiplication.
  // A Dapr policy on percentage too holds on the Dapr route only.
  { id: 'dapr-mathfanboy-sidecar-percentage', variant: 'dapr', caller: 'mathfanboy', route: 'dapr-sidecar', target: 'percentage', ...THROUGH_PERCENTAGE, expected: MULTIPLICATION_ANSWERED, claim: 'call-graph-dapr-open' },
  { id: 'dapr-addition-sidecar-percentage', variant: 'dapr', caller: 'addition', route: 'dapr-sidecar', target: 'percentage', ...THROUGH_PERCENTAGE, expected: DENIED_BY_DAPR, claim: 'call-graph-dapr-open' },
  { id: 'dapr-intruder-pod-ip-deputy', variant: 'dapr', caller: 'intruder', route: 'pod-ip', target: 'percentage', ...THROUGH_PERCENTAGE, expected: MULTIPLICATION_ANSWERED, claim: 'call-graph-dapr-open', finding: true },
  // Layer 4: Redis, the TCP store percentage uses. Dapr has no say over it.
  { id: 'dapr-intruder-redis', variant: 'dapr', caller: 'intruder', route: 'redis', target: 'redis', ...PING, expected: PONG, claim: 'l4-dapr-out-of-scope' },
  { id: 'dapr-addition-redis', variant: 'dapr', caller: 'addition', route: 'redis', target: 'redis', ...PING, expected: PONG, claim: 'l4-dapr-out-of-scope' },

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
  // The call graph: the deputy with no policy of its own, then percentage with one.
  { id: 'mesh-intruder-pod-ip-deputy', variant: 'mesh', caller: 'intruder', route: 'pod-ip', target: 'percentage-nopolicy', ...THROUGH_PERCENTAGE, expected: MULTIPLICATION_ANSWERED, claim: 'call-graph-deputy', finding: true },
  { id: 'mesh-mathfanboy-service-percentage', variant: 'mesh', caller: 'mathfanboy', route: 'service', target: 'percentage', ...THROUGH_PERCENTAGE, expected: MULTIPLICATION_ANSWERED, claim: 'call-graph-mesh-closed' },
  { id: 'mesh-intruder-service-percentage', variant: 'mesh', caller: 'intruder', route: 'service', target: 'percentage', ...THROUGH_PERCENTAGE, expected: DENIED_BY_MESH, claim: 'call-graph-mesh-closed' },
  { id: 'mesh-intruder-pod-ip-percentage', variant: 'mesh', caller: 'intruder', route: 'pod-ip', target: 'percentage', ...THROUGH_PERCENTAGE, expected: DENIED_BY_MESH, claim: 'call-graph-mesh-closed' },
  { id: 'mesh-addition-pod-ip-percentage', variant: 'mesh', caller: 'addition', route: 'pod-ip', target: 'percentage', ...THROUGH_PERCENTAGE, expected: DENIED_BY_MESH, claim: 'call-graph-mesh-closed' },
  // Layer 4: the mesh authorizes the connection, and closes anyone else's.
  { id: 'mesh-percentage-redis', variant: 'mesh', caller: 'percentage', route: 'redis', target: 'redis', ...PING, expected: PONG, claim: 'l4-mesh' },
  { id: 'mesh-addition-redis', variant: 'mesh', caller: 'addition', route: 'redis', target: 'redis', ...PING, expected: CLOSED_BY_MESH, claim: 'l4-mesh' },
  { id: 'mesh-intruder-redis', variant: 'mesh', caller: 'intruder', route: 'redis', target: 'redis', ...PING, expected: CLOSED_BY_MESH, claim: 'l4-mesh' },

  // Dapr and the mesh together (Dapr's mTLS off): both sidecars carry the calls, the mesh decides.
  { id: 'dapr-mesh-mathfanboy-sidecar', variant: 'dapr-mesh', caller: 'mathfanboy', route: 'dapr-sidecar', target: 'multiplication', ...MULTIPLY, expected: { status: 200 }, claim: 'combined-works' },
  { id: 'dapr-mesh-percentage-sidecar', variant: 'dapr-mesh', caller: 'percentage', route: 'dapr-sidecar', target: 'multiplication', ...MULTIPLY, expected: { status: 200 }, claim: 'combined-works' },
  { id: 'dapr-mesh-mathfanboy-sidecar-percentage', variant: 'dapr-mesh', caller: 'mathfanboy', route: 'dapr-sidecar', target: 'percentage', ...THROUGH_PERCENTAGE, expected: MULTIPLICATION_ANSWERED, claim: 'combined-works' },
  { id: 'dapr-mesh-addition-sidecar', variant: 'dapr-mesh', caller: 'addition', route: 'dapr-sidecar', target: 'multiplication', ...MULTIPLY, expected: DENIED_BY_MESH_GRPC, claim: 'combined-mesh-enforces' },
  { id: 'dapr-mesh-addition-pod-ip', variant: 'dapr-mesh', caller: 'addition', route: 'pod-ip', target: 'multiplication', ...MULTIPLY, expected: DENIED_BY_MESH, claim: 'combined-bypass-closed' },
  { id: 'dapr-mesh-intruder-pod-ip', variant: 'dapr-mesh', caller: 'intruder', route: 'pod-ip', target: 'multiplication', ...MULTIPLY, expected: DENIED_BY_MESH, claim: 'combined-bypass-closed' },
  { id: 'dapr-mesh-intruder-pod-ip-deputy', variant: 'dapr-mesh', caller: 'intruder', route: 'pod-ip', target: 'percentage', ...THROUGH_PERCENTAGE, expected: DENIED_BY_MESH, claim: 'combined-bypass-closed' },
  { id: 'dapr-mesh-intruder-redis', variant: 'dapr-mesh', caller: 'intruder', route: 'redis', target: 'redis', ...PING, expected: CLOSED_BY_MESH, claim: 'combined-bypass-closed' },
  { id: 'dapr-mesh-mathfanboy-sidecar-acl', variant: 'dapr-mesh', caller: 'mathfanboy', route: 'dapr-sidecar', target: 'multiplication-acl', ...MULTIPLY, expected: DENIED_BY_DAPR, claim: 'combined-acl-blind' },
  { id: 'dapr-mesh-percentage-sidecar-daprmtls', variant: 'dapr-mesh', caller: 'percentage-daprmtls', route: 'dapr-sidecar', target: 'multiplication-daprmtls', ...MULTIPLY, expected: { status: 200 }, claim: 'combined-dapr-mtls-opaque', localOnly: "Dapr's mTLS is one cluster-wide setting on Kubernetes: kind cannot run it on for two pods and off for the others" },
];

/** Every workload a probe names, per variant: what a platform must run for the matrix. */
export function workloadsOf(variant: Variant): string[] {
  const names = PROBES.filter((p) => p.variant === variant).flatMap((p) => [p.caller, p.target]);
  return [...new Set(names)].sort();
}
