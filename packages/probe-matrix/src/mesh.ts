import type { SidecarCounts } from './sidecar-stats.js';

/**
 * Everything the project knows about a service mesh, in one description: what its denials look
 * like to the caller, how its injector changes a pod, its proxy's ports and counters, how it names
 * identities. The probe matrix, the local stand-in, the kind e2e and the sidecar tables read these
 * facts from here; a second mesh would be one more description (with a stand-in configuration and
 * manifests of its own).
 */
export interface Mesh {
  /** As findings and tables name it ("Linkerd"). */
  name: string;
  version: string;
  proxyVersion: string;
  /** A policy denial of an HTTP request, as the calling app sees it. */
  httpDenial: { status: number; body: string };
  /** A policy denial of a gRPC request (HTTP 200 and this grpc-status). */
  grpcDenial: { grpcStatus: number };
  /** A policy denial of opaque TCP, as the probe observes it. */
  tcpDenial: 'closed' | 'refused';
  /** The init container that rewrites the pod's iptables, and the capabilities it asks for. */
  proxyInitContainer: string;
  proxyInitCapabilities: readonly string[];
  /** The proxy's container, as its injector names it; the local tables name the stand-in. */
  proxyContainer: string;
  /** The proxy's user and ports, as the interception rules name them. */
  proxyUid: number;
  inboundPort: number;
  outboundPort: number;
  /** Where the proxy serves its Prometheus metrics (/metrics). */
  adminPort: number;
  /** The name its certificate authority gives its trust root. */
  trustRoot: string;
  /** A workload's identity: what its certificate names, and what a policy authorizes. */
  identityOf(serviceAccount: string, namespace: string): string;
  /** The proxy's inbound counts, from the text its metrics endpoint serves. */
  inboundStats(metrics: string): SidecarCounts;
}
