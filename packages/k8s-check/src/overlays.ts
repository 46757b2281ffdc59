import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The pinned kustomize make k8s-tools installs. */
export const KUSTOMIZE = join(ROOT, 'tools', 'bin', 'kustomize');

/** Every kustomization a user may apply. */
export const OVERLAYS = [
  'k8s-base',
  'k8s-dapr',
  'k8s-dapr/overlays/networkpolicy',
  'k8s-dapr/overlays/with-linkerd',
  'k8s-linkerd',
  'k8s-linkerd/overlays/server-authorization',
  'k8s-linkerd/overlays/no-policy',
];
