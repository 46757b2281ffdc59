import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTICLE } from './article.js';
import { CLAIMS, type ClaimId } from './claims.js';
import type { Verdict } from './observation.js';
import { renderReport } from './report-html.js';
import type { VariantSummary } from './variants.js';

/** A titled list of checks beside the matrix (services through their sidecars, MathFanBoy, injection facts…). */
export interface Section {
  title: string;
  items: Array<{ pass: boolean; text: string; lines?: string[] }>;
}

/** One platform's findings, in the same shape for the local lab and the kind lab. */
export interface Findings {
  platform: 'local' | 'kind';
  generatedAt: string;
  durationSeconds: number;
  /** The variants that ran, by their traits. */
  variants: VariantSummary[];
  versions: Record<string, string>;
  verdicts: Verdict[];
  sections: Section[];
  /** Raw data behind the sections, kept in findings.json. */
  data: Record<string, unknown>;
  notes: string[];
  /** Every cell and every check as expected. */
  pass: boolean;
}

/** The policies the matrix probes, in one sentence (ALLOWED_CALLERS). */
export const POLICY_TEXT =
  'Target: multiplication; policy: only mathfanboy and percentage may call it. The call graph: only mathfanboy may call percentage. Layer 4: only percentage may connect to Redis (the mesh; Dapr has no TCP policy).';

const ROUTE_TEXT: Record<string, string> = {
  'dapr-sidecar': 'own daprd → app ID',
  'pod-ip': 'pod IP : app port',
  service: 'Service address',
  'dapr-internal': 'pod IP : 50002 (daprd mTLS)',
  redis: 'pod IP : 6379 (TCP, Redis PING)',
};

function row(v: Verdict): string[] {
  const { probe } = v;
  const target = probe.method === 'GET' ? `${probe.target} (GET ${probe.path})` : probe.path === '/percentage' ? `${probe.target} (→ multiplication)` : probe.target;
  return [v.pass ? '✅' : '❌', probe.variant, probe.caller, ROUTE_TEXT[probe.route] ?? probe.route, target, v.expectedText, v.observedText];
}

/** Rows as aligned plain text, for the terminal: each column as wide as its widest cell. */
export function alignColumns(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

/** The findings table as aligned plain text, for the terminal. */
export function formatTable(verdicts: Verdict[]): string {
  return alignColumns([['', 'variant', 'caller', 'route', 'target', 'expected', 'observed'], ...verdicts.map(row)]).join('\n');
}

/** Each claim and how its rows came out; a claim none of whose rows ran on this platform is not run, not failed. */
export function claimResults(verdicts: Verdict[]): Array<{ claim: ClaimId; text: string; ran: boolean; pass: boolean; finding: boolean }> {
  return (Object.keys(CLAIMS) as ClaimId[]).map((claim) => {
    const rows = verdicts.filter((v) => v.probe.claim === claim);
    return { claim, text: CLAIMS[claim], ran: rows.length > 0, pass: rows.length > 0 && rows.every((v) => v.pass), finding: rows.some((v) => v.probe.finding) };
  });
}

/** A claim's mark: ✅ held, ❌ a row differs, ⏭ none of its rows ran here. */
export const claimMark = (c: { ran: boolean; pass: boolean }) => (!c.ran ? '⏭ not run here:' : c.pass ? '✅' : '❌');

/** The article's lists, each item with what tests it here (claims and how they came out, a section) or why nothing does. */
export function articleLines(f: Pick<Findings, 'verdicts' | 'sections'>): string[] {
  const claims = new Map(claimResults(f.verdicts).map((c) => [c.claim, c]));
  return ARTICLE.map((item) => {
    // Only what ran on this platform (kind runs no local-only row, and the dapr-mesh rows after make kind-combined).
    const ran = (item.claims ?? []).filter((c) => f.verdicts.some((v) => v.probe.claim === c));
    const tested = ran.map((c) => `${claims.get(c)?.pass ? '✅' : '❌'} ${c}`);
    const section = item.section && f.sections.find((s) => s.title === item.section);
    if (section) tested.push(`${section.items.every((i) => i.pass) ? '✅' : '❌'} section "${item.section}"`);
    const how = tested.length ? tested.join(', ') : `**not tested**: ${item.notTested ?? 'not in this run (make lab runs it)'}`;
    return `- *${item.list}*: ${item.text} — ${how}`;
  });
}

function markdown(f: Findings): string {
  const table = [
    '| | variant | caller | route | target | expected | observed | claim |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...f.verdicts.map((v) => `| ${row(v).join(' | ')} | ${v.probe.claim} |`),
  ];
  const claims = claimResults(f.verdicts).map((c) => `- ${claimMark(c)} **${c.claim}**${c.finding ? ' (finding)' : ''}: ${c.text}`);
  const sections = f.sections.map(
    (s) => `## ${s.title}\n\n${s.items.map((i) => `- ${i.pass ? '✅' : '❌'} ${i.text}${(i.lines ?? []).map((l) => `\n  - \`${l}\``).join('')}`).join('\n')}\n`,
  );
  const versions = Object.entries(f.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `# Findings: ${f.platform} lab

${f.pass ? 'Every cell as expected.' : '**Some results differ from the expected ones (❌).**'} Generated ${f.generatedAt} in ${f.durationSeconds.toFixed(1)} s (${versions}).

## Probe matrix

${POLICY_TEXT}

${table.join('\n')}

## Claims

${claims.join('\n')}

## The article's lists, and what tests each item

${articleLines(f).join('\n')}

${sections.join('\n')}
## Notes

${f.notes.map((n) => `- ${n}`).join('\n')}
`;
}

/** Writes findings.md, findings.json and report.html (drawn from the JSON) into dir. */
export function writeFindings(dir: string, findings: Findings): void {
  mkdirSync(dir, { recursive: true });
  const json = {
    ...findings,
    verdicts: findings.verdicts.map((v) => ({
      ...v.probe,
      claimText: CLAIMS[v.probe.claim],
      expectedText: v.expectedText,
      observed: v.observed,
      observedText: v.observedText,
      pass: v.pass,
    })),
    claims: claimResults(findings.verdicts),
    article: articleLines(findings),
  };
  writeFileSync(join(dir, 'findings.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(dir, 'findings.md'), markdown(findings));
  writeFileSync(join(dir, 'report.html'), renderReport(json));
}
