import type { ClaimId } from './claims.js';

/**
 * The article's two lists ("things in common", "how they differ"), paraphrased, and where the lab
 * tests each item: probe claims, a section of the findings, or nothing, and then why not.
 */
export interface ArticleItem {
  list: 'in common' | 'different';
  text: string;
  /** The matrix's claims that test it. */
  claims?: readonly ClaimId[];
  /** A checked section of the findings that shows it. */
  section?: string;
  /** Why the lab does not test it. */
  notTested?: string;
}

export const ARTICLE: readonly ArticleItem[] = [
  {
    list: 'in common',
    text: 'Secure service-to-service communication with mTLS',
    claims: ['dapr-internal-mtls', 'mesh-denies-meshed', 'mesh-denies-unmeshed', 'combined-mesh-enforces'],
  },
  { list: 'in common', text: 'Service-to-service metric collection', section: 'What the sidecars saw (their own metrics, no application code)' },
  {
    list: 'in common',
    text: 'Service-to-service distributed tracing',
    notTested:
      'no trace collector runs in the lab (daprd would export to Zipkin or OpenTelemetry, Linkerd to its jaeger extension), and the local stand-in propagates no trace context',
  },
  {
    list: 'in common',
    text: 'Resiliency through retries',
    notTested:
      "neither side is given a retry policy (Dapr's Resiliency resource, Linkerd's retry annotations on a route): a retry would hide MathFanBoy's deliberate errors, which the lab counts",
  },
  {
    list: 'in common',
    text: 'Both use the sidecar pattern, but the injection does different things',
    section: 'What the injection did, per pod (nat rules read back from each pod)',
  },
  { list: 'in common', text: 'Both define fine-grained authorization policies', claims: ['dapr-acl-allows', 'dapr-acl-denies', 'mesh-allows', 'call-graph-mesh-closed'] },
  { list: 'in common', text: 'Both help deal with distributed architectures', notTested: 'a statement of purpose, not a behaviour' },
  {
    list: 'different',
    text: 'Dapr is opt-in (an app calls its sidecar); a mesh is transparent, so its policy holds whatever the route',
    claims: ['dapr-bypass', 'mesh-denies-unmeshed', 'mesh-default-open', 'call-graph-dapr-open', 'mitigation-loopback', 'mitigation-app-token'],
  },
  { list: 'different', text: 'A mesh handles layer 4 (TCP) and layer 7; Dapr only layer 7 (HTTP, gRPC)', claims: ['l4-dapr-out-of-scope', 'l4-mesh'] },
  {
    list: 'different',
    text: "Dapr infuses the application's code (an SDK, app IDs, MathFanBoy turned into a web host); mesh-injected apps carry no mesh code",
    notTested: 'shown by the code rather than a probe: services/<service>/src/dapr.ts and mesh.ts differ only in their transport (and MathFanBoy in its web host)',
  },
  {
    list: 'different',
    text: 'Dapr brings building blocks (state, pub/sub, bindings, actors); a mesh brings traffic management (splitting, canaries)',
    notTested: 'the calculator uses service invocation only; Redis is reached as plain TCP, not as a Dapr state store',
  },
  {
    list: 'different',
    text: "Used together, Dapr's mTLS goes off and the mesh does mTLS and authorization; with Dapr's on, the mesh sees only TLS (dapr/dapr#1852)",
    claims: ['combined-works', 'combined-mesh-enforces', 'combined-bypass-closed', 'combined-acl-blind', 'combined-dapr-mtls-opaque'],
  },
];
