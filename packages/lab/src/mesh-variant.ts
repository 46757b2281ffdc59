import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATION_SERVICES, urlVariableOf } from '@calc/core';
import { entryOf } from '@calc/launcher';
import { createWorkloadCert, type Authority } from './pki.js';
import type { PodRuntime } from './pods.js';
import { sh } from './shell.js';
import { APP_PORT, FANBOY_ENV, MESH_PODS, MESH_SERVICES, NAMESPACE, meshServiceOf, podOf, type Pod } from './topology.js';

/** The proxy's ports and user, as Linkerd's: outbound 4140, inbound 4143, uid 2102. */
const OUTBOUND_PORT = 4140;
const INBOUND_PORT = 4143;
const PROXY_UID = 2102;
/** Readiness and liveness probes reach the app without an identity; Linkerd authorizes them by default. */
const PROBE_PATHS = ['/healthz', '/readyz'];
/** Who may call multiplication: the article's policy (MeshTLSAuthentication of these ServiceAccounts). */
export const ALLOWED_CALLERS = ['mathfanboy', 'percentage'];

/** The identity Linkerd gives a ServiceAccount, carried in the certificate's DNS SAN. */
export function identityOf(serviceAccount: string): string {
  return `${serviceAccount}.${NAMESPACE.mesh}.serviceaccount.identity.linkerd.cluster.local`;
}
/** What HAProxy 2.6 can read and match: the subject CN (the full identity is too long for a CN). */
function commonNameOf(serviceAccount: string): string {
  return `${serviceAccount}.${NAMESPACE.mesh}`;
}

/**
 * The nat table of a mesh pod, as Linkerd's proxy-init writes it (plus kube-proxy's Service DNAT):
 * inbound TCP to the app port goes to the inbound proxy; outbound TCP from anyone but the proxy goes
 * to the outbound proxy; loopback is left alone. An unmeshed pod gets the Service DNAT only.
 */
export function natRules(pod: Pod): string {
  const services = MESH_SERVICES.map((s) => `-A LAB-SERVICES -d ${s.vip}/32 -p tcp --dport ${s.port} -j DNAT --to-destination ${s.pod.ip}:${APP_PORT}`);
  const rules = pod.sidecar
    ? [
        `-A PREROUTING -p tcp --dport ${APP_PORT} -j REDIRECT --to-ports ${INBOUND_PORT}`,
        '-A OUTPUT -o lo -j RETURN',
        `-A OUTPUT -d ${pod.ip}/32 -j RETURN`,
        `-A OUTPUT -m owner --uid-owner ${PROXY_UID} -j LAB-SERVICES`,
        `-A OUTPUT -m owner --uid-owner ${PROXY_UID} -j RETURN`,
        `-A OUTPUT -p tcp -j REDIRECT --to-ports ${OUTBOUND_PORT}`,
      ]
    : ['-A OUTPUT -j LAB-SERVICES'];
  return ['*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ':LAB-SERVICES - [0:0]',
    ...services, ...rules, 'COMMIT', ''].join('\n');
}

interface ProxyFiles {
  certificate: string;
  caFile: string;
  meshedList: string;
  allowList?: string;
}

/**
 * HAProxy as a Linkerd-style sidecar. Outbound: every connection the app opens arrives here and is
 * sent on to its original destination, with mTLS (this pod's certificate) when the destination is
 * meshed. Inbound: TLS is told from plaintext by peeking at the first bytes; an mTLS client is
 * authorized by its certificate's identity, a plaintext one has none; denials are 403 with l5d-proxy-error.
 */
export function proxyConfig(pod: Pod, files: ProxyFiles): string {
  const name = pod.workload;
  const deny = (reason: string) => `http-request return status 403 content-type text/plain string "forbidden: ${reason}" hdr l5d-proxy-error "${reason}"`;
  const mtlsRule = files.allowList
    ? `  acl authorized ssl_c_s_dn(CN) -m str -f ${files.allowList}\n  ${deny('client is not authorized by the policy')} unless authorized\n`
    : '';
  const plaintextRule = files.allowList
    ? `  acl probe_path path ${PROBE_PATHS.join(' ')}\n  ${deny('unauthenticated client: no mesh identity')} unless METH_GET probe_path\n`
    : '';
  return `# ${name} (${NAMESPACE.mesh}): Linkerd-style transparent mTLS sidecar.
global
  uid ${PROXY_UID}
  gid ${PROXY_UID}
  maxconn 4096

defaults
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout http-request 10s

frontend outbound
  bind 127.0.0.1:${OUTBOUND_PORT}
  mode http
  # dst is the original destination (SO_ORIGINAL_DST of the redirected connection).
  use_backend outbound_mtls if { dst -f ${files.meshedList} }
  default_backend outbound_plaintext

backend outbound_mtls
  mode http
  server original-destination 0.0.0.0:0 ssl crt ${files.certificate} ca-file ${files.caFile} verify required

backend outbound_plaintext
  mode http
  server original-destination 0.0.0.0:0

frontend inbound
  bind :${INBOUND_PORT}
  mode tcp
  tcp-request inspect-delay 2s
  tcp-request content accept if { req.ssl_hello_type 1 }
  tcp-request content accept if { req.len gt 0 }
  use_backend inbound_to_mtls if { req.ssl_hello_type 1 }
  default_backend inbound_to_plaintext

backend inbound_to_mtls
  mode tcp
  server mtls abns@inbound-mtls send-proxy-v2

backend inbound_to_plaintext
  mode tcp
  server plaintext abns@inbound-plaintext send-proxy-v2

frontend inbound_mtls
  bind abns@inbound-mtls accept-proxy ssl crt ${files.certificate} ca-file ${files.caFile} verify optional
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
  server app 127.0.0.1:${APP_PORT}
`;
}

/** Wires every mesh pod (iptables, certificates, proxy) and starts the apps; waits until each is reachable. */
export async function startMeshVariant(runtime: PodRuntime, workDir: string, authority: Authority): Promise<void> {
  const dir = join(workDir, 'mesh');
  mkdirSync(dir, { recursive: true });
  const meshedList = join(dir, 'meshed.lst');
  const meshed = MESH_PODS.filter((p) => p.sidecar);
  // Linkerd learns which destinations are meshed from its destination service; here, a list of addresses.
  writeFileSync(meshedList, [...meshed.map((p) => p.ip), ...MESH_SERVICES.filter((s) => s.pod.sidecar).map((s) => s.vip)].join('\n') + '\n');
  const allowList = join(dir, 'multiplication.allow');
  writeFileSync(allowList, ALLOWED_CALLERS.map(commonNameOf).join('\n') + '\n');

  for (const pod of MESH_PODS) sh('ip', ['netns', 'exec', pod.ns, 'iptables-restore'], natRules(pod));

  const startPod = (pod: Pod) => {
    const certificate = createWorkloadCert(authority, pod.workload, commonNameOf(pod.workload), identityOf(pod.workload));
    const config = join(dir, `${pod.workload}.haproxy.cfg`);
    const files: ProxyFiles = { certificate, caFile: authority.rootCert, meshedList };
    if (pod.policy) files.allowList = allowList;
    writeFileSync(config, proxyConfig(pod, files));
    runtime.start(pod, 'proxy', ['haproxy', '-db', '-f', config]);
    if (pod.service) runtime.start(pod, 'app', [process.execPath, entryOf(pod.service, 'mesh')], { PORT: String(APP_PORT), ...urlsFor(pod), ...(pod.service === 'mathfanboy' ? FANBOY_ENV : {}) });
  };
  // MathFanBoy starts calling at once, so it starts last: every callee is up by then.
  const servers = meshed.filter((p) => p.service !== 'mathfanboy');
  const clients = meshed.filter((p) => p.service === 'mathfanboy');
  servers.forEach(startPod);
  await Promise.all(servers.map((pod) => runtime.waitForListening(pod, [OUTBOUND_PORT, INBOUND_PORT], 'proxy')));
  // Through the inbound proxy from outside the pod: the probe paths answer without an identity.
  const intruder = podOf('mesh', 'intruder');
  await Promise.all(servers.map((pod) => runtime.waitForHttp(intruder, `http://${pod.ip}:${APP_PORT}/readyz`, pod)));
  clients.forEach(startPod);
  await Promise.all(clients.map((pod) => runtime.waitForListening(pod, [OUTBOUND_PORT, INBOUND_PORT], 'proxy')));
}

/** The mesh-agnostic set finds its peers by URL: the Service names, as on Kubernetes. */
function urlsFor(pod: Pod): Record<string, string> {
  const targets = pod.service === 'mathfanboy' ? OPERATION_SERVICES : pod.service === 'percentage' ? (['multiplication', 'division'] as const) : [];
  return Object.fromEntries(targets.map((t) => {
    const service = meshServiceOf(t);
    return [urlVariableOf(t), `http://${service.host}:${service.port}`];
  }));
}
