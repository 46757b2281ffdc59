import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/**
 * versions.env at the repository root: the one place the pinned versions (Dapr, Linkerd, Kubernetes, fortio) are written. The
 * build copies it next to the compiled module, for a deployed package (the e2e runner's image) that
 * has no repository around it.
 */
const IN_REPOSITORY = new URL('../../../versions.env', import.meta.url);
export const VERSIONS_FILE = existsSync(IN_REPOSITORY) ? IN_REPOSITORY : new URL('./versions.env', import.meta.url);

/** The pins in a versions.env text, read as Node reads a .env file (util.parseEnv: comments, quotes). */
export function parseVersions(text: string, source = 'versions.env'): { dapr: string; linkerd: string; kubernetes: string; fortio: string } {
  const values = parseEnv(text);
  const need = (name: string) => {
    const value = values[name];
    if (!value) throw new Error(`${source} has no ${name}`);
    return value;
  };
  return { dapr: need('DAPR_VERSION'), linkerd: need('LINKERD_VERSION'), kubernetes: need('KUBERNETES_VERSION'), fortio: need('FORTIO_VERSION') };
}

/** The pinned versions: `PINNED.dapr` (e.g. 1.18.3), `PINNED.linkerd` (e.g. edge-26.8.3). */
export const PINNED = parseVersions(readFileSync(VERSIONS_FILE, 'utf8'), VERSIONS_FILE.pathname);
