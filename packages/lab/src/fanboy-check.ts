import { readFileSync } from 'node:fs';
import { formatOutcome, OPERATION_SERVICES, type OperationService } from '@calc/core';
import { faultIn, parseCallRecord } from '@calc/probe-matrix';
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
  const byService = Object.fromEntries(OPERATION_SERVICES.map((s) => [s, { calls: 0, errors: 0 }])) as FanBoyReport['byService'];
  const faults: string[] = [];
  const sample: string[] = [];
  let calls = 0;
  let errors = 0;
  for (const line of lines) {
    const call = parseCallRecord(line);
    if (!call) continue;
    calls += 1;
    byService[call.service].calls += 1;
    if (call.result === undefined) {
      errors += 1;
      byService[call.service].errors += 1;
    }
    const fault = faultIn(call);
    if (fault) faults.push(fault);
    // A few calls for the findings, as a person reads them, with one deliberate 502 among them.
    const text = formatOutcome(call);
    if (sample.length < 4 || (call.service === 'percentage' && call.result === undefined && !sample.some((l) => l.includes('-> 502')))) sample.push(text);
  }
  return { variant, calls, errors, byService, faults, sample };
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
