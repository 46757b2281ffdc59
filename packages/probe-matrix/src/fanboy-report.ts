import { formatOutcome, type CallOutcome } from '@calc/core';
import { callsByService, faultIn, parseCallRecord } from './fanboy-oracle.js';
import type { Section } from './report.js';
import type { CallerCounts } from './sidecar-stats.js';
import type { Variant } from './variants.js';

/** Calls MathFanBoy must have made in a variant, every one right, for its check to pass (on every platform). */
export const FANBOY_MIN_CALLS = 20;

export interface FanBoyReport {
  variant: Variant;
  calls: number;
  errors: number;
  /** Calls printed before judging began, not judged (kind: before every rollout had finished, when errors are expected). */
  skipped: number;
  byService: ReturnType<typeof callsByService>;
  /** Calls that are wrong: a bad result or an error other than the deliberate ones. */
  faults: string[];
  /** A few calls as a person reads them, with one deliberate 502 among them. */
  sample: string[];
  pass: boolean;
}

/** Judges MathFanBoy's printed lines (one JSON record per call): every call must be right, only the deliberate errors may appear. */
export function judgeFanBoy(variant: Variant, lines: readonly string[], skipped = 0): FanBoyReport {
  const calls = lines.map(parseCallRecord).filter((c): c is CallOutcome => c !== undefined);
  const faults = calls.map(faultIn).filter((f): f is string => f !== undefined);
  const sample: string[] = [];
  for (const call of calls)
    if (sample.length < 4 || (call.service === 'percentage' && call.result === undefined && !sample.some((l) => l.includes('-> 502')))) sample.push(formatOutcome(call));
  const errors = calls.filter((c) => c.result === undefined).length;
  return { variant, calls: calls.length, errors, skipped, byService: callsByService(calls), faults, sample, pass: faults.length === 0 && calls.length >= FANBOY_MIN_CALLS };
}

/** How many calls the lines hold, for a platform that waits until MathFanBoy has made enough. */
export function countCalls(lines: readonly string[]): number {
  return lines.filter((l) => parseCallRecord(l) !== undefined).length;
}

/** MathFanBoy's counts per variant, as the sidecar tables set them beside their own. */
export function callerCounts(reports: readonly FanBoyReport[]): Record<Variant, CallerCounts> {
  return Object.fromEntries(reports.map((r) => [r.variant, r.byService]));
}

export function fanboySection(reports: readonly FanBoyReport[]): Section {
  return {
    title: 'MathFanBoy',
    items: reports.map((r) => ({
      pass: r.pass,
      text: `**${r.variant}**: ${r.calls} calls judged${r.skipped ? ` (${r.skipped} before the rollouts, not judged)` : ''}, ${r.errors} errors (calls/errors: ${Object.entries(
        r.byService,
      )
        .map(([s, t]) => `${s} ${t.calls}/${t.errors}`)
        .join(
          ', ',
        )}); every call checked from its JSON record${r.calls < FANBOY_MIN_CALLS ? `; too few: ${FANBOY_MIN_CALLS} needed` : ''}${r.faults.length ? `; wrong: ${r.faults.slice(0, 3).join('; ')}` : ''}`,
      lines: r.sample,
    })),
  };
}
