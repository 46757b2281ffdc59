import { OPERATION_SERVICES, type CallOutcome } from '@calc/core';

/**
 * MathFanBoy's calls, read back from its `json` output (MATHFANBOY_FORMAT=json): one CallOutcome per
 * line. Any other line (its summary, a log line, text) is not a call and gives undefined.
 */
export function parseCallRecord(line: string): CallOutcome | undefined {
  if (!line.startsWith('{')) return undefined;
  let record: Partial<CallOutcome>;
  try {
    record = JSON.parse(line) as Partial<CallOutcome>;
  } catch {
    return undefined;
  }
  const { service, operands } = record;
  const known = typeof service === 'string' && (OPERATION_SERVICES as readonly string[]).includes(service);
  return known && typeof operands?.op1 === 'number' && typeof operands.op2 === 'number' ? (record as CallOutcome) : undefined;
}

/** MathFanBoy's calls and the errors it got back, per service: what it counted, to set beside its callees' sidecars. */
export function callsByService(calls: readonly CallOutcome[]): Record<(typeof OPERATION_SERVICES)[number], ServiceCalls> {
  const counts = Object.fromEntries(OPERATION_SERVICES.map((s) => [s, { calls: 0, errors: 0, deliberate: 0 }])) as Record<(typeof OPERATION_SERVICES)[number], ServiceCalls>;
  for (const call of calls) {
    counts[call.service].calls += 1;
    if (call.result === undefined) counts[call.service].errors += 1;
    if (isDeliberateError(call)) counts[call.service].deliberate += 1;
  }
  return counts;
}

/**
 * Per service: calls, the errors MathFanBoy got, and of those the deliberate ones, which the
 * callee answered itself (a call that failed on the caller's side, e.g. before a name resolved at
 * start-up, never reached the callee's sidecar).
 */
export interface ServiceCalls {
  calls: number;
  errors: number;
  deliberate: number;
}

/** Percentage's 502 carrying division's 422 DIVISION_BY_ZERO (its own zero divisor), or division's 422 for a zero op2. */
export function isDeliberateError({ service, operands, status, code, downstream }: CallOutcome): boolean {
  const percentages =
    service === 'percentage' &&
    status === 502 &&
    code === 'DOWNSTREAM_ERROR' &&
    downstream?.service === 'division' &&
    downstream.status === 422 &&
    downstream.code === 'DIVISION_BY_ZERO';
  return percentages || (service === 'division' && operands.op2 === 0 && status === 422 && code === 'DIVISION_BY_ZERO');
}

/**
 * The oracle's own arithmetic, written here and not taken from the business core (@calc/core's
 * compute), so that a wrong operation there is caught here. Percentage is multiplication then
 * division by 100, as the services chain it.
 */
const EXPECTED: Record<(typeof OPERATION_SERVICES)[number], (op1: number, op2: number) => number> = {
  addition: (a, b) => a + b,
  subtraction: (a, b) => a - b,
  multiplication: (a, b) => a * b,
  division: (a, b) => a / b,
  percentage: (a, b) => (a * b) / 100,
};

/**
 * What is wrong with a call MathFanBoy made, or undefined if it is right: a result must be exact, and
 * the only errors expected are the deliberate ones — percentage's 502 carrying division's 422
 * DIVISION_BY_ZERO (its own zero divisor), and division's 422 when op2 was 0. Judged on the record's
 * fields, never on the wording of a message.
 */
export function faultIn(call: CallOutcome): string | undefined {
  const { service, operands } = call;
  const { op1, op2 } = operands;
  const name = `${service}(${op1}, ${op2})`;
  if (call.result !== undefined) {
    const expected = EXPECTED[service](op1, op2);
    return Object.is(call.result, expected) ? undefined : `${name} gave ${call.result}, expected ${expected}`;
  }
  if (isDeliberateError(call)) return undefined;
  return `${name} failed unexpectedly: ${call.status ?? 'no answer'} ${call.code}: ${call.message}`;
}
