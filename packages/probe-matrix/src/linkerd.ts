import type { Mesh } from './mesh.js';
import { parsePrometheus, type Sample, type SidecarCounts } from './sidecar-stats.js';
import { PINNED } from './versions.js';

/**
 * Linkerd's observable behaviour, pinned from its source (linkerd2 edge-26.8.3, linkerd2-proxy
 * v2.366.0): Linkerd can be neither run nor built here, so these facts are the one place the probe
 * matrix, the local HAProxy stand-in and the kind e2e's injection checks take them from.
 */
export const LINKERD = {
  name: 'Linkerd',
  version: PINNED.linkerd,
  proxyVersion: 'v2.366.0',

  /**
   * A policy denial as the calling application sees it: 403, `content-length: 0`, no body, and no
   * `l5d-proxy-error`. The inbound proxy adds that header only when it may emit headers to a meshed
   * peer (linkerd/app/core/src/errors/respond.rs, `http_response` / `emit_headers`), and the
   * caller's outbound proxy removes it before the app sees the response
   * (linkerd/app/outbound/src/http/handle_proxy_error_headers.rs, `update_response`). The denial is
   * counted by the callee's proxy (`inbound_http_authz_deny_total`) and logged there. (A gRPC
   * request is denied the gRPC way instead: HTTP 200, `grpc-status`, in the same file.)
   */
  httpDenial: { status: 403, body: '' },

  /**
   * A denied gRPC request (a `Server` with `proxyProtocol: gRPC`, as daprd's port 50002 is in the
   * combined deployment): HTTP 200, `content-length: 0`, `grpc-status` 7 (PERMISSION_DENIED), and a
   * `grpc-message` for a meshed peer. linkerd/app/inbound/src/http/server.rs, `ServerRescue`: an
   * `HttpRouteUnauthorized` is `permission_denied`; linkerd/app/core/src/errors/respond.rs,
   * `grpc_response`: a gRPC request gets it as a gRPC status.
   */
  grpcDenial: { grpcStatus: 7 },

  /**
   * A policy denial of opaque TCP (a `Server` with `proxyProtocol: opaque`): the inbound proxy
   * accepts the connection and decides at once: on an opaque port it skips protocol detection
   * (linkerd/app/inbound/src/detect.rs: `policy.is_opaque()`, then `check_authorized` with
   * `PortSkipped`) and fails the connection without reading a byte (policy/tcp.rs). A client that
   * had already sent something (Redis's PING) usually sees a **reset**, one that had not a clean
   * close; either way, not "connection refused". The probe calls both `closed`.
   */
  tcpDenial: 'closed',

  /** proxy-init (container `linkerd-init`) rewrites the pod's iptables: it asks for these. */
  proxyInitContainer: 'linkerd-init',
  proxyInitCapabilities: ['NET_ADMIN', 'NET_RAW'],
  proxyContainer: 'linkerd-proxy',

  /** The proxy's ports and user, as proxy-init's rules name them. */
  proxyUid: 2102,
  inboundPort: 4143,
  outboundPort: 4140,
  /** The proxy's admin server, where it serves /metrics (the chart's proxy.ports.admin). */
  adminPort: 4191,

  /** Its identity issuer's trust root, and the identities it issues (linkerd2 charts: identityTrustDomain cluster.local). */
  trustRoot: 'root.linkerd.cluster.local',
  identityOf: (serviceAccount: string, namespace: string) => `${serviceAccount}.${namespace}.serviceaccount.identity.linkerd.cluster.local`,
  inboundStats: linkerdStats,
} as const satisfies Mesh;

/**
 * Linkerd's proxy, inbound (linkerd2 doc/proxy-metrics.md: `request_total` and `response_total` with
 * `direction` and `classification`; linkerd2-proxy linkerd/app/inbound/src/metrics/authz.rs:
 * `inbound_http_authz_deny_total`). Read on kind through the API server's pod proxy, port 4191.
 * `request_total` is counted inside the policy layer, after authorization: a denied request is in
 * `inbound_http_authz_deny_total` only, so it is added here to make `requests` every request seen.
 */
export function linkerdStats(text: string): SidecarCounts {
  const samples = parsePrometheus(text);
  const inbound = (s: Sample) => s.labels.direction === 'inbound';
  const sum = (keep: (s: Sample) => boolean) => samples.filter(keep).reduce((total, s) => total + s.value, 0);
  const denials = sum((s) => s.name === 'inbound_http_authz_deny_total');
  return {
    requests: sum((s) => s.name === 'request_total' && inbound(s)) + denials,
    failures: sum((s) => s.name === 'response_total' && inbound(s) && s.labels.classification === 'failure'),
    denials,
  };
}
