import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LINKERD, PINNED, parseVersions } from '../src/index.js';

const file = (path: string) => readFileSync(fileURLToPath(new URL(`../../../${path}`, import.meta.url)), 'utf8');

describe('versions.env, the one place the Dapr and Linkerd versions are written', () => {
  it('is read as Node reads a .env file: comments and quotes as the shell takes them', () => {
    const text = '# pins\nDAPR_VERSION="1.18.3"\nLINKERD_VERSION=edge-26.8.3 # the edge release\nKUBERNETES_VERSION=1.35.0\nFORTIO_VERSION=\'v1.66.0\'\n';
    expect(parseVersions(text)).toEqual({ dapr: '1.18.3', linkerd: 'edge-26.8.3', kubernetes: '1.35.0', fortio: 'v1.66.0' });
    expect(() => parseVersions('DAPR_VERSION=1\n', 'x.env')).toThrow('x.env has no LINKERD_VERSION');
  });

  it('is what the TypeScript reads', () => {
    expect(PINNED.dapr).toMatch(/^\d+\.\d+\.\d+$/);
    expect(PINNED.linkerd).toMatch(/^edge-\d+\.\d+\.\d+$/);
    expect(LINKERD.version).toBe(PINNED.linkerd);
  });

  it('is what the Go modules and the injector harness build (Go needs the version written in go.mod)', () => {
    for (const goMod of ['tools/dapr/go.mod', 'tools/dapr/injector/go.mod']) {
      expect(file(goMod), goMod).toContain(`\tgithub.com/dapr/dapr v${PINNED.dapr}\n`);
      expect(
        file(goMod)
          .match(/dapr\/dapr v\d+\.\d+\.\d+/g)!
          .every((m) => m === `dapr/dapr v${PINNED.dapr}`),
        goMod,
      ).toBe(true);
    }
    expect(file('tools/dapr/injector/main.go')).toContain(`"tag": "${PINNED.dapr}"`);
  });

  it('is sourced by the scripts, which write no version of their own', () => {
    for (const script of ['scripts/kind-env.sh', 'tools/dapr/build.sh']) {
      expect(file(script), script).toMatch(/^source (\.\.\/\.\.\/)?versions\.env$/m);
      expect(file(script), script).not.toMatch(/^(DAPR|LINKERD)_VERSION=/m);
    }
    // The kind scripts take their pins from kind-env.sh, never from a copy of their own.
    for (const script of ['scripts/kind.sh', 'scripts/kind-preflight.sh', 'scripts/kind-prefetch.sh']) {
      expect(file(script), script).toMatch(/^source scripts\/kind-env\.sh$/m);
      expect(file(script), script).not.toMatch(/^(DAPR|LINKERD)_VERSION=/m);
    }
  });
});
