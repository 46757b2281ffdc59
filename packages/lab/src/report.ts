import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLAIMS, type ClaimId, type Verdict } from '@calc/probe-matrix';
import type { CompositionReport } from './composition-check.js';
import type { FanBoyReport } from './fanboy-check.js';

export interface Findings {
  platform: 'local' | 'kind';
  generatedAt: string;
  durationSeconds: number;
  versions: Record<string, string>;
  verdicts: Verdict[];
  compositions: CompositionReport[];
  fanboys: FanBoyReport[];
  /** Every cell as expected and every MathFanBoy call right. */
  pass: boolean;
}

const ROUTE_TEXT: Record<string, string> = {
  'dapr-sidecar': 'own daprd → app ID',
  'pod-ip': 'pod IP : app port',
  service: 'Service address',
  'dapr-internal': 'pod IP : 50002 (daprd mTLS)',
};

function row(v: Verdict): string[] {
  const { probe } = v;
  const target = probe.method === 'GET' ? `${probe.target} (GET ${probe.path})` : probe.target;
  return [v.pass ? '✅' : '❌', probe.variant, probe.caller, ROUTE_TEXT[probe.route] ?? probe.route, target, v.expectedText, v.observedText];
}

/** The findings table as aligned plain text, for the terminal. */
export function formatTable(verdicts: Verdict[]): string {
  const header = ['', 'variant', 'caller', 'route', 'target', 'expected', 'observed'];
  const rows = [header, ...verdicts.map(row)];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function claimResults(verdicts: Verdict[]): Array<{ claim: ClaimId; text: string; pass: boolean; finding: boolean }> {
  return (Object.keys(CLAIMS) as ClaimId[]).map((claim) => {
    const rows = verdicts.filter((v) => v.probe.claim === claim);
    return { claim, text: CLAIMS[claim], pass: rows.length > 0 && rows.every((v) => v.pass), finding: rows.some((v) => v.probe.finding) };
  });
}

function markdown(f: Findings, notes: string[]): string {
  const table = [
    '| | variant | caller | route | target | expected | observed | claim |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...f.verdicts.map((v) => `| ${row(v).join(' | ')} | ${v.probe.claim} |`),
  ];
  const claims = claimResults(f.verdicts).map((c) => `- ${c.pass ? '✅' : '❌'} **${c.claim}**${c.finding ? ' (finding)' : ''}: ${c.text}`);
  const fanboys = f.fanboys.map((r) => {
    const per = Object.entries(r.byService).map(([s, t]) => `${s} ${t.calls}/${t.errors}`).join(', ');
    const faults = r.faults.length ? `\n  - ❌ wrong: ${r.faults.slice(0, 5).join('; ')}` : '';
    return `- **${r.variant}**: ${r.calls} calls, ${r.errors} errors (calls/errors: ${per}); every result checked${faults}\n${r.sample.map((l) => `  - \`${l}\``).join('\n')}`;
  });
  const versions = Object.entries(f.versions).map(([k, v]) => `${k} ${v}`).join(', ');
  return `# Findings: ${f.platform} lab

${f.pass ? 'Every cell as expected.' : '**Some results differ from the expected ones (❌).**'} Generated ${f.generatedAt} in ${f.durationSeconds.toFixed(1)} s (${versions}).

## Probe matrix

Target: multiplication; policy: only mathfanboy and percentage may call it.

${table.join('\n')}

## Claims

${claims.join('\n')}

## The services through their sidecars

${f.compositions.map((c) => `- ${c.pass ? '✅' : '❌'} **${c.variant}**: ${c.route}: ${c.detail}`).join('\n')}

## MathFanBoy

${fanboys.join('\n')}

## Notes

${notes.map((n) => `- ${n}`).join('\n')}
`;
}

export function writeFindings(dir: string, findings: Findings, notes: string[]): void {
  mkdirSync(dir, { recursive: true });
  const json = {
    ...findings,
    verdicts: findings.verdicts.map((v) => ({ ...v.probe, claimText: CLAIMS[v.probe.claim], expectedText: v.expectedText, observed: v.observed, observedText: v.observedText, pass: v.pass })),
    claims: claimResults(findings.verdicts),
  };
  writeFileSync(join(dir, 'findings.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(dir, 'findings.md'), markdown(findings, notes));
}
