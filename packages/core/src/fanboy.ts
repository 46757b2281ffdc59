import { OPERATION_SERVICES, type OperationService } from './catalogue.js';
import { DownstreamError, errorCodeOf, errorMessageOf } from './errors.js';
import type { Invoker } from './invoker.js';
import type { Operands } from './operands.js';

export interface FanBoyDeps {
  invoker: Invoker;
  /** A number in [0, 1): picks the operation and the operands. */
  random: () => number;
  /** Milliseconds from any origin, for latency (performance.now in production). */
  now: () => number;
  /** Where MathFanBoy's lines go (stdout in production). */
  print: (line: string) => void;
  /** `text`: a line a person reads (`percentage(40, 50) = 20  (3.1 ms)`); `json`: one CallOutcome per line, for programs. */
  format: FanBoyFormat;
  /** Print a summary every this many calls (0: only when asked). */
  summaryEvery: number;
}

export const FANBOY_FORMATS = ['text', 'json'] as const;
export type FanBoyFormat = (typeof FANBOY_FORMATS)[number];

/** One call, as MathFanBoy saw it; in `json` format, exactly what each line holds. */
export interface CallOutcome {
  service: OperationService;
  operands: Operands;
  latencyMs: number;
  result?: number;
  /** HTTP status of a failed call, undefined when the callee could not be reached. */
  status?: number;
  code?: string;
  message?: string;
  /** For an error that carries a callee's answer (percentage's 502): whose, and its status and code. */
  downstream?: { service: string; status?: number; code?: string };
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
    const errors = [...this.tally.values()].reduce((sum, t) => sum + t.errors, 0);
    if (this.deps.format === 'json') return JSON.stringify({ summary: { calls: this.calls, errors, byService: Object.fromEntries(this.tally) } });
    const parts = [...this.tally].map(([service, t]) => `${service} ${t.calls} calls/${t.errors} errors`);
    return `summary: ${this.calls} calls, ${errors} errors — ${parts.join(', ')}`;
  }

  private record(outcome: CallOutcome): void {
    const tally = this.tally.get(outcome.service);
    if (tally) {
      tally.calls += 1;
      if (outcome.result === undefined) tally.errors += 1;
    }
    this.calls += 1;
    this.deps.print(this.deps.format === 'json' ? JSON.stringify(outcome) : formatOutcome(outcome));
    if (this.deps.summaryEvery > 0 && this.calls % this.deps.summaryEvery === 0) this.deps.print(this.summary());
  }
}

function describeFailure(error: unknown): Pick<CallOutcome, 'status' | 'code' | 'message' | 'downstream'> {
  if (error instanceof DownstreamError) {
    const message = errorMessageOf(error.body) ?? error.message;
    const downstream = downstreamOf(error.body);
    return { status: error.status, code: errorCodeOf(error.body) ?? 'UNKNOWN', message, ...(downstream ? { downstream } : {}) };
  }
  return { code: 'CLIENT_ERROR', message: error instanceof Error ? error.message : String(error) };
}

/** The callee inside an error body (`error.downstream`: percentage's 502), if there is one. */
function downstreamOf(body: unknown): CallOutcome['downstream'] {
  const inner = (body as { error?: { downstream?: { service?: unknown; status?: unknown; body?: unknown } } } | undefined)?.error?.downstream;
  if (typeof inner?.service !== 'string') return undefined;
  const code = errorCodeOf(inner.body);
  return { service: inner.service, ...(typeof inner.status === 'number' ? { status: inner.status } : {}), ...(code ? { code } : {}) };
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
