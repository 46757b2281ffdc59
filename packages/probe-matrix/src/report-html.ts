// results/<platform>/report.html: one self-contained file (no network, no external file) drawn from
// findings.json: each claim as a small figure of its own probes, each variant's matrix at a glance,
// every probe's evidence, then the sections and notes.
import type { Route } from './matrix.js';
import type { Observation } from './observation.js';
import { POLICY_TEXT, type Section } from './report.js';
import { claimFigure, FIGURE_STYLE } from './report-figures.js';
import { evidenceTable, MATRIX_STYLE, type SidecarCountsJson, variantMatrix } from './report-matrix.js';
import { escapeHtml, inline, mark } from './report-text.js';
import type { Variant, VariantSummary } from './variants.js';

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
    observed: Observation;
  }>;
  claims: Array<{ claim: string; text: string; ran?: boolean; pass: boolean; finding: boolean }>;
  /** The article's lists and what tests each item (report.ts, articleLines). */
  article?: string[];
  sections: Section[];
  notes: string[];
  /** The data behind the sections; the report reads the sidecars' counts (sidecar-stats.ts). */
  data?: { sidecars?: SidecarCountsJson[] };
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1f2328; max-width: 1560px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; } h3 { font-size: 15px; margin: 18px 0 6px; }
.verdict { font-weight: 600; } .ok { color: #1a7f37; font-weight: 700; } .bad { color: #cf222e; font-weight: 700; } .skip { color: #57606a; }
table { border-collapse: collapse; margin: 6px 0; } th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
code, pre { font: 12px ui-monospace, monospace; } pre { background: #f6f8fa; padding: 8px; white-space: pre-wrap; overflow-wrap: anywhere; }
.legend span { margin-right: 18px; display: inline-block; } .legend .through { color: #0969da; } .legend .around { color: #1a7f37; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } }
${FIGURE_STYLE}${MATRIX_STYLE}`;

/** Hovering a probe anywhere (an arrow, a matrix entry, its evidence) highlights it everywhere. */
const SCRIPT = `
for (const el of document.querySelectorAll('[data-probe]')) {
  const all = () => document.querySelectorAll('[data-probe="' + el.dataset.probe + '"]');
  el.addEventListener('mouseenter', () => all().forEach((x) => x.classList.add('highlight')));
  el.addEventListener('mouseleave', () => all().forEach((x) => x.classList.remove('highlight')));
}
`;

/** The report as one HTML string: pass it findings.json as writeFindings writes it. */
export function renderReport(f: FindingsJson): string {
  // The variants that ran, in the order they were given.
  const variants = f.variants.filter((v) => f.verdicts.some((x) => x.variant === v.name));
  const failed = f.verdicts.filter((v) => !v.pass).length;
  const figures = variants
    .map((variant) => {
      const claims = f.claims.filter((c) => f.verdicts.some((v) => v.claim === c.claim && v.variant === variant.name));
      const drawn = claims.map((c) =>
        claimFigure(
          variant,
          c,
          f.verdicts.filter((v) => v.claim === c.claim && v.variant === variant.name),
        ),
      );
      return `<h3>${escapeHtml(variant.title)}</h3><div class="claims">${drawn.join('\n')}</div>`;
    })
    .join('\n');
  const notRun = f.claims.filter((c) => c.ran === false);
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
<h2>The claims, one figure each</h2>
<p class="legend"><span class="through">blue: through a sidecar</span><span class="around">green: around every sidecar</span><span>→ answered</span><span>- - ⊣ denied, refused or closed</span><span>on each arrow: the route → what came back, ✓ as expected, ✗ not</span></p>
${figures}
${notRun.length ? `<p class="skip">Not run here: ${notRun.map((c) => `<strong>${escapeHtml(c.claim)}</strong>`).join(', ')}.</p>` : ''}
<h2>Each variant at a glance</h2>
<p>Every probe of a caller and a target, by its route, with what was expected; a red cell names what came back instead. Each links to its evidence.</p>
${variants.map((v) => variantMatrix(v, f.verdicts)).join('\n')}
<h2>Evidence</h2>${evidenceTable(f.verdicts, f.data?.sidecars)}
<h2>The article's lists, and what tests each item</h2><ul>${(f.article ?? []).map((line) => `<li>${inline(line.replace(/^- /, ''))}</li>`).join('')}</ul>
${sections}
<h2>Notes</h2><ul>${f.notes.map((n) => `<li>${inline(n)}</li>`).join('')}</ul>
<script>${SCRIPT}</script>
</body></html>
`;
}
