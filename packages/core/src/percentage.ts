import { ApiError, DownstreamError, ErrorCodes, errorCodeOf, errorMessageOf, type ErrorCode } from './errors.js';
import type { Invoker } from './invoker.js';
import type { Operands } from './operands.js';

export interface PercentageDeps {
  invoker: Invoker;
  /** A number in [0, 1); injected so tests choose when the deliberate fault fires. */
  random: () => number;
  /** Probability that the divisor is 0 instead of 100 (the article's deliberate errors). */
  faultRate: number;
}

/**
 * op1 × op2 ÷ 100, computed by calling multiplication then division, as in the article.
 * With probability faultRate the divisor is 0, division answers 422, and the
 * DownstreamError propagates (the HTTP edge turns it into a 502: percentage's own fault).
 * Multiplication's 422 is about the caller's operands (e.g. a product over 1.8e308), so it is
 * the caller's error: percentage answers the same 422 and code.
 */
export async function percentage({ op1, op2 }: Operands, deps: PercentageDeps): Promise<number> {
  const product = await deps.invoker.call('multiplication', { op1, op2 }).catch(asCallersError);
  const divisor = deps.random() < deps.faultRate ? 0 : 100;
  return deps.invoker.call('division', { op1: product, op2: divisor });
}

function asCallersError(error: unknown): never {
  const code = error instanceof DownstreamError && error.status === 422 ? errorCodeOf(error.body) : undefined;
  if (code !== undefined && ErrorCodes[code as ErrorCode] === 422) {
    const { service, status, body } = error as DownstreamError;
    throw new ApiError(code as ErrorCode, `${errorMessageOf(body) ?? code} (from ${service}, for these operands)`, { downstream: { service, status, body } });
  }
  throw error;
}
