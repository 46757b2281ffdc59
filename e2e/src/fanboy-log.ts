/**
 * MathFanBoy's log as `kubectl logs --timestamps` prints it (each line starts with an RFC 3339
 * time): the lines logged at or after `since` — when every rollout had finished; before that its
 * targets may not be ready and errors are expected — and how many lines came before.
 */
export function linesSince(log: string, since: Date): { lines: string[]; skipped: number } {
  const lines: string[] = [];
  let skipped = 0;
  for (const line of log.split('\n')) {
    const space = line.indexOf(' ');
    const at = Date.parse(line.slice(0, space));
    if (Number.isNaN(at)) continue;
    if (at < since.getTime()) skipped++;
    else lines.push(line.slice(space + 1));
  }
  return { lines, skipped };
}
