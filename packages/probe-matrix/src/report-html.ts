// results/<platform>/report.html: one self-contained file (no network, no external file) drawn from
// findings.json: each variant's pods and sidecars as the article draws them, every probe as an arrow
// coloured by what was observed against what was expected, then the tables and notes.
import type { Route } from './matrix.js';
import { POLICY_TEXT, type Section } from './report.js';
import { sidecarsOf, type Variant, type VariantSummary } from './variants.js';

/** What report.html needs of findings.json (the shape writeFindings writes). */
export interface FindingsJson {
  platform: string;
  generatedAt: string;
  pass: boolean;
  versions: Record<string, string>;
  variants: VariantSummary[];
  verdicts: Array<{
    id: string;
    variant: Variant;
    caller: string;
    route: Route;
    target: string;
    method: string;
    path: string;
    claim: string;
    expectedText: string;
    observedText: string;
    pass: boolean;
    observed: { status?: number; answer?: string };
  }>;
  claims: Array<{ claim: string; text: string; ran?: boolean; pass: boolean; finding: boolean }>;
  /** The article's lists and what tests each item (report.ts, articleLines). */
  article?: string[];
  sections: Section[];
  notes: string[];
}

const mark = (pass: boolean) => (pass ? '<span class="ok">✓</span>' : '<span class="bad">✗</span>');
const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** The findings' light Markdown: **bold** and `code`. */
const inline = (text: string) =>
  escapeHtml(text)
    .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
    .replace(/`(.+?)`/g, '<code>$1</code>');

const PANEL = { width: 760, height: 560 };
const POD = { width: 170, height: 74 };
/**
 * Pods in three columns, so every arrow runs left to right: the callers; percentage, called and
 * calling (the call graph's deputy); what is only called. A variant draws those its probes name.
 */
const COLUMNS = [
  ['mathfanboy', 'addition', 'intruder', 'percentage-daprmtls'],
  ['percentage', 'percentage-nopolicy'],
  ['multiplication', 'multiplication-loopback', 'multiplication-token', 'multiplication-nopolicy', 'multiplication-acl', 'multiplication-daprmtls', 'redis'],
];
/** A variant's panel title: its name, namespace, and what its pods carry. */
function titleOf({ title, namespace, dapr, mesh }: VariantSummary): string {
  const parts = [mesh && `${mesh.name} model`, dapr && mesh && `Dapr's mTLS ${dapr.mtls ? 'on' : 'off'}`].filter(Boolean);
  return `${title} — namespace ${namespace}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

interface Box {
  x: number;
  y: number;
}

/** The pods a variant's probes name, per column, in the columns' order. */
function columnsOf(variant: Variant, verdicts: FindingsJson['verdicts']): string[][] {
  const named = new Set(verdicts.filter((v) => v.variant === variant).flatMap((v) => [v.caller, v.target]));
  return COLUMNS.map((column) => column.filter((w) => named.has(w)));
}

function podPosition(columns: string[][], workload: string): Box | undefined {
  const column = columns.findIndex((c) => c.includes(workload));
  if (column < 0) return undefined;
  const gap = (PANEL.width - 40 - COLUMNS.length * POD.width) / (COLUMNS.length - 1);
  const step = Math.min(140, (PANEL.height - 80) / Math.max(...columns.map((c) => c.length)));
  // The middle column sits half a step lower, between the rows, so arrows across it pass its pods by.
  const stagger = column === 1 ? step / 2 : 0;
  return { x: 20 + column * (POD.width + gap), y: 60 + stagger + columns[column]!.indexOf(workload) * step };
}

/** A pod: the app on top, its sidecar as a strip below (none for the intruder). */
function podSvg(variant: VariantSummary, columns: string[][], workload: string): string {
  const at = podPosition(columns, workload)!;
  const carries = sidecarsOf(variant, workload);
  const meshed = carries.dapr || carries.mesh;
  const appHeight = meshed ? 44 : POD.height;
  const classes = `${carries.dapr ? ' has-dapr' : ''}${carries.mesh ? ' has-mesh' : ''}`;
  const label = [carries.dapr && 'daprd', carries.mesh && 'proxy'].filter(Boolean).join(' + ');
  const sidecar = meshed
    ? `<rect class="sidecar${classes}" x="${at.x + 6}" y="${at.y + appHeight}" width="${POD.width - 12}" height="${POD.height - appHeight - 6}" rx="4"/>
<text class="small" x="${at.x + POD.width / 2}" y="${at.y + appHeight + 17}">${label}</text>`
    : '';
  return `<g class="pod${meshed ? '' : ' unmeshed'}"><rect x="${at.x}" y="${at.y}" width="${POD.width}" height="${POD.height}" rx="8"/>
<text x="${at.x + POD.width / 2}" y="${at.y + 27}">${escapeHtml(workload)}</text>${sidecar}</g>`;
}

/**
 * Where a probe's arrow starts and ends: through the sidecars (the lower strips) or straight from
 * app to app (the upper part). A meshed caller's connection always leaves through its proxy and
 * every connection to a meshed pod lands on its proxy: that is the interception.
 */
function endpoints(v: FindingsJson['verdicts'][number], columns: string[][], variant: VariantSummary): { from: Box; to: Box } | undefined {
  const from = podPosition(columns, v.caller);
  const to = podPosition(columns, v.target);
  if (!from || !to) return undefined;
  const intercepted = variant.mesh !== undefined;
  const viaOwnSidecar = v.caller !== 'intruder' && (intercepted || v.route === 'dapr-sidecar');
  const ontoSidecar = intercepted || v.route === 'dapr-sidecar' || v.route === 'dapr-internal';
  return { from: { x: from.x + POD.width, y: from.y + (viaOwnSidecar ? 60 : 22) }, to: { x: to.x, y: to.y + (ontoSidecar ? 60 : 22) } };
}

/** A point of the cubic Bézier a→b with both control points at x = cx (the arrows' shape). */
function onCurve(a: Box, b: Box, cx: number, t: number): Box {
  const u = 1 - t;
  return { x: u * u * u * a.x + 3 * u * t * (u * cx + t * cx) + t * t * t * (b.x - 4), y: u * u * u * a.y + 3 * u * u * t * a.y + 3 * u * t * t * b.y + t * t * t * b.y };
}

function arrowsSvg(variant: VariantSummary, columns: string[][], verdicts: FindingsJson['verdicts'], numberOf: Map<string, number>): string {
  const mine = verdicts.filter((v) => v.variant === variant.name);
  const lanes = new Map<string, number>();
  const fromCaller = new Map<string, number>();
  return mine
    .map((v) => {
      const ends = endpoints(v, columns, variant);
      if (!ends) return '';
      const key = `${v.caller}>${v.target}`;
      const lane = lanes.get(key) ?? 0;
      lanes.set(key, lane + 1);
      const a = { x: ends.from.x, y: ends.from.y + lane * 5 };
      const b = { x: ends.to.x, y: ends.to.y + lane * 5 };
      const cx = (a.x + b.x) / 2;
      // Each caller's numbers step along its arrows, so that arrows sharing a route keep legible labels.
      const j = fromCaller.get(v.caller) ?? 0;
      fromCaller.set(v.caller, j + 1);
      const label = onCurve(a, b, cx, 0.1 + 0.13 * j);
      // Allowed: a 2xx, an answer over TCP, or an answer from past the policy (multiplication's 422 through percentage).
      const allowed = (typeof v.observed.status === 'number' && (v.observed.status < 300 || v.observed.status === 422)) || v.observed.answer !== undefined;
      const n = numberOf.get(v.id)!;
      const cls = `arrow ${v.pass ? 'as-expected' : 'differs'} ${allowed ? 'allowed' : 'denied'}`;
      return `<g class="${cls}" data-probe="${escapeHtml(v.id)}"><title>#${n} ${escapeHtml(`${v.caller} → ${v.target} (${v.route}): expected ${v.expectedText}, observed ${v.observedText}`)}</title>
<path d="M${a.x},${a.y} C${cx},${a.y} ${cx},${b.y} ${b.x - 4},${b.y}" marker-end="url(#${allowed ? 'head' : 'bar'}-${v.pass ? 'ok' : 'bad'})"/>
<circle cx="${label.x.toFixed(1)}" cy="${label.y.toFixed(1)}" r="9"/><text x="${label.x.toFixed(1)}" y="${(label.y + 4).toFixed(1)}">${n}</text></g>`;
    })
    .join('\n');
}

function panelSvg(variant: VariantSummary, f: FindingsJson, numberOf: Map<string, number>): string {
  const columns = columnsOf(variant.name, f.verdicts);
  const workloads = columns.flat();
  const marker = (id: string, shape: string) =>
    `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">${shape}</marker>`;
  const markers = ['ok', 'bad']
    .map((k) => `${marker(`head-${k}`, `<path class="m-${k}" d="M0,0 L10,5 L0,10 z"/>`)}${marker(`bar-${k}`, `<path class="m-${k} bar" d="M8,0 L8,10"/>`)}`)
    .join('');
  return `<svg class="panel" role="img" aria-label="${escapeHtml(titleOf(variant))}" viewBox="0 0 ${PANEL.width} ${PANEL.height}" width="${PANEL.width}" height="${PANEL.height}" xmlns="http://www.w3.org/2000/svg">
<defs>${markers}</defs>
<rect class="namespace" x="4" y="4" width="${PANEL.width - 8}" height="${PANEL.height - 8}" rx="10"/>
<text class="title" x="16" y="30">${escapeHtml(titleOf(variant))}</text>
${workloads.map((w) => podSvg(variant, columns, w)).join('\n')}
${arrowsSvg(variant, columns, f.verdicts, numberOf)}
</svg>`;
}

function table(header: string[], rows: string[][], rowAttributes: (i: number) => string): string {
  return `<table><thead><tr>${header.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>
${rows.map((r, i) => `<tr ${rowAttributes(i)}>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n')}
</tbody></table>`;
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1f2328; max-width: 1560px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
.verdict { font-weight: 600; } .ok { color: #1a7f37; font-weight: 700; } .bad { color: #cf222e; font-weight: 700; } .skip { color: #57606a; }
.panels { display: flex; flex-wrap: wrap; gap: 16px; }
.panel text { font-size: 13px; text-anchor: middle; fill: #1f2328; } .panel text.title { text-anchor: start; font-weight: 600; font-size: 14px; }
.panel text.small { font-size: 11px; }
.namespace { fill: #f6f8fa; stroke: #d0d7de; }
.pod rect { fill: #fff; stroke: #57606a; } .pod.unmeshed > rect { stroke-dasharray: 5 3; fill: #fff8c5; }
.sidecar.has-dapr { fill: #ddf4ff; stroke: #0969da; } .sidecar.has-mesh { fill: #fbefff; stroke: #8250df; }
.sidecar.has-dapr.has-mesh { fill: #eef1ff; stroke: #6639ba; }
.arrow path { fill: none; stroke-width: 2; } .arrow.denied path { stroke-dasharray: 6 4; }
.arrow.as-expected path { stroke: #1a7f37; } .arrow.differs path { stroke: #cf222e; stroke-width: 3; }
.arrow circle { fill: #fff; stroke: #57606a; } .arrow text { font-size: 10px; }
.arrow.differs circle { fill: #ffebe9; stroke: #cf222e; }
.arrow.highlight path { stroke-width: 5; } .arrow.highlight circle { fill: #fff8c5; }
.m-ok { fill: #1a7f37; stroke: #1a7f37; } .m-bad { fill: #cf222e; stroke: #cf222e; } .bar { stroke-width: 3; }
table { border-collapse: collapse; margin: 6px 0; } th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } tr.differs td { background: #ffebe9; } tr.highlight td { background: #fff8c5; }
code, pre { font: 12px ui-monospace, monospace; } pre { background: #f6f8fa; padding: 8px; overflow-x: auto; }
.legend span { margin-right: 18px; }
`;

/** Hovering a row of the matrix highlights its arrow, and the other way round. */
const SCRIPT = `
for (const el of document.querySelectorAll('[data-probe]')) {
  const all = () => document.querySelectorAll('[data-probe="' + el.dataset.probe + '"]');
  el.addEventListener('mouseenter', () => all().forEach((x) => x.classList.add('highlight')));
  el.addEventListener('mouseleave', () => all().forEach((x) => x.classList.remove('highlight')));
}
`;

/** The report as one HTML string: pass it findings.json as writeFindings writes it. */
export function renderReport(f: FindingsJson): string {
  const numberOf = new Map(f.verdicts.map((v, i) => [v.id, i + 1]));
  // The variants that ran, in the order they were given.
  const variants = f.variants.filter((v) => f.verdicts.some((x) => x.variant === v.name));
  const failed = f.verdicts.filter((v) => !v.pass).length;
  const matrix = table(
    ['#', '', 'variant', 'caller', 'route', 'target', 'expected', 'observed', 'claim'],
    f.verdicts.map((v, i) => [
      String(i + 1),
      mark(v.pass),
      v.variant,
      v.caller,
      v.route,
      v.method === 'GET' ? `${v.target} (GET ${v.path})` : v.target,
      escapeHtml(v.expectedText),
      escapeHtml(v.observedText),
      v.claim,
    ]),
    (i) => `class="${f.verdicts[i]!.pass ? '' : 'differs'}" data-probe="${escapeHtml(f.verdicts[i]!.id)}"`,
  );
  const sections = f.sections
    .map(
      (s) =>
        `<h2>${inline(s.title)}</h2><ul>${s.items.map((i) => `<li>${mark(i.pass)} ${inline(i.text)}${i.lines?.length ? `<pre>${escapeHtml(i.lines.join('\n'))}</pre>` : ''}</li>`).join('')}</ul>`,
    )
    .join('\n');
  const versions = Object.entries(f.versions)
    .map(([k, v]) => `${escapeHtml(k)} ${escapeHtml(v)}`)
    .join(', ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Findings: ${escapeHtml(f.platform)} lab</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body>
<h1>Dapr vs a service mesh: findings of the ${escapeHtml(f.platform)} lab</h1>
<p class="verdict ${f.pass ? 'ok' : 'bad'}">${f.pass ? 'Every cell as expected.' : `${failed} of ${f.verdicts.length} cells differ from the expected ones (red).`}</p>
<p>Generated ${escapeHtml(f.generatedAt)} (${versions}). ${escapeHtml(POLICY_TEXT)}</p>
<p class="legend"><span>— allowed (2xx, a TCP answer, or multiplication's 422 through percentage)</span><span>- - ⊣ denied or refused</span><span style="color:#1a7f37">green: as expected</span><span style="color:#cf222e">red: differs</span>
<span>upper lane: app to app (past any sidecar); lower lane: sidecar to sidecar</span></p>
<div class="panels">${variants.map((v) => panelSvg(v, f, numberOf)).join('\n')}</div>
<h2>Probe matrix</h2>${matrix}
<h2>Claims</h2><ul>${f.claims.map((c) => `<li>${c.ran === false ? '<span class="skip">not run here:</span>' : mark(c.pass)} <strong>${escapeHtml(c.claim)}</strong>${c.finding ? ' (finding)' : ''}: ${inline(c.text)}</li>`).join('')}</ul>
<h2>The article's lists, and what tests each item</h2><ul>${(f.article ?? []).map((line) => `<li>${inline(line.replace(/^- /, ''))}</li>`).join('')}</ul>
${sections}
<h2>Notes</h2><ul>${f.notes.map((n) => `<li>${inline(n)}</li>`).join('')}</ul>
<script>${SCRIPT}</script>
</body></html>
`;
}
