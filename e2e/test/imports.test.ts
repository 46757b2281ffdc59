import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Every module a compiled file imports, transitively within its package (relative imports only), and the packages it names. */
function importsOf(entry: URL, seen = new Set<string>()): Set<string> {
  const text = readFileSync(entry, 'utf8');
  for (const [, spec] of text.matchAll(/^(?:import|export) [^'"]*['"]([^'"]+)['"]/gm)) {
    if (spec!.startsWith('.')) {
      const next = new URL(spec!, entry);
      if (!seen.has(next.href)) {
        seen.add(next.href);
        importsOf(next, seen);
      }
    } else seen.add(spec!);
  }
  return seen;
}

describe('the kind e2e runs without the local lab', () => {
  it("takes the benchmark's method and report from @calc/bench without loading its local scenarios or @calc/lab", () => {
    const bench = new URL('../../packages/bench/dist/index.js', import.meta.url);
    const loaded = [...importsOf(bench)];
    expect(loaded.some((m) => m.endsWith('/method.js'))).toBe(true);
    expect(loaded.some((m) => m.endsWith('/paired-report.js'))).toBe(true);
    expect(loaded.filter((m) => m.includes('@calc/lab') || m.endsWith('/scenarios.js'))).toEqual([]);
  });
});
