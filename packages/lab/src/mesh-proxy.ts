/**
 * The mesh's sidecar, played by HAProxy: the nat rules the mesh's init container would write, and
 * the HAProxy configuration that plays its proxy, both from the mesh's description (its ports, its
 * proxy's user, its denials; Linkerd's by default). Used by the lab's meshed variants and by the benchmark.
 */
import { STATUS_CODES } from 'node:http';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { VARIANTS, type Mesh } from '@calc/probe-matrix';
import { LabError } from './errors.js';

// The proxy's HTTP ports and user are the mesh's (Linkerd's: outbound 4140, inbound 4143, uid 2102); these are the stand-in's own.
const OUTBOUND_TCP_PORT = 4150;
const INBOUND_TCP_PORT = 4153;
/**
 * Where a meshed caller's proxy sends opaque TCP, with mTLS and the original destination in a PROXY
 * header: the stand-in's Linkerd opaque transport (Linkerd's outbound proxy dials the inbound port its
 * destination service names, with a transport header carrying the original port: linkerd2-proxy
 * linkerd/app/outbound/src/tcp/opaque_transport.rs; here HTTP holds 4143, so a port of its own).
 * The original port then only ever sees callers without an identity, so a policy decides there at
 * accept, as Linkerd does on an opaque port (linkerd2-proxy linkerd/app/inbound/src/detect.rs).
 */
const OPAQUE_TRANSPORT_PORT = 4154;
/** Inbound for gRPC ports (daprd's 50002 with Dapr's mTLS off): HTTP/2 seen request by request. */
const INBOUND_GRPC_PORT = 4163;
/** The users the meshes' proxies run as (Linkerd's: 2102): no workload may run as one. */
export const PROXY_UIDS: readonly number[] = [...new Set(VARIANTS.flatMap((v) => (v.mesh ? [v.mesh.proxyUid] : [])))];

/**
 * The mesh's policy denial, byte for byte what reaches the calling app (Linkerd's: 403 and an empty
 * body). HAProxy sends it as the `errorfile` of `http-request deny`, which also counts the request in
 * the frontend's denied-requests statistic (dreq), as Linkerd's proxy counts its denials.
 */
export function denialResponse(mesh: Mesh): string {
  const { status, body } = mesh.httpDenial;
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Denied'}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}
/**
 * The mesh's denial of a gRPC request (Linkerd's: HTTP 200, gRPC's PERMISSION_DENIED, no body).
 * A file, because HAProxy's own replies drop a content-type when there is no payload.
 */
export function grpcDenialResponse(mesh: Mesh): string {
  return `HTTP/1.1 200 OK\r\ncontent-type: application/grpc\r\ngrpc-status: ${mesh.grpcDenial.grpcStatus}\r\ngrpc-message: unauthorized\r\ncontent-length: 0\r\n\r\n`;
}
/** Readiness and liveness probes reach the app without an identity; Linkerd authorizes them by default. */
const PROBE_PATHS = ['/healthz', '/readyz'];

/** One command on the proxy's runtime API (its statistics socket); resolves with the answer. */
export function proxyCommand(statsSocket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect(statsSocket, () => socket.end(`${command}\n`));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', (error) =>
      reject(new LabError('COMMAND_FAILED', `the proxy's runtime API (${statsSocket}) did not answer: ${error.message}; is the lab up? (make lab-up)`)),
    );
    socket.on('end', () => resolve(text));
  });
}

/** One frontend's counters from `show stat`: requests, responses by class, requests the policy denied (dreq). */
export interface FrontendStats {
  requests: number;
  responses: Record<'1xx' | '2xx' | '3xx' | '4xx' | '5xx', number>;
  denied: number;
  /** Connections (sessions) it took: all a TCP frontend can count. */
  sessions: number;
}

/** The statistics socket's `show stat` (CSV): a row per frontend, backend and server, by column name. */
export async function showStat(statsSocket: string): Promise<Array<Record<string, string>>> {
  const [header = '', ...rows] = (await proxyCommand(statsSocket, 'show stat')).trim().split('\n');
  const columns = header.replace(/^# /, '').split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((value, i) => [columns[i] ?? '', value])));
}

/** Every frontend's counters, from `show stat`. */
export function frontendsOf(rows: Array<Record<string, string>>): Record<string, FrontendStats> {
  return Object.fromEntries(
    rows
      .filter((r) => r.svname === 'FRONTEND')
      .map((r) => {
        const n = (name: string) => Number(r[name] || 0);
        const responses = { '1xx': n('hrsp_1xx'), '2xx': n('hrsp_2xx'), '3xx': n('hrsp_3xx'), '4xx': n('hrsp_4xx'), '5xx': n('hrsp_5xx') };
        // dreq: HTTP requests a rule denied; dcon: TCP connections denied at accept; dses: TCP sessions denied after the TLS handshake.
        return [r.pxname ?? '', { requests: n('req_tot'), responses, denied: n('dreq') + n('dcon') + n('dses'), sessions: n('stot') }];
      }),
  );
}

export const frontendStats = async (statsSocket: string) => frontendsOf(await showStat(statsSocket));

/**
 * The app's average response time through the proxy, in ms: its `app` backend's rtime, which HAProxy
 * 2.6 keeps over the last 1,024 requests (it keeps no histogram). Undefined before any request.
 */
export function appResponseMs(rows: Array<Record<string, string>>): number | undefined {
  const app = rows.find((r) => r.pxname === 'app' && r.svname === 'BACKEND');
  return app && Number(app.req_tot || 0) > 0 ? Number(app.rtime || 0) : undefined;
}

/** The proxy's inbound frontends, by the traffic each takes (see proxyConfig). */
export const INBOUND_FRONTENDS = {
  /** The app's HTTP port: with an identity (mTLS), and without. */
  http: ['inbound_mtls', 'inbound_plaintext'],
  /** Opaque TCP ports: every connection, then the mTLS ones after their handshake. */
  tcp: ['inbound_tcp', 'inbound_tcp_mtls'],
  /** daprd's port, where the proxy found HTTP/2 (gRPC, Dapr's mTLS off): request by request. */
  grpc: ['inbound_grpc_authorized', 'inbound_grpc_unauthorized', 'inbound_grpc_plaintext'],
  /** daprd's port, where the proxy found anything else (Dapr's own TLS): connections only. */
  grpcPortOpaque: ['inbound_grpc_opaque'],
} as const;

/** One counter summed over some frontends; a frontend the proxy does not have counts 0. */
export function sumOver(frontends: Record<string, FrontendStats>, names: readonly string[], pick: (f: FrontendStats) => number): number {
  return names.reduce((n, name) => n + (frontends[name] ? pick(frontends[name]) : 0), 0);
}

/**
 * Requests the proxy denied, per frontend (the `dreq` column): the stand-in's
 * `inbound_http_authz_deny_total`.
 */
export async function deniedRequests(statsSocket: string): Promise<Record<string, number>> {
  const stats = await frontendStats(statsSocket);
  return Object.fromEntries(Object.entries(stats).map(([name, f]) => [name, f.denied]));
}

/** The pattern that switches a proxy's policy on (see ProxyOptions.policySwitch). */
export const POLICY_ENFORCED = 'enforced';

/** Switches a running proxy's policy on or off through its runtime API, and the file with it (for a restart). */
export async function setPolicy(statsSocket: string, policySwitch: string, on: boolean): Promise<void> {
  const answer = await proxyCommand(statsSocket, on ? `add acl ${policySwitch} ${POLICY_ENFORCED}` : `clear acl ${policySwitch}`);
  if (answer.trim() !== '') throw new LabError('COMMAND_FAILED', `the proxy refused the policy change: ${answer.trim()}`);
  writeFileSync(policySwitch, on ? `${POLICY_ENFORCED}\n` : '');
}

/** Whether the proxy's policy is on now, as the running proxy holds it. */
export async function policyEnforced(statsSocket: string, policySwitch: string): Promise<boolean> {
  const answer = await proxyCommand(statsSocket, `show acl ${policySwitch}`);
  return answer.split('\n').some((line) => line.trim().endsWith(` ${POLICY_ENFORCED}`));
}

/** A Service: its virtual IP and port, DNAT-ed to a pod as kube-proxy would. */
export interface ServiceVip {
  vip: string;
  port: number;
  podIp: string;
  targetPort: number;
}

export interface NatOptions {
  podIp: string;
  /** Meshed: traffic goes through the proxy. Not meshed: only the Service DNAT. */
  meshed: boolean;
  services: readonly ServiceVip[];
  /** The app's HTTP port, intercepted inbound. */
  appPort: number;
  /** Ports carried as opaque TCP with mTLS (Redis; daprd's 50002 with Dapr's own mTLS on), intercepted both ways. */
  tcpPorts?: readonly number[];
  /** Ports whose inbound is gRPC (daprd's 50002 with Dapr's mTLS off): outbound as TCP with mTLS, inbound request by request. */
  grpcPorts?: readonly number[];
  /** Meshed: the mesh whose init container the rules play (its proxy's ports and user). */
  mesh?: Mesh;
}

/**
 * The nat table of a pod: inbound TCP to the intercepted ports goes to the inbound proxy; outbound
 * TCP from anyone but the proxy goes to the outbound proxy; loopback and the pod's own address are
 * left alone (a self-call would otherwise loop).
 */
export function natRules({ podIp, meshed, services, appPort, tcpPorts = [], grpcPorts = [], mesh }: NatOptions): string {
  if (meshed && !mesh) throw new Error('natRules: a meshed pod needs its mesh');
  const dnat = services.map((s) => `-A LAB-SERVICES -d ${s.vip}/32 -p tcp --dport ${s.port} -j DNAT --to-destination ${s.podIp}:${s.targetPort}`);
  // A meshed caller's proxy sends opaque TCP to the Service's pod on its opaque transport port:
  // Linkerd's proxy resolves the Service to an endpoint first (its destination service).
  const opaqueTransport = meshed
    ? services
        .filter((s) => tcpPorts.includes(s.targetPort))
        .map((s) => `-A LAB-SERVICES -d ${s.vip}/32 -p tcp --dport ${OPAQUE_TRANSPORT_PORT} -j DNAT --to-destination ${s.podIp}:${OPAQUE_TRANSPORT_PORT}`)
    : [];
  const rules =
    meshed && mesh
      ? [
          ...tcpPorts.map((port) => `-A PREROUTING -p tcp --dport ${port} -j REDIRECT --to-ports ${INBOUND_TCP_PORT}`),
          ...grpcPorts.map((port) => `-A PREROUTING -p tcp --dport ${port} -j REDIRECT --to-ports ${INBOUND_GRPC_PORT}`),
          `-A PREROUTING -p tcp --dport ${appPort} -j REDIRECT --to-ports ${mesh.inboundPort}`,
          '-A OUTPUT -o lo -j RETURN',
          `-A OUTPUT -d ${podIp}/32 -j RETURN`,
          `-A OUTPUT -m owner --uid-owner ${mesh.proxyUid} -j LAB-SERVICES`,
          `-A OUTPUT -m owner --uid-owner ${mesh.proxyUid} -j RETURN`,
          ...[...tcpPorts, ...grpcPorts].map((port) => `-A OUTPUT -p tcp --dport ${port} -j REDIRECT --to-ports ${OUTBOUND_TCP_PORT}`),
          `-A OUTPUT -p tcp -j REDIRECT --to-ports ${mesh.outboundPort}`,
        ]
      : ['-A OUTPUT -j LAB-SERVICES'];
  return [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ':LAB-SERVICES - [0:0]',
    ...dnat,
    ...opaqueTransport,
    ...rules,
    'COMMIT',
    '',
  ].join('\n');
}

export interface ProxyOptions {
  /** For the header comment. */
  name: string;
  /** PEM with this pod's key, certificate and issuer. */
  certificate: string;
  caFile: string;
  /** Addresses of meshed destinations, one a line: only those get mTLS. */
  meshedList: string;
  /** Certificate CNs allowed in; absent: no policy (all-unauthenticated). */
  allowList?: string;
  appPort: number;
  /** Whether any port is carried in TCP mode (natRules' tcpPorts or grpcPorts). */
  tcp?: boolean;
  /** The ports carried as opaque TCP (natRules' tcpPorts): to a meshed destination, through its opaque transport port. */
  opaquePorts?: readonly number[];
  /**
   * A port with no protocol hint (natRules' grpcPorts: daprd's 50002), whose traffic the proxy
   * classifies as it arrives, as Linkerd's protocol detection does: HTTP/2 (gRPC) request by
   * request, anything else (Dapr's own TLS) as opaque TCP.
   */
  grpcPort?: number;
  /** A file holding denialResponse(mesh), required with allowList. */
  denialFile?: string;
  /** A file holding grpcDenialResponse(mesh), required with allowList and grpcPort. */
  grpcDenialFile?: string;
  /** The policy's on/off switch, required with allowList: a pattern file holding POLICY_ENFORCED (on) or nothing (off). */
  policySwitch?: string;
  /** A Unix socket for the proxy's statistics (HAProxy's `show stat`), if wanted. */
  statsSocket?: string;
  /** The mesh whose proxy this plays: its ports, user and denial status. */
  mesh: Mesh;
}

/**
 * An inbound port's first frontend: TLS (a meshed peer's mTLS) is told from plaintext by its first
 * bytes, and each is handed on, with the original addresses (PROXY protocol), to the frontend that
 * serves it: abns@<name>-mtls and abns@<name>-plaintext.
 */
function splitByTls(name: string, port: number): string {
  return `frontend ${name}
  bind :${port}
  mode tcp
  tcp-request inspect-delay 2s
  tcp-request content accept if { req.ssl_hello_type 1 }
  tcp-request content accept if { req.len gt 0 }
  use_backend ${name}_to_mtls if { req.ssl_hello_type 1 }
  default_backend ${name}_to_plaintext

backend ${name}_to_mtls
  mode tcp
  server mtls abns@${name}-mtls send-proxy-v2

backend ${name}_to_plaintext
  mode tcp
  server plaintext abns@${name}-plaintext send-proxy-v2
`;
}

/**
 * HAProxy as a Linkerd-style sidecar. Outbound: every connection the app opens arrives here and is
 * sent on to its original destination, with mTLS (this pod's certificate) when the destination is
 * meshed. Inbound: TLS is told from plaintext by peeking at the first bytes; an mTLS client is
 * authorized by its certificate's identity, a plaintext one has none; a denial is Linkerd's: 403,
 * empty body, no l5d-proxy-error (see LINKERD.httpDenial), counted in the proxy's statistics.
 */
export function proxyConfig(o: ProxyOptions): string {
  if (o.allowList && !(o.denialFile && o.policySwitch)) throw new Error('proxyConfig: a policy (allowList) needs denialFile and policySwitch');
  if (o.allowList && o.grpcPort && !o.grpcDenialFile) throw new Error('proxyConfig: a policy on a gRPC port needs grpcDenialFile');
  const { mesh } = o;
  const deny = `http-request deny deny_status ${mesh.httpDenial.status} errorfile ${o.denialFile}`;
  // The policy holds while the switch file lists `enforced`; the runtime API edits that list in memory
  // (setPolicy), so a change applies to the next request, as a Linkerd policy change does.
  const enforced = o.allowList ? `  acl policy_enforced str(${POLICY_ENFORCED}) -m str -f ${o.policySwitch}\n` : '';
  const mtlsRule = o.allowList ? `${enforced}  acl authorized ssl_c_s_dn(CN) -m str -f ${o.allowList}\n  ${deny} if policy_enforced !authorized\n` : '';
  // No identity, so only what Linkerd's default probe route lets through.
  const plaintextRule = o.allowList ? `${enforced}  acl probe_path path ${PROBE_PATHS.join(' ')}\n  ${deny} if policy_enforced !METH_GET || policy_enforced !probe_path\n` : '';
  // Admin level: the policy switch; the socket is root's alone (mode 600).
  const stats = o.statsSocket ? `  stats socket ${o.statsSocket} mode 600 level admin\n` : '';
  const mtls = `ssl crt ${o.certificate} ca-file ${o.caFile}`;
  // Every connection the app opens, sent on to its original destination (dst: SO_ORIGINAL_DST of the
  // redirected connection), with mTLS when that destination is meshed.
  const opaque = o.opaquePorts?.length ? o.opaquePorts : undefined;
  const outbound = (name: string, port: number, mode: 'http' | 'tcp') => `frontend ${name}
  bind 127.0.0.1:${port}
  mode ${mode}
${
  mode === 'tcp' && opaque
    ? `  use_backend ${name}_opaque if { dst -f ${o.meshedList} } { dst_port ${opaque.join(' ')} }
`
    : ''
}  use_backend ${name}_mtls if { dst -f ${o.meshedList} }
  default_backend ${name}_plaintext
${
  mode === 'tcp' && opaque
    ? `
backend ${name}_opaque
  mode tcp
  server opaque-transport 0.0.0.0:${OPAQUE_TRANSPORT_PORT} ${mtls} verify required send-proxy-v2
`
    : ''
}
backend ${name}_mtls
  mode ${mode}
  server original-destination 0.0.0.0:0 ${mtls} verify required

backend ${name}_plaintext
  mode ${mode}
  server original-destination 0.0.0.0:0
`;
  // Opaque TCP under a policy, as Linkerd denies it (LINKERD.tcpDenial): on the original port every
  // caller is one without an identity (meshed ones come through the opaque transport port), so the
  // connection is cut off at accept, unread; through the opaque transport, an mTLS caller is judged by its CN.
  const tcpPlaintextRule = o.allowList ? `${enforced}  tcp-request connection reject if policy_enforced\n` : '';
  const tcpMtlsRule = o.allowList ? `${enforced}  acl authorized ssl_c_s_dn(CN) -m str -f ${o.allowList}\n  tcp-request session reject if policy_enforced !authorized\n` : '';
  const tcp = o.tcp
    ? `
# TCP-mode ports (opaque: Redis; daprd to daprd gRPC): mTLS around the bytes, no HTTP inside.
${outbound('outbound_tcp', OUTBOUND_TCP_PORT, 'tcp')}
frontend inbound_tcp
  bind :${INBOUND_TCP_PORT}
  mode tcp
${tcpPlaintextRule}  default_backend inbound_tcp_original

frontend inbound_tcp_mtls
  bind :${OPAQUE_TRANSPORT_PORT} accept-proxy ${mtls} verify required
  mode tcp
${tcpMtlsRule}  default_backend inbound_tcp_original

backend inbound_tcp_original
  mode tcp
  server original-destination 0.0.0.0:0
`
    : '';
  // daprd's port, as Linkerd treats a port with no protocol hint: it reads the first bytes (after
  // its own mTLS) and carries HTTP/2 request by request, anything else as opaque TCP
  // (linkerd2-proxy linkerd/app/inbound/src/detect.rs). A denied gRPC request gets gRPC's
  // PERMISSION_DENIED (HTTP 200, grpc-status 7, content-length 0), counted like the others; an
  // unauthorized opaque connection is cut off. The caller's identity is known where the mesh's TLS
  // ends, so authorized and unauthorized HTTP/2 go on to frontends of their own.
  const grpcDeny = `http-request deny deny_status 200 errorfile ${o.grpcDenialFile}`;
  const denyAll = o.allowList ? `${enforced}  ${grpcDeny} if policy_enforced\n` : '';
  const authorizedAcl = o.allowList ? `  acl authorized ssl_c_s_dn(CN) -m str -f ${o.allowList}\n` : '';
  const h2 = 'req.payload(0,24) -m bin 505249202a20485454502f322e300d0a0d0a534d0d0a0d0a';
  // The reject waits, as the accept does, for the bytes that tell HTTP/2 (its 24-byte preface) from the rest.
  const detect = (identified: boolean) => `  mode tcp
  tcp-request inspect-delay 5s
${enforced}  acl h2 ${h2}
${identified ? authorizedAcl : ''}${o.allowList ? `  tcp-request content reject if policy_enforced${identified ? ' !authorized' : ''} !h2\n` : ''}  tcp-request content accept if { req.len ge 24 }
${identified ? `  use_backend grpc_to_authorized if h2${o.allowList ? ' authorized' : ''}\n  use_backend grpc_to_unauthorized if h2\n` : '  use_backend grpc_to_plaintext if h2\n'}  default_backend grpc_to_opaque`;
  const hop = (name: string) => `backend grpc_to_${name}
  mode tcp
  server ${name} abns@grpc-${name} send-proxy-v2
`;
  const h2Frontend = (name: string, rule: string) => `frontend inbound_grpc_${name}
  bind abns@grpc-${name} accept-proxy proto h2
  mode http
${rule}  default_backend grpc_app
`;
  const grpc = o.grpcPort
    ? `
# daprd's port ${o.grpcPort}: no protocol hint, classified as it arrives (HTTP/2, or opaque).
${splitByTls('inbound_grpc', INBOUND_GRPC_PORT)}
frontend inbound_grpc_mtls
  bind abns@inbound_grpc-mtls accept-proxy ${mtls} verify required
${detect(true)}

frontend inbound_grpc_plaintext_detect
  bind abns@inbound_grpc-plaintext accept-proxy
${detect(false)}

${['authorized', 'unauthorized', 'plaintext', 'opaque'].map(hop).join('\n')}
${h2Frontend('authorized', '')}
${h2Frontend('unauthorized', denyAll)}
${h2Frontend('plaintext', denyAll)}
frontend inbound_grpc_opaque
  bind abns@grpc-opaque accept-proxy
  mode tcp
  default_backend inbound_tcp_original

backend grpc_app
  mode http
  server grpc 127.0.0.1:${o.grpcPort} proto h2
`
    : '';
  return `# ${o.name}: Linkerd-style transparent mTLS sidecar.
global
  uid ${mesh.proxyUid}
  gid ${mesh.proxyUid}
  maxconn 4096
${stats}
defaults
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout http-request 10s

${outbound('outbound', mesh.outboundPort, 'http')}
${splitByTls('inbound', mesh.inboundPort)}
frontend inbound_mtls
  bind abns@inbound-mtls accept-proxy ${mtls} verify optional
  mode http
  http-request set-header l5d-client-id %[ssl_c_s_dn(CN)] if { ssl_c_used }
${mtlsRule}  default_backend app

frontend inbound_plaintext
  bind abns@inbound-plaintext accept-proxy
  mode http
  http-request del-header l5d-client-id
${plaintextRule}  default_backend app

backend app
  mode http
  server app 127.0.0.1:${o.appPort}
${tcp}${grpc}`;
}
