import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The findings files as text a log can carry: the e2e runs as a Job in the cluster, whose files
 * are gone when it ends, so it prints them and `scripts/kind.sh e2e` (awk, no Node on the host)
 * cuts them back out of `kubectl logs`. Each file sits between a BEGIN and an END line.
 */
export const FINDINGS_FILES = ['findings.md', 'findings.json', 'report.html'] as const;

export const frameLine = (edge: 'BEGIN' | 'END', name: string) => `----- ${edge} ${name} -----`;

export function framedFindings(dir: string): string {
  return FINDINGS_FILES.map((name) => {
    const text = readFileSync(join(dir, name), 'utf8');
    return [frameLine('BEGIN', name), text.endsWith('\n') ? text.slice(0, -1) : text, frameLine('END', name)].join('\n');
  }).join('\n');
}
