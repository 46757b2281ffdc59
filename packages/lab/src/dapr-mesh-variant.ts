// Dapr and the mesh together, as the article recommends when both are needed: every pod runs daprd
// (Dapr's mTLS off) and the mesh's proxy, which does mTLS and authorization on every port, daprd's
// 50002 included. Two pods keep Dapr's own mTLS on under the mesh's (dapr/dapr#1852), one keeps
// Dapr's access-control list without it; the kind lab's k8s-dapr/overlays/with-linkerd is the same.
import { newAppToken, daprPodsReady, startDaprPod, type DaprBinaries, type DaprMtls } from './dapr-variant.js';
import { startMeshedVariant } from './mesh-variant.js';
import type { VariantRecord } from '@calc/probe-matrix';
import type { Authority } from './pki.js';
import type { PodRuntime } from './pods.js';
import type { Pod } from './topology.js';
import { join } from 'node:path';

export function startDaprMeshVariant(runtime: PodRuntime<Pod>, workDir: string, variant: VariantRecord, authority: Authority, bin: DaprBinaries, mtls: DaprMtls): Promise<void> {
  const options = { bin, configDir: join(workDir, variant.name), appToken: newAppToken() };
  const startApp = (pod: Pod) => startDaprPod(runtime, pod, { ...options, acl: pod.daprAcl === true, ...(pod.daprMtls ? { mtls } : {}) });
  return startMeshedVariant(runtime, workDir, authority, variant, startApp, (pods) => daprPodsReady(runtime, pods));
}
