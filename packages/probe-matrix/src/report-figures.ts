// One small figure per claim, in the article's manner: only the pods and the probes the claim is
// about; a path through the sidecars in blue, a path around them in green; the outcome written on
// each arrow. Laid out so that nothing can overlap: every arrow has a row of its own on each side,
// and its label sits on its own row, in a band that no box reaches.
import type { FindingsJson } from './report-html.js';
import { escapeHtml } from './report-text.js';
import { sidecarsOf, type VariantSummary } from './variants.js';

type Row = FindingsJson['verdicts'][number];

const ROW = 34;
const TOP = 44;
const APP = 150;
const STRIP = 88;
const BOX = APP + STRIP;
const LABEL_BAND = 206;
const CURVE_BAND = 52;
const WIDTH = 8 + BOX + LABEL_BAND + CURVE_BAND + BOX + 8;
const LEFT = 8;
const RIGHT = WIDTH - 8 - BOX;

/** How a route reads on an arrow. */
export const ROUTE_LABEL: Record<Row['route'], string> = {
  'dapr-sidecar': 'app ID',
  'pod-ip': 'pod IP',
  service: 'Service',
  'dapr-internal': 'daprd :50002',
  redis: 'Redis :6379',
};

/** The outcome as written on an arrow: a status, a TCP answer, or what the connection did. */
export function outcomeOf(row: Pick<Row, 'observed' | 'observedText'>): string {
  const { status, answer } = row.observed;
  if (answer !== undefined) return answer.replace(/^\+/, '');
  if (status !== undefined) return String(status);
  return row.observedText === 'tls-rejected' ? 'TLS refused' : row.observedText;
}

/** Allowed: a 2xx, an answer over TCP, or multiplication's 422 from past the policy (through percentage). */
export function wasAllowed(row: Pick<Row, 'observed'>): boolean {
  const { status, answer } = row.observed;
  return (status !== undefined && (status < 300 || status === 422)) || answer !== undefined;
}

const sidecarName = (variant: VariantSummary, workload: string) => {
  const { dapr, mesh } = sidecarsOf(variant, workload);
  return [dapr && 'daprd', mesh && 'proxy'].filter(Boolean).join(' + ');
};

/** Which ends of an arrow meet a sidecar: a meshed pod's proxy takes every connection in and out. */
function ends(variant: VariantSummary, row: Row): { leaves: boolean; lands: boolean } {
  const caller = sidecarsOf(variant, row.caller);
  const target = sidecarsOf(variant, row.target);
  const daprRoute = row.route === 'dapr-sidecar';
  return {
    leaves: (caller.dapr && daprRoute) || caller.mesh,
    lands: (target.dapr && (daprRoute || row.route === 'dapr-internal')) || target.mesh,
  };
}

interface Slot {
  workload: string;
  /** The rows' y, in order: the ones through the sidecar first. */
  ys: Map<Row, number>;
  top: number;
  bottom: number;
  /** The y range of the sidecar strip, when the pod has one. */
  strip?: { top: number; bottom: number };
}

/**
 * Stacks the pods of one side: each pod spans a row per arrow at it, those through its sidecar first
 * (the strip covers them); a sidecar no arrow passes gets a row of its own, so it is seen bypassed.
 */
function stack(variant: VariantSummary, rows: Row[], side: 'caller' | 'target'): Slot[] {
  const slots: Slot[] = [];
  let y = TOP;
  for (const workload of [...new Set(rows.map((r) => r[side]))]) {
    const mine = rows.filter((r) => r[side] === workload);
    const through = (r: Row) => (side === 'caller' ? ends(variant, r).leaves : ends(variant, r).lands);
    const ordered = [...mine.filter(through), ...mine.filter((r) => !through(r))];
    const hasSidecar = sidecarName(variant, workload) !== '';
    const idleStrip = hasSidecar && !mine.some(through);
    const top = y;
    if (idleStrip) y += ROW;
    const ys = new Map(ordered.map((r, i) => [r, y + ROW / 2 + i * ROW]));
    y += ordered.length * ROW;
    const stripRows = idleStrip ? 1 : mine.filter(through).length;
    slots.push({ workload, ys, top, bottom: y - 6, ...(hasSidecar ? { strip: { top, bottom: top + stripRows * ROW - 6 } } : {}) });
    y += 10;
  }
  return slots;
}

function podSvg(variant: VariantSummary, slot: Slot, x: number, side: 'caller' | 'target'): string {
  const height = slot.bottom - slot.top;
  // The strip faces the other side: the caller's on its right, the target's on its left.
  const stripX = side === 'caller' ? x + APP : x;
  const appX = side === 'caller' ? x : x + STRIP;
  const strip = slot.strip
    ? `<rect class="sidecar" x="${stripX}" y="${slot.strip.top}" width="${STRIP}" height="${slot.strip.bottom - slot.strip.top}" rx="4"/>
<text class="sidecar-name" x="${stripX + STRIP / 2}" y="${slot.strip.top + 15}">${sidecarName(variant, slot.workload)}</text>`
    : '';
  return `<g class="pod${slot.strip ? '' : ' bare'}"><rect class="box" x="${x}" y="${slot.top}" width="${BOX}" height="${height}" rx="6"/>
<text class="pod-name" x="${appX + APP / 2}" y="${slot.top + 18}">${escapeHtml(slot.workload)}</text>${strip}</g>`;
}

function arrowSvg(variant: VariantSummary, row: Row, from: number, to: number): string {
  const { leaves, lands } = ends(variant, row);
  const path = leaves || lands ? 'through' : 'around';
  const allowed = wasAllowed(row);
  const x1 = LEFT + BOX;
  const x2 = RIGHT;
  const bend = x1 + LABEL_BAND;
  const mid = (bend + x2 - 14) / 2;
  const label = `${ROUTE_LABEL[row.route]} → ${outcomeOf(row)}`;
  return `<g class="probe ${path} ${allowed ? 'allowed' : 'denied'} ${row.pass ? 'as-expected' : 'differs'}" data-probe="${escapeHtml(row.id)}">
<title>${escapeHtml(`${row.caller} → ${row.target} by ${ROUTE_LABEL[row.route]}: expected ${row.expectedText}, observed ${row.observedText}`)}</title>
<path d="M${x1},${from} H${bend} C${mid},${from} ${mid},${to} ${x2 - 14},${to} H${x2 - 3}" marker-end="url(#${allowed ? 'head' : 'stop'}-${path})"/>
<text class="outcome" x="${x1 + 10}" y="${from - 6}">${escapeHtml(label)} ${row.pass ? '✓' : '✗'}</text></g>`;
}

const MARKERS = ['through', 'around']
  .map(
    (path) =>
      `<marker id="head-${path}" class="m-${path}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z"/></marker>` +
      `<marker id="stop-${path}" class="m-${path}" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path class="stop" d="M8,0 L8,10"/></marker>`,
  )
  .join('');

/** One claim's figure, from its rows (all of one variant). */
export function claimFigure(variant: VariantSummary, claim: { claim: string; text: string }, rows: Row[]): string {
  const callers = stack(variant, rows, 'caller');
  const targets = stack(variant, rows, 'target');
  const height = Math.max(...[...callers, ...targets].map((s) => s.bottom)) + 14;
  const yOf = (slots: Slot[], row: Row) => slots.find((s) => s.ys.has(row))!.ys.get(row)!;
  const pass = rows.every((r) => r.pass);
  // What a red arrow should have shown, below the figure: the arrows' labels stay short enough to fit.
  const differing = rows
    .filter((r) => !r.pass)
    .map((r) => `; <strong>${escapeHtml(`${r.caller} by ${ROUTE_LABEL[r.route]}: ${r.observedText}, expected ${r.expectedText}`)}</strong>`)
    .join('');
  return `<figure class="claim ${pass ? 'as-expected' : 'differs'}" id="claim-${escapeHtml(claim.claim)}">
<figcaption><span class="${pass ? 'ok' : 'bad'}">${pass ? '✓' : '✗'}</span> <strong>${escapeHtml(claim.claim)}</strong> · ${escapeHtml(variant.title)}<br>${escapeHtml(claim.text)}</figcaption>
<svg role="img" aria-label="${escapeHtml(claim.claim)}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg">
<defs>${MARKERS}</defs>
<text class="side" x="${LEFT}" y="22">caller</text><text class="side" x="${RIGHT}" y="22">target</text>
${callers.map((s) => podSvg(variant, s, LEFT, 'caller')).join('\n')}
${targets.map((s) => podSvg(variant, s, RIGHT, 'target')).join('\n')}
${rows.map((r) => arrowSvg(variant, r, yOf(callers, r), yOf(targets, r))).join('\n')}
</svg>
<p class="figure-end">${escapeHtml(claim.claim)}: ${rows.filter((r) => r.pass).length} of ${rows.length} probes as expected${differing}</p></figure>`;
}

export const FIGURE_STYLE = `
.claims { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 600px), 1fr)); gap: 18px; }
figure.claim { margin: 0; padding: 10px 12px; border: 1px solid #d0d7de; border-radius: 8px; break-inside: avoid; page-break-inside: avoid; }
figure.claim.differs { border-color: #cf222e; background: #fff8f7; }
figure.claim figcaption { font-size: 13px; margin-bottom: 6px; } figure.claim .figure-end { margin: 4px 0 0; font-size: 12px; color: #57606a; }
figure.claim svg { display: block; width: 100%; max-width: ${WIDTH}px; height: auto; }
figure.claim text { font-size: 12px; fill: #1f2328; }
figure.claim text.side { font-size: 11px; fill: #57606a; text-transform: uppercase; letter-spacing: .06em; }
figure.claim text.pod-name, figure.claim text.sidecar-name { text-anchor: middle; }
figure.claim text.sidecar-name { font-size: 11px; }
.pod .box { fill: #fff; stroke: #57606a; } .pod.bare .box { fill: #fff8c5; stroke-dasharray: 5 3; }
.pod .sidecar { fill: #ddf4ff; stroke: #0969da; }
.probe path { fill: none; stroke-width: 2.2; } .probe.denied path { stroke-dasharray: 6 4; }
.probe.through path { stroke: #0969da; } .probe.around path { stroke: #1a7f37; }
.m-through path { fill: #0969da; stroke: #0969da; } .m-around path { fill: #1a7f37; stroke: #1a7f37; } .stop { stroke-width: 3; }
.probe.differs text.outcome { fill: #cf222e; font-weight: 700; }
.probe.highlight path { stroke-width: 4.5; }
`;
