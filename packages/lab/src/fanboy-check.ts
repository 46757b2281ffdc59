import { readFileSync } from 'node:fs';
import { formatOutcome, type CallOutcome, type OperationService } from '@calc/core';
import { callsByService, faultIn, parseCallRecord } from '@calc/probe-matrix';
import type { PodProcess } from './pods.js';
import type { Pod } from './topology.js';

export interface FanBoyReport {
  variant: string;
  calls: number;
  errors: number;
  byService: Record<OperationService, { calls: number; errors: number }>;
  /** Calls that are wrong: a bad result or an error other than the deliberate ones. */
  faults: string[];
  sample: string[];
}

/** Reads a MathFanBoy's output back: every call must be right, and only the deliberate errors may appear. */
export function checkFanBoy(variant: string, fanboy: PodProcess<Pod>): FanBoyReport {
  return judgeCalls(variant, readFileSync(fanboy.log, 'utf8').split('\n'));
}

/** The same judgement on MathFanBoy's printed lines, wherever it ran (a pod here, a container). */
export function judgeCalls(variant: string, lines: readonly string[]): FanBoyReport {
  const calls = lines.map(parseCallRecord).filter((c): c is CallOutcome => c !== undefined);
  const faults = calls.map(faultIn).filter((f): f is string => f !== undefined);
  // A few calls for the findings, as a person reads them, with one deliberate 502 among them.
  const sample: string[] = [];
  for (const call of calls)
    if (sample.length < 4 || (call.service === 'percentage' && call.result === undefined && !sample.some((l) => l.includes('-> 502')))) sample.push(formatOutcome(call));
  return { variant, calls: calls.length, errors: calls.filter((c) => c.result === undefined).length, byService: callsByService(calls), faults, sample };
}

/** Waits until a MathFanBoy has printed at least `calls` calls (or the time is up). */
export async function waitForCalls(fanboy: PodProcess<Pod>, calls: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const printed = readFileSync(fanboy.log, 'utf8')
      .split('\n')
      .filter((l) => parseCallRecord(l)).length;
    if (printed >= calls) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}
