import { existsSync, readFileSync } from 'node:fs';

/**
 * versions.env at the repository root: the one place Dapr's and Linkerd's versions are written. The
 * build copies it next to the compiled module, for a deployed package (the e2e runner's image) that
 * has no repository around it.
 */
const IN_REPOSITORY = new URL('../../../versions.env', import.meta.url);
export const VERSIONS_FILE = existsSync(IN_REPOSITORY) ? IN_REPOSITORY : new URL('./versions.env', import.meta.url);

function read(): { dapr: string; linkerd: string; fortio: string } {
  const values = Object.fromEntries(
    readFileSync(VERSIONS_FILE, 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => line.split('=', 2) as [string, string]),
  );
  const need = (name: string) => {
    const value = values[name];
    if (!value) throw new Error(`${VERSIONS_FILE.pathname} has no ${name}`);
    return value;
  };
  return { dapr: need('DAPR_VERSION'), linkerd: need('LINKERD_VERSION'), fortio: need('FORTIO_VERSION') };
}

/** The pinned versions: `PINNED.dapr` (e.g. 1.18.3), `PINNED.linkerd` (e.g. edge-26.8.3). */
export const PINNED = read();
