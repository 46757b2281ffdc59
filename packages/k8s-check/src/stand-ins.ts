import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A PATH directory for running the kind path's scripts under test: the named host tools linked in
 * (those absent here are left out), and stand-ins, shell bodies that first append `<name> <args>`
 * to the file $LOG names, then answer as the real tool would.
 */
export function standInPath(tools: string[], standIns: Record<string, string>): string {
  // A stand-in written over a linked tool would be written through the link, into the real tool.
  const both = tools.filter((tool) => tool in standIns);
  if (both.length) throw new Error(`standInPath: ${both.join(', ')} both linked and stood in for`);
  const bin = mkdtempSync(join(tmpdir(), 'stand-ins-'));
  for (const tool of tools) {
    const found = execFileSync('sh', ['-c', `command -v ${tool} || true`], { encoding: 'utf8' }).trim();
    if (found.startsWith('/')) symlinkSync(found, join(bin, tool));
  }
  for (const [name, body] of Object.entries(standIns)) writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} $*" >> "$LOG"\n${body}\n`, { mode: 0o755 });
  return bin;
}
