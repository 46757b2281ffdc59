import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

/** A parsed YAML or JSON document: untyped by nature; the checks read it by path. */
// biome-ignore lint/suspicious/noExplicitAny: manifests, CRDs and the OpenAPI document have no static type here
export type Untyped = Record<string, any>;

/** Every document of a multi-document YAML text, as plain objects (empty documents skipped). */
export function parseObjects(text: string): Untyped[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`YAML: ${doc.errors[0]?.message}`);
      return doc.toJS() as Untyped | null;
    })
    .filter((o): o is Untyped => o !== null && typeof o === 'object');
}

/** `kustomize build <dir>`; a failure becomes an Error carrying kustomize's message. */
export function render(kustomize: string, dir: string): string {
  try {
    return execFileSync(kustomize, ['build', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`kustomize build ${dir} failed: ${(stderr || message).trim()}`);
  }
}
