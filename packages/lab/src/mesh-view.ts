// dapr/dapr#1852, measured: what the mesh's proxy records of Dapr's own traffic (daprd to daprd on
// 50002). The port has the same setting on both pods (no protocol hint): the proxy classifies what
// arrives, and finds gRPC requests where Dapr's mTLS is off, only connections (TLS in TLS) where on.
import type { Section, Variant } from '@calc/probe-matrix';
import { frontendStats, INBOUND_FRONTENDS, sumOver, type FrontendStats } from './mesh-proxy.js';
import { statsSocketOf } from './mesh-variant.js';

export interface MeshView {
  pod: string;
  daprMtls: boolean;
  /** Requests the proxy saw on daprd's port, the responses it saw, and those its policy denied. */
  requests: number;
  responses: FrontendStats['responses'];
  denied: number;
  /** Connections it carried there as opaque TCP. */
  connections: number;
}

async function viewOf(workDir: string, variant: Variant, workload: string, daprMtls: boolean): Promise<MeshView> {
  const f = await frontendStats(statsSocketOf(workDir, workload, variant));
  const grpc = INBOUND_FRONTENDS.grpc;
  const classes = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
  return {
    pod: `${variant}/${workload}`,
    daprMtls,
    requests: sumOver(f, grpc, (x) => x.requests),
    responses: Object.fromEntries(classes.map((k) => [k, sumOver(f, grpc, (x) => x.responses[k])])) as FrontendStats['responses'],
    denied: sumOver(f, grpc, (x) => x.denied),
    // Each connection the proxy found no HTTP/2 in, once.
    connections: sumOver(f, INBOUND_FRONTENDS.grpcPortOpaque, (x) => x.sessions),
  };
}

/** In a variant with Dapr and the mesh: multiplication (Dapr's mTLS off) and the copy that keeps it on. */
export async function readMeshView(workDir: string, variant: Variant): Promise<MeshView[]> {
  return Promise.all([viewOf(workDir, variant, 'multiplication', false), viewOf(workDir, variant, 'multiplication-daprmtls', true)]);
}

/** Passes when the mesh saw requests where Dapr's mTLS is off, and connections but no request where it is on. */
export function meshViewSection(views: readonly MeshView[]): Section {
  const [off, on] = [views.find((v) => !v.daprMtls), views.find((v) => v.daprMtls)];
  return {
    title: "What the mesh saw of Dapr's own traffic (daprd to daprd, port 50002, no protocol hint on either pod: the proxy classifies what arrives): dapr/dapr#1852",
    items: [
      {
        pass: off !== undefined && off.requests > 0,
        text: `**Dapr's mTLS off** (${off?.pod}): the proxy saw **${off?.requests ?? 0}** gRPC requests, each authorized by its caller's mesh identity; ${off?.denied ?? 0} of them denied by its policy (gRPC's PERMISSION_DENIED in an HTTP 200). A mesh can authorize, count and time each call. (gRPC's own status is in trailers, which this stand-in does not read: it counts no success rate.)`,
      },
      {
        pass: on !== undefined && on.connections > 0 && on.requests === 0,
        text: `**Dapr's mTLS on as well** (${on?.pod}): the proxy carried **${on?.connections ?? 0}** connections, authorized by the caller's mesh identity, and saw **${on?.requests ?? 0}** requests: Dapr's TLS inside the mesh's is opaque, so no request to authorize, count or time, and no success rate.`,
      },
    ],
  };
}
