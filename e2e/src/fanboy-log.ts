import type { CallOutcome } from '@calc/core';
import { callsByService, faultIn, parseCallRecord, type CallerCounts } from '@calc/probe-matrix';

export interface FanBoyVerdict {
  pass: boolean;
  calls: number;
  /** Calls logged before `since`, not judged: MathFanBoy starts calling before its targets are ready. */
  skipped: number;
  faults: string[];
  /** Every call it logged, judged or not, per service: what its callees' sidecars saw too. */
  byService: CallerCounts;
}

/**
 * Judges MathFanBoy's calls from its log, read with timestamps (`kubectl logs --timestamps`: each line
 * starts with an RFC 3339 time), counting only what it logged at or after `since` — when every
 * rollout had finished. Before that, its targets may not be ready and errors are expected.
 */
export function judgeFanBoyLog(log: string, since: Date): FanBoyVerdict {
  const judged: CallOutcome[] = [];
  const all: CallOutcome[] = [];
  let skipped = 0;
  for (const line of log.split('\n')) {
    const space = line.indexOf(' ');
    const at = Date.parse(line.slice(0, space));
    const call = parseCallRecord(line.slice(space + 1));
    if (call === undefined || Number.isNaN(at)) continue;
    all.push(call);
    if (at < since.getTime()) skipped++;
    else judged.push(call);
  }
  const faults = judged.map(faultIn).filter((f): f is string => f !== undefined);
  return { pass: judged.length > 0 && faults.length === 0, calls: judged.length, skipped, faults, byService: callsByService(all) };
}
