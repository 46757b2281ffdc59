import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAPR_VERSION, ensureDaprBinaries } from '@calc/lab';
import { docker } from './engine.js';

/**
 * daprd in an image, for engines that cannot pull `daprio/daprd:<version>` (the official one, which a
 * user with Docker may use instead): the lab's own daprd, a static Go binary, `FROM scratch`, as
 * Dapr's own image is built, running as 65532 like it.
 */
export function daprdImage(): string {
  const image = `calculator-lab/daprd:${DAPR_VERSION}-local`;
  if (docker('images', '-q', image) !== '') return image;
  const { daprd } = ensureDaprBinaries(() => {});
  const context = mkdtempSync(join(tmpdir(), 'daprd-image-'));
  try {
    copyFileSync(daprd, join(context, 'daprd'));
    writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY daprd /daprd\nUSER 65532:65532\nENTRYPOINT ["/daprd"]\n');
    docker('build', '--quiet', '-t', image, context);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  return image;
}
