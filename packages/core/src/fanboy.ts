import { OPERATION_SERVICES, type OperationService } from './catalogue.js';
import { compute } from './arithmetic.js';
import { DownstreamError, errorCodeOf, errorMessageOf } from './errors.js';
import type { Invoker } from './invoker.js';
import type { Operands } from './operands.js';

export interface FanBoyDeps {
  invoker: Invoker;
  /** A number in [0, 1): picks the operation and the operands. */
  random: () => number;
  /** Milliseconds from any origin, for latency (performance.now in production). */
  now: () => number;
  /** Where MathFanBoy's human-readable lines go (stdout in production). */
  print: (line: string) => void;
  /** Print a summary every this many calls (0: only when asked). */
  summaryEvery: number;
}

export interface CallOutcome {
  service: OperationService;
  operands: Operands;
  latencyMs: number;
  result?: number;
  /** HTTP status of a failed call, undefined when the callee could not be reached. */
  status?: number;
  code?: string;
  message?: string;
}

export interface ServiceTally {
  calls: number;
  errors: number;
}

const MAX_OPERAND = 100;

/** Two operands as MathFanBoy chooses them: whole numbers from 0 to MAX_OPERAND. */
export function fanboyOperands(random: () => number): Operands {
  return { op1: Math.round(random() * MAX_OPERAND), op2: Math.round(random() * MAX_OPERAND) };
}

/**
 * MathFanBoy, the traffic generator: calls a random operation with random operands,
 * prints one line per call, never stops on errors, and keeps a tally per operation.
 */
export class FanBoy {
  readonly tally = new Map<OperationService, ServiceTally>(OPERATION_SERVICES.map((s) => [s, { calls: 0, errors: 0 }]));
  private calls = 0;

  constructor(private readonly deps: FanBoyDeps) {}

  async tick(): Promise<CallOutcome> {
    const { random, now, invoker } = this.deps;
    const service = OPERATION_SERVICES[Math.floor(random() * OPERATION_SERVICES.length)] ?? 'addition';
    const operands = fanboyOperands(random);
    const started = now();
    let outcome: CallOutcome;
    try {
      const result = await invoker.call(service, operands);
      outcome = { service, operands, latencyMs: now() - started, result };
    } catch (error) {
      outcome = { service, operands, latencyMs: now() - started, ...describeFailure(error) };
    }
    this.record(outcome);
    return outcome;
  }

  summary(): string {
    const parts = [...this.tally].map(([service, t]) => `${service} ${t.calls} calls/${t.errors} errors`);
    const errors = [...this.tally.values()].reduce((sum, t) => sum + t.errors, 0);
    return `summary: ${this.calls} calls, ${errors} errors — ${parts.join(', ')}`;
  }

  private record(outcome: CallOutcome): void {
    const tally = this.tally.get(outcome.service);
    if (tally) {
      tally.calls += 1;
      if (outcome.result === undefined) tally.errors += 1;
    }
    this.calls += 1;
    this.deps.print(formatOutcome(outcome));
    if (this.deps.summaryEvery > 0 && this.calls % this.deps.summaryEvery === 0) this.deps.print(this.summary());
  }
}

function describeFailure(error: unknown): Pick<CallOutcome, 'status' | 'code' | 'message'> {
  if (error instanceof DownstreamError) {
    const message = errorMessageOf(error.body) ?? error.message;
    return { status: error.status, code: errorCodeOf(error.body) ?? 'UNKNOWN', message };
  }
  return { code: 'CLIENT_ERROR', message: error instanceof Error ? error.message : String(error) };
}

/** One line per call, e.g. `percentage(40, 50) = 20  (3.1 ms)` or `… -> 502 DOWNSTREAM_ERROR: …`. */
export function formatOutcome(o: CallOutcome): string {
  const call = `${o.service}(${o.operands.op1}, ${o.operands.op2})`;
  const latency = `(${o.latencyMs.toFixed(1)} ms)`;
  if (o.result !== undefined) return `${call} = ${o.result}  ${latency}`;
  return `${call} -> ${o.status ?? 'no answer'} ${o.code}: ${o.message}  ${latency}`;
}

/** Calls `tick` every intervalMs until the signal aborts; a call in flight is finished first. */
export async function runFanBoy(fanboy: FanBoy, intervalMs: number, signal: AbortSignal, sleep: (ms: number, signal: AbortSignal) => Promise<void>): Promise<void> {
  while (!signal.aborted) {
    await fanboy.tick();
    await sleep(intervalMs, signal);
  }
}

/** One call line of MathFanBoy's output, read back. */
export interface PrintedCall {
  service: OperationService;
  op1: number;
  op2: number;
  result?: number;
  status?: string;
  code?: string;
  message?: string;
}

const CALL_LINE = /^(\w+)\((-?[\d.e+]+), (-?[\d.e+]+)\) (?:= (\S+)|-> (\d+|no answer) (\w+): (.*)) {2}\([\d.]+ ms\)$/;

/** Reads a line printed by formatOutcome back into its parts; undefined for any other line (e.g. a summary). */
export function parseCallLine(line: string): PrintedCall | undefined {
  const match = CALL_LINE.exec(line);
  if (!match || !(OPERATION_SERVICES as readonly string[]).includes(match[1]!)) return undefined;
  const [, service, op1, op2, result, status, code, message] = match;
  const call: PrintedCall = { service: service as OperationService, op1: Number(op1), op2: Number(op2) };
  if (result !== undefined) call.result = Number(result);
  else Object.assign(call, { status, code, message });
  return call;
}

/**
 * What is wrong with a call MathFanBoy printed, or undefined if it is right: a result must be exact,
 * and the only errors expected are the deliberate ones — percentage's 502 when its divisor was 0,
 * and division's 422 when op2 was 0.
 */
export function faultIn(call: PrintedCall): string | undefined {
  const { service, op1, op2 } = call;
  if (call.result !== undefined) {
    const expected = service === 'percentage' ? compute('division', { op1: compute('multiplication', { op1, op2 }), op2: 100 }) : compute(service, { op1, op2 });
    return Object.is(call.result, expected) ? undefined : `${service}(${op1}, ${op2}) printed ${call.result}, expected ${expected}`;
  }
  if (service === 'percentage' && call.status === '502' && call.code === 'DOWNSTREAM_ERROR' && call.message?.includes('422 DIVISION_BY_ZERO')) return undefined;
  if (service === 'division' && op2 === 0 && call.status === '422' && call.code === 'DIVISION_BY_ZERO') return undefined;
  return `${service}(${op1}, ${op2}) failed unexpectedly: ${call.status} ${call.code}: ${call.message}`;
}
