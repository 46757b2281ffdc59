// Each variant's probes at a glance (callers as rows, targets as columns, every probe of a pair by
// its route, expected against observed), each linked to its evidence: what came back, and what the
// target's own sidecar counted over the run.
import { outcomeOf, ROUTE_LABEL } from './report-figures.js';
import type { FindingsJson } from './report-html.js';
import { escapeHtml } from './report-text.js';
import type { VariantSummary } from './variants.js';

type Row = FindingsJson['verdicts'][number];
/** What findings.json keeps of a sidecar's counts (sidecar-stats.ts, under data.sidecars). */
export interface SidecarCountsJson {
  variant: string;
  service: string;
  sidecar: string;
  requests: number;
  failures: number;
  denials: number;
}

const anchor = (row: Row) => `probe-${escapeHtml(row.id)}`;
const unique = (values: string[]) => [...new Set(values)];

function cell(rows: Row[]): string {
  if (rows.length === 0) return '<td class="none"></td>';
  const items = rows.map(
    (r) =>
      `<li class="${r.pass ? 'as-expected' : 'differs'}" data-probe="${escapeHtml(r.id)}"><a href="#${anchor(r)}">${ROUTE_LABEL[r.route]}</a> ${escapeHtml(r.expectedText)}${
        r.pass ? ' ✓' : ` <strong>≠ ${escapeHtml(r.observedText)} ✗</strong>`
      }</li>`,
  );
  return `<td class="${rows.every((r) => r.pass) ? 'as-expected' : 'differs'}"><ul>${items.join('')}</ul></td>`;
}

/** One variant's matrix: callers down, targets across. */
export function variantMatrix(variant: VariantSummary, verdicts: Row[]): string {
  const mine = verdicts.filter((v) => v.variant === variant.name);
  const callers = unique(mine.map((v) => v.caller));
  const targets = unique(mine.map((v) => v.target));
  const head = `<tr><th>caller ↓ target →</th>${targets.map((t) => `<th>${escapeHtml(t)}</th>`).join('')}</tr>`;
  const body = callers.map((c) => `<tr><th>${escapeHtml(c)}</th>${targets.map((t) => cell(mine.filter((v) => v.caller === c && v.target === t))).join('')}</tr>`).join('\n');
  return `<h3>${escapeHtml(variant.title)} <small>(namespace ${escapeHtml(variant.namespace)})</small></h3>
<table class="matrix">${head}\n${body}</table>`;
}

/** The evidence of every probe: what came back, and its target's sidecar counts over the whole run. */
export function evidenceTable(verdicts: Row[], sidecars: SidecarCountsJson[] = []): string {
  const counts = (r: Row) => {
    const s = sidecars.find((x) => x.variant === r.variant && x.service === r.target);
    return s ? `${escapeHtml(s.sidecar)}: ${s.requests} requests, ${s.denials} denied, ${s.failures} 5xx` : '–';
  };
  const body = verdicts
    .map((r, i) => {
      const o = r.observed;
      const cells = [
        String(i + 1),
        r.pass ? '<span class="ok">✓</span>' : '<span class="bad">✗</span>',
        escapeHtml(`${r.variant}: ${r.caller} → ${r.target}`),
        escapeHtml(`${ROUTE_LABEL[r.route]} (${r.method}${r.path ? ` ${r.path}` : ''})`),
        escapeHtml(r.expectedText),
        escapeHtml(outcomeOf(r)),
        escapeHtml([o.code, o.proxyError !== undefined ? `l5d-proxy-error: ${o.proxyError}` : undefined].filter(Boolean).join(', ') || '–'),
        o.bodyBytes === undefined ? '–' : String(o.bodyBytes),
        escapeHtml(o.detail ?? ''),
        counts(r),
      ];
      return `<tr id="${anchor(r)}" class="${r.pass ? '' : 'differs'}" data-probe="${escapeHtml(r.id)}">${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<table class="evidence"><tr><th>#</th><th></th><th>probe</th><th>route</th><th>expected</th><th>observed</th><th>error code</th><th>body bytes</th><th>detail</th><th>the target's sidecar, whole run</th></tr>
${body}</table>`;
}

export const MATRIX_STYLE = `
table.matrix td { min-width: 150px; } table.matrix ul { margin: 0; padding-left: 16px; }
table.matrix td.as-expected { background: #dafbe1; } table.matrix td.differs { background: #ffebe9; } table.matrix td.none { background: #f6f8fa; }
table.evidence td:nth-child(9) { max-width: 320px; overflow-wrap: anywhere; font: 12px ui-monospace, monospace; }
tr.differs td { background: #ffebe9; } .highlight { outline: 3px solid #bf8700; }
`;
