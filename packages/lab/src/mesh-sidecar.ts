import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mesh } from '@calc/probe-matrix';
import { natRules, proxyConfig, type NatOptions } from './mesh-proxy.js';
import { createWorkloadCert, type Authority } from './pki.js';
import type { PodProcess, PodRuntime } from './pods.js';
import { sh } from './shell.js';
import type { PodRef } from './topology.js';

/** What HAProxy 2.6 can read and match: the subject CN (the full identity is too long for a CN). */
export function commonNameOf(serviceAccount: string, namespace: string): string {
  return `${serviceAccount}.${namespace}`;
}

export interface MeshSidecarOptions {
  /** The mesh whose sidecar this plays. */
  mesh: Mesh;
  /** Where the proxy's configuration goes. */
  dir: string;
  authority: Authority;
  /** The pod's namespace, part of its identity. */
  namespace: string;
  /** Its ServiceAccount, the other part; default the workload's name. */
  serviceAccount?: string;
  /** Addresses whose traffic goes out with mTLS (what Linkerd's destination service knows). */
  meshedList: string;
  /** Service VIPs DNAT-ed to pods, as kube-proxy would. */
  services: NatOptions['services'];
  appPort: number;
  /** Ports carried in TCP mode (mTLS around the bytes, no HTTP inside): Redis; daprd's 50002 under Dapr's own mTLS. */
  tcpPorts?: number[];
  /** A gRPC port seen request by request inbound: daprd's 50002 with Dapr's mTLS off. */
  grpcPort?: number;
  /** The pod's policy: who may call, and the denials the mesh answers with. */
  policy?: { allowList: string; denialFile: string; grpcDenialFile: string; policySwitch: string };
  statsSocket?: string;
}

/**
 * Meshes a pod as the mesh's injector does (Linkerd's: proxy-init's iptables interception), with a
 * certificate naming its ServiceAccount's identity (in the DNS SAN), and the proxy (HAProxy,
 * started as root; it drops to the proxy's uid).
 */
export function startMeshSidecar<P extends PodRef>(runtime: PodRuntime<P>, pod: P, o: MeshSidecarOptions): PodProcess<P> {
  const tcpPorts = o.tcpPorts ?? [];
  const grpcPorts = o.grpcPort ? [o.grpcPort] : [];
  sh('ip', ['netns', 'exec', pod.ns, 'iptables-restore'], natRules({ podIp: pod.ip, meshed: true, services: o.services, appPort: o.appPort, tcpPorts, grpcPorts, mesh: o.mesh }));
  const account = o.serviceAccount ?? pod.workload;
  const certificate = createWorkloadCert(o.authority, pod.workload, commonNameOf(account, o.namespace), o.mesh.identityOf(account, o.namespace));
  const config = join(o.dir, `${pod.workload}.haproxy.cfg`);
  const proxy = proxyConfig({
    mesh: o.mesh,
    name: `${pod.workload} (${o.namespace})`,
    certificate,
    caFile: o.authority.rootCert,
    meshedList: o.meshedList,
    appPort: o.appPort,
    tcp: tcpPorts.length + grpcPorts.length > 0,
    opaquePorts: tcpPorts,
    ...(o.grpcPort ? { grpcPort: o.grpcPort } : {}),
    ...(o.statsSocket ? { statsSocket: o.statsSocket } : {}),
    ...o.policy,
  });
  writeFileSync(config, proxy);
  return runtime.start(pod, 'proxy', ['haproxy', '-db', '-f', config], {}, { asRoot: true });
}
