import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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

const probesIn = (html: string) => [...html.matchAll(/<g class="probe ([^"]+)" data-probe="([^"]+)">/g)].map((m) => ({ cls: m[1]!, id: m[2]! }));
const figureOf = (html: string, claim: string) => html.slice(html.indexOf(`id="claim-${claim}"`), html.indexOf('</figure>', html.indexOf(`id="claim-${claim}"`)));

describe('report.html, drawn from findings.json', () => {
  const html = readFileSync(writeReport(), 'utf8');

  it("draws every probe once, in its claim's figure, and lists it in its variant's matrix and in the evidence", () => {
    expect(
      probesIn(html)
        .map((a) => a.id)
        .sort(),
    ).toEqual(PROBES.map((p) => p.id).sort());
    for (const p of PROBES) {
      expect(figureOf(html, p.claim), p.id).toContain(`data-probe="${p.id}"`);
      expect(html, p.id).toContain(`<li class="${p.id === DIFFERING ? 'differs' : 'as-expected'}" data-probe="${p.id}"><a href="#probe-${p.id}">`);
      expect(html, p.id).toContain(`<tr id="probe-${p.id}" class="${p.id === DIFFERING ? 'differs' : ''}" data-probe="${p.id}">`);
    }
    expect(html.match(/<figure class="claim /g)).toHaveLength(new Set(PROBES.map((p) => p.claim)).size);
  });

  it('draws a path through a sidecar in blue and one around them in green, and writes the outcome on it', () => {
    const byId = new Map(probesIn(html).map((a) => [a.id, a.cls]));
    expect(byId.get('dapr-intruder-pod-ip')).toBe('around allowed as-expected');
    expect(byId.get('dapr-addition-sidecar')).toBe('through denied as-expected');
    expect(byId.get('mesh-addition-service')).toBe('through denied as-expected');
    expect(byId.get('dapr-intruder-redis')).toBe('around allowed as-expected');
    expect(byId.get(DIFFERING)).toBe('through allowed differs');
    expect(figureOf(html, 'dapr-bypass')).toContain('>pod IP → 200 ✓</text>');
    expect(figureOf(html, 'mesh-denies-unmeshed')).toContain('>pod IP → 200 ✗</text>');
    expect(figureOf(html, 'mesh-denies-unmeshed')).toContain('1 of 2 probes as expected; <strong>intruder by pod IP: 200, expected 403 empty</strong>');
    expect(figureOf(html, 'l4-mesh')).toContain('>Redis :6379 → closed ✓</text>');
    expect(html).toContain(`1 of ${PROBES.length} cells differ`);
  });

  it("shows the sidecar a bypass goes around: multiplication's daprd, on no path of dapr-bypass", () => {
    const figure = figureOf(html, 'dapr-bypass');
    expect(figure.match(/class="sidecar-name"[^>]*>daprd</g)).toHaveLength(2);
  });

  it('is self-contained and escapes what it quotes', () => {
    const urls = [...html.matchAll(/(?:src|href)=["']?([^"' >#][^"' >]*)/g)].map((m) => m[1]);
    expect(urls).toEqual([]);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain('with <strong>bold</strong> and <code>code</code> &lt;b&gt;escaped&lt;/b&gt;');
  });
});

/** Debian's Chromium (make test installs it: scripts/test-tools.sh). */
function chromium(): string {
  for (const name of ['chromium', 'chromium-browser']) if (spawnSync('sh', ['-c', `command -v ${name}`]).status === 0) return name;
  throw new Error(
    'NO BROWSER: Chromium is not installed, so the report cannot be checked in a browser. Install it: scripts/test-tools.sh (make test runs it), or apt-get install chromium',
  );
}

/**
 * Measures the rendered page, in the page: every pair of a figure's texts that overlap, every text
 * that is neither inside a box nor clear of it, and whether the page scrolls sideways. Its answer
 * goes into the title, which --dump-dom prints.
 */
const LAYOUT_PROBE = `<script>
const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
const problems = [];
for (const figure of document.querySelectorAll('figure.claim')) {
  const texts = [...figure.querySelectorAll('svg text')].map((t) => ({ text: t.textContent, box: t.getBoundingClientRect() }));
  const boxes = [...figure.querySelectorAll('svg rect')].map((r) => r.getBoundingClientRect());
  texts.forEach((a, i) => texts.slice(i + 1).forEach((b) => { if (overlap(a.box, b.box)) problems.push(figure.id + ': "' + a.text + '" on "' + b.text + '"'); }));
  for (const t of texts) for (const b of boxes) if (overlap(t.box, b) && !inside(t.box, b)) problems.push(figure.id + ': "' + t.text + '" across a box');
  const svg = figure.querySelector('svg').getBoundingClientRect(), own = figure.getBoundingClientRect();
  if (svg.right > own.right + 0.5) problems.push(figure.id + ': wider than its frame');
}
document.title = 'LAYOUT ' + JSON.stringify({ problems, figures: document.querySelectorAll('figure.claim').length, scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth });
</script>`;

describe('report.html in a real browser (headless Chromium)', { timeout: 120_000 }, () => {
  const file = writeReport();
  const flags = () => ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--user-data-dir=${mkdtempSync(join(tmpdir(), 'chromium-'))}`];
  /** The page as laid out in a window of that width, measured by LAYOUT_PROBE. */
  const layoutAt = (width: number) => {
    const measured = join(mkdtempSync(join(tmpdir(), 'layout-')), 'report.html');
    writeFileSync(measured, readFileSync(file, 'utf8').replace('</body>', `${LAYOUT_PROBE}</body>`));
    const run = spawnSync(chromium(), [...flags(), `--window-size=${width},768`, '--dump-dom', `file://${measured}`], { encoding: 'utf8', timeout: 90_000 });
    expect(run.status, run.stderr).toBe(0);
    const title = /<title>LAYOUT (.*?)<\/title>/.exec(run.stdout)?.[1];
    expect(title, 'the layout probe did not run').toBeDefined();
    return JSON.parse(title!.replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as { problems: string[]; figures: number; scrollWidth: number; width: number };
  };

  it('renders with no console message and every probe drawn', () => {
    const run = spawnSync(chromium(), [...flags(), '--enable-logging=stderr', '--v=0', '--dump-dom', `file://${file}`], { encoding: 'utf8', timeout: 90_000 });
    expect(run.status, run.stderr).toBe(0);
    const consoleLines = run.stderr.split('\n').filter((l) => l.includes(':CONSOLE'));
    expect(consoleLines).toEqual([]);
    expect(
      probesIn(run.stdout)
        .map((a) => a.id)
        .sort(),
    ).toEqual(PROBES.map((p) => p.id).sort());
  });

  it('at 1366×768: no label on another label or across a box, and no horizontal scroll', () => {
    const layout = layoutAt(1366);
    expect(layout.figures).toBe(new Set(PROBES.map((p) => p.claim)).size);
    expect(layout.problems).toEqual([]);
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.width);
  });

  it("at a printed page's width (A4, 718 px between the margins), the figures shrink to fit, and still nothing overlaps", () => {
    expect(layoutAt(718).problems).toEqual([]);
  });

  it('printed (--print-to-pdf), each figure is whole on one page: its caption and its last line on the same page', () => {
    const pdf = join(mkdtempSync(join(tmpdir(), 'print-')), 'report.pdf');
    execFileSync(chromium(), [...flags(), '--no-pdf-header-footer', `--print-to-pdf=${pdf}`, `file://${file}`], { stdio: 'pipe', timeout: 90_000 });
    const pages = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).split('\f');
    const pageOf = (text: string) => pages.findIndex((page) => page.replace(/\s+/g, ' ').includes(text));
    for (const claim of new Set(PROBES.map((p) => p.claim))) {
      const caption = pageOf(`${claim} ·`);
      expect(caption, `${claim}'s caption`).toBeGreaterThanOrEqual(0);
      expect(pageOf(`${claim}: `), `${claim}'s last line`).toBe(caption);
    }
  });

  it('takes a screenshot of it (what docs/report.png shows, from a real run)', () => {
    const png = join(mkdtempSync(join(tmpdir(), 'shot-')), 'report.png');
    execFileSync(chromium(), [...flags(), '--window-size=1366,900', `--screenshot=${png}`, `file://${file}`], { stdio: 'pipe', timeout: 90_000 });
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(png).size).toBeGreaterThan(50_000);
  });
});
