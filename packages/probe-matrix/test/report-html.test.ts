import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judge, PROBES, summaryOf, VARIANTS, writeFindings } from '../src/index.js';

import { asExpected } from './as-expected.js';

/** One row made to differ. */
const DIFFERING = 'mesh-intruder-pod-ip';

function writeReport(): string {
  const dir = mkdtempSync(join(tmpdir(), 'report-'));
  const verdicts = PROBES.map((p) => judge(p, p.id === DIFFERING ? { status: 200, bodyBytes: 13, detail: '{"result":42}' } : asExpected(p)));
  writeFindings(dir, {
    platform: 'local',
    generatedAt: '2026-12-01T00:00:00.000Z',
    durationSeconds: 1,
    variants: VARIANTS.map(summaryOf),
    versions: { daprd: '1.18.3' },
    verdicts,
    sections: [{ title: 'A section', items: [{ pass: true, text: 'with **bold** and `code` <b>escaped</b>', lines: ['a table line'] }] }],
    data: {},
    notes: ['a note'],
    pass: false,
  });
  return join(dir, 'report.html');
}

const arrows = (html: string) => [...html.matchAll(/<g class="arrow ([^"]+)" data-probe="([^"]+)">/g)].map((m) => ({ cls: m[1]!, id: m[2]! }));

describe('report.html, drawn from findings.json', () => {
  const html = readFileSync(writeReport(), 'utf8');

  it('draws every probe as an arrow and lists it in the table', () => {
    expect(arrows(html).map((a) => a.id)).toEqual(PROBES.map((p) => p.id));
    for (const p of PROBES) expect(html, p.id).toContain(`<tr class="${p.id === DIFFERING ? 'differs' : ''}" data-probe="${p.id}">`);
  });

  it('colours each arrow by observed against expected, and styles it by what was observed', () => {
    const byId = new Map(arrows(html).map((a) => [a.id, a.cls]));
    expect(byId.get(DIFFERING)).toBe('differs allowed');
    expect(byId.get('dapr-intruder-pod-ip')).toBe('as-expected allowed');
    expect(byId.get('mesh-addition-service')).toBe('as-expected denied');
    expect(byId.get('mesh-intruder-redis')).toBe('as-expected denied');
    expect(byId.get('dapr-intruder-redis')).toBe('as-expected allowed');
    expect(html).toContain(`1 of ${PROBES.length} cells differ`);
  });

  it('is self-contained and escapes what it quotes', () => {
    const urls = [...html.matchAll(/(?:src|href)=["']?([^"' >]+)/g)].map((m) => m[1]);
    expect(urls).toEqual([]);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain('with <strong>bold</strong> and <code>code</code> &lt;b&gt;escaped&lt;/b&gt;');
  });
});

/** Debian's Chromium (make test installs it: scripts/browser-tools.sh). */
function chromium(): string {
  for (const name of ['chromium', 'chromium-browser']) if (spawnSync('sh', ['-c', `command -v ${name}`]).status === 0) return name;
  throw new Error(
    'NO BROWSER: Chromium is not installed, so the report cannot be checked in a browser. Install it: scripts/browser-tools.sh (make test runs it), or apt-get install chromium',
  );
}

describe('report.html in a real browser (headless Chromium)', () => {
  const file = writeReport();
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--user-data-dir=${mkdtempSync(join(tmpdir(), 'chromium-'))}`];

  it('renders with no console message and every probe drawn', () => {
    const run = spawnSync(chromium(), [...flags, '--enable-logging=stderr', '--v=0', '--dump-dom', `file://${file}`], { encoding: 'utf8', timeout: 90_000 });
    expect(run.status, run.stderr).toBe(0);
    const consoleLines = run.stderr.split('\n').filter((l) => l.includes(':CONSOLE'));
    expect(consoleLines).toEqual([]);
    // The DOM after the page's script ran: every arrow there, each with its number.
    expect(arrows(run.stdout).map((a) => a.id)).toEqual(PROBES.map((p) => p.id));
    expect(run.stdout).toContain('</svg>');
  });

  it('takes a screenshot of it (what docs/report.png shows, from a real run)', () => {
    const png = join(mkdtempSync(join(tmpdir(), 'shot-')), 'report.png');
    execFileSync(chromium(), [...flags, '--window-size=1300,700', `--screenshot=${png}`, `file://${file}`], { stdio: 'pipe', timeout: 90_000 });
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(png).size).toBeGreaterThan(50_000);
  });
});
