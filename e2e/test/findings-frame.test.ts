// The e2e Job's findings travel in its log: framed by e2e/src/findings-frame.ts, cut back out by
// scripts/kind.sh's awk (the host has no Node). What goes in must come out byte for byte.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FINDINGS_FILES, framedFindings } from '../src/findings-frame.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** scripts/kind.sh's unframe_findings, run by bash on a log. */
function unframe(log: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'unframe-'));
  writeFileSync(join(dir, 'e2e.log'), log);
  const fn = execFileSync('sed', ['-n', '/^unframe_findings() {/,/^}/p', join(ROOT, 'scripts/kind.sh')], { encoding: 'utf8' });
  execFileSync('bash', ['-c', `${fn}\nunframe_findings "$1" "$2"`, 'unframe', join(dir, 'e2e.log'), dir]);
  return dir;
}

describe("the findings, through the Job's log and back", () => {
  it('come out of the log as they went in, whatever they contain', () => {
    const source = mkdtempSync(join(tmpdir(), 'findings-'));
    const contents = {
      'findings.md': '# Findings\n\n----- END findings.json -----? no: inside a line\n| ✅ | a | b |\n\n\n',
      'findings.json': `${JSON.stringify({ pass: false, note: '----- BEGIN findings.md -----' }, null, 2)}\n`,
      'report.html': '<!doctype html>\n<p>----- BEGIN report.html ----- inside a line</p>\n<svg><path d="M0,0"/></svg>\n',
    };
    for (const name of FINDINGS_FILES) writeFileSync(join(source, name), contents[name]);
    const log = `==> running 21 probes\n✗ a cell differs\n${framedFindings(source)}\n==> some results differ\n`;
    const out = unframe(log);
    for (const name of FINDINGS_FILES) expect(readFileSync(join(out, name), 'utf8'), name).toBe(contents[name]);
  });
});
