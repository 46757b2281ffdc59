// make kind-images up to `kind load`, on the real engine: scripts/kind.sh builds the twelve images,
// saves them in one archive, and hands it to kind (a stand-in here: kind cannot run on this machine).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KUSTOMIZE, OVERLAYS, parseObjects, render } from '@calc/k8s-check';
import { useEngine } from '../src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const engine = useEngine();
if (!engine.available) console.warn(`\n!!! container tests NOT RUN: ${engine.reason}\n`);

describe.skipIf(!engine.available)('make kind-images on the real engine, up to kind load', () => {
  // Its images are built by make test before; alone, it builds them (minutes).
  it('loads one archive holding every project image the manifests name, under the name the kubelet looks for', { timeout: 600_000 }, () => {
    // The stand-ins: kind, whose cluster exists and whose `load image-archive` keeps the archive's
    // manifest; kubectl, switching to that cluster's context.
    const bin = mkdtempSync(join(tmpdir(), 'kind-standin-'));
    const manifest = join(bin, 'manifest.json');
    writeFileSync(
      join(bin, 'kind'),
      `#!/bin/sh
case "$1 $2" in
  "get clusters") echo calculator-lab ;;
  "version ") echo "kind v0.31.0 go1.26 linux/amd64" ;;
  "load image-archive") echo "$*" > "${manifest}.args"; tar -xOf "$5" manifest.json > "${manifest}" ;;
esac
`,
    );
    writeFileSync(join(bin, 'kubectl'), '#!/bin/sh\n');
    for (const tool of ['kind', 'kubectl']) chmodSync(join(bin, tool), 0o755);
    execFileSync(join(ROOT, 'scripts/kind.sh'), ['images'], { cwd: ROOT, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, stdio: 'pipe' });

    expect(readFileSync(`${manifest}.args`, 'utf8').trim()).toBe('load image-archive --name calculator-lab .run/kind/images.tar');
    const saved = (JSON.parse(readFileSync(manifest, 'utf8')) as { RepoTags: string[] }[]).flatMap((image) => image.RepoTags.map(normalize));
    expect(saved).toHaveLength(12);
    // Every project image a deployable overlay names is in it, as containerd will name it (docker.io/…).
    const named = new Set(
      OVERLAYS.filter((overlay) => overlay !== 'k8s-base')
        .flatMap((overlay) => parseObjects(render(KUSTOMIZE, join(ROOT, overlay))))
        .flatMap((object) => [...(object.spec?.template?.spec?.containers ?? []), ...(object.spec?.containers ?? [])])
        .map((container: { image: string }) => normalize(container.image))
        .filter((image) => image.startsWith('docker.io/calculator-lab/')),
    );
    expect(named.size).toBeGreaterThanOrEqual(12);
    for (const image of named) expect(saved, image).toContain(image);
  });
});

/** An image reference as containerd stores it: Docker Hub's implicit registry written out. */
function normalize(reference: string): string {
  const [first, ...rest] = reference.split('/');
  return rest.length > 0 && first?.includes('.') ? reference : `docker.io/${reference}`;
}
