import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

/** Every document of a multi-document YAML text, as plain objects (empty documents skipped). */
export function parseObjects(text: string): Array<Record<string, any>> {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`YAML: ${doc.errors[0]?.message}`);
      return doc.toJS() as Record<string, any> | null;
    })
    .filter((o): o is Record<string, any> => o !== null && typeof o === 'object');
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
