// Dapr 1.18.3's own sidecar injector (tools/dapr/bin/dapr-inject, built by make test), configured from
// Dapr's own Helm chart with the values the kind lab installs it with, run on rendered manifests.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseObjects, render as kustomizeBuild } from '@calc/k8s-check';
import type { PodSpecLike } from '../../src/injection.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const KUSTOMIZE = `${ROOT}tools/bin/kustomize`;
export const DAPR_INJECT = `${ROOT}tools/dapr/bin/dapr-inject`;
export const CHART = `${ROOT}tools/dapr/.build/dapr-v1.18.3/charts/dapr`;
const VALUES = `${ROOT}k8s-dapr/dapr-values.yaml`;

export interface InjectedPod {
  namespace: string;
  deployment: string;
  patched: boolean;
  pod: { metadata: { annotations?: Record<string, string>; labels?: Record<string, string> }; spec: PodSpecLike };
}

export interface Injected {
  injector: { env: Record<string, string>; mtlsEnabled: boolean; schedulerEnabled: boolean };
  pods: InjectedPod[];
}

/** `kustomize build` of a directory of the repository (the pinned kustomize). */
export const render = (dir: string) => kustomizeBuild(KUSTOMIZE, `${ROOT}${dir}`);

/** The Deployments' pods as Dapr's injector patches them, Dapr installed with mTLS on or off. */
export function inject(manifests: string, mtls: boolean): Injected {
  const out = execFileSync(DAPR_INJECT, ['--chart', CHART, '--values', VALUES, '--set', `global.mtls.enabled=${mtls}`], {
    input: manifests,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 32 * 1024 * 1024,
  });
  return JSON.parse(out) as Injected;
}

/** The names of the Dapr Configurations a rendering holds. */
export const configurationsIn = (yaml: string) =>
  parseObjects(yaml)
    .filter((o) => o.kind === 'Configuration')
    .map((o) => o.metadata.name as string);
