import { join } from 'node:path';
import { REPO_ROOT } from '@calc/probe-matrix';

/** The pinned kustomize make k8s-tools installs. */
export const KUSTOMIZE = join(REPO_ROOT, 'tools', 'bin', 'kustomize');

/**
 * The kustomize built into each kubectl the kind lab supports (its go.mod's
 * sigs.k8s.io/kustomize/kustomize/v5), which `kubectl apply -k` renders with; make k8s-tools
 * installs each as tools/bin/kustomize-<version>, and make test checks they render as the pinned one.
 */
export const KUBECTL_KUSTOMIZE: Record<string, string> = { '1.33': 'v5.6.0', '1.34': 'v5.7.1', '1.35': 'v5.7.1', '1.36': 'v5.8.1' };
export const kustomizeOf = (version: string) => join(REPO_ROOT, 'tools', 'bin', `kustomize-${version}`);

/** Every kustomization a user may apply. */
export const OVERLAYS = [
  'k8s-base',
  'k8s-dapr',
  'k8s-dapr/overlays/networkpolicy',
  'k8s-dapr/overlays/with-linkerd',
  'k8s-linkerd',
  'k8s-linkerd/overlays/server-authorization',
  'k8s-linkerd/overlays/no-policy',
  'k8s-e2e',
  'k8s-e2e/combined',
  'k8s-bench/kind',
  'k8s-bench/airgap',
  'k8s-bench/combined',
];
