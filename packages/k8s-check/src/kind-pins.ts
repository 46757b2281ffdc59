import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PINNED, REPO_ROOT } from '@calc/probe-matrix';

/** The kind node image the kind scripts pin (scripts/kind-env.sh, NODE_IMAGE), with the pinned Kubernetes version in it. */
export function kindNodeImage(): string {
  const line = /^NODE_IMAGE=(.+)$/m.exec(readFileSync(join(REPO_ROOT, 'scripts', 'kind-env.sh'), 'utf8'))?.[1];
  if (!line) throw new Error('scripts/kind-env.sh sets no NODE_IMAGE');
  // The shell's ${KUBERNETES_VERSION}, as the script expands it.
  return line.replace(/\$\{KUBERNETES_VERSION\}/, PINNED.kubernetes);
}
