// The kind lab renders with `kubectl apply -k` (no kustomize, no Go on a participant's laptop):
// the kustomize inside each supported kubectl must render every overlay exactly as the pinned one
// the offline checks validate.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KUBECTL_KUSTOMIZE, KUSTOMIZE, kustomizeOf, OVERLAYS, render } from '../src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CASES = Object.entries(KUBECTL_KUSTOMIZE).flatMap(([kubectl, version]) => OVERLAYS.map((overlay) => ({ kubectl, version, overlay })));

describe("kubectl's built-in kustomize renders the overlays as the pinned kustomize does", () => {
  it('covers the kubectl minors the preflight accepts (scripts/kind-env.sh)', () => {
    const env = execFileSync('bash', ['-c', 'source scripts/kind-env.sh && echo "$KUBECTL_MIN_MINOR $KUBECTL_MAX_MINOR"'], { cwd: ROOT, encoding: 'utf8' });
    const [min, max] = env.trim().split(' ').map(Number);
    expect(Object.keys(KUBECTL_KUSTOMIZE)).toEqual(Array.from({ length: max! - min! + 1 }, (_, i) => `1.${min! + i}`));
  });

  it.each(CASES)('kubectl $kubectl (kustomize $version): $overlay', ({ version, overlay }) => {
    const binary = kustomizeOf(version);
    // The module version built in (kustomize v5.6.0's own `version` says "(devel)" when go-installed).
    expect(execFileSync('go', ['version', '-m', binary], { encoding: 'utf8' })).toMatch(new RegExp(`mod\\s+sigs\\.k8s\\.io/kustomize/kustomize/v5\\s+${version}\\s`));
    expect(render(binary, `${ROOT}${overlay}`)).toBe(render(KUSTOMIZE, `${ROOT}${overlay}`));
  });
});
