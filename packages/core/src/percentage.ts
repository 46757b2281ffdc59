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
 * DownstreamError propagates (the HTTP edge turns it into a 502).
 */
export async function percentage({ op1, op2 }: Operands, deps: PercentageDeps): Promise<number> {
  const product = await deps.invoker.call('multiplication', { op1, op2 });
  const divisor = deps.random() < deps.faultRate ? 0 : 100;
  return deps.invoker.call('division', { op1: product, op2: divisor });
}
