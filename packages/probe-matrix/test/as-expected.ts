import type { Observation, Probe } from '../src/index.js';

/** What a probe would observe if it went as expected (for tests of what is built from verdicts). */
export function asExpected(p: Probe): Observation {
  const e = p.expected;
  if ('status' in e) return { status: e.status, bodyBytes: 0, ...('code' in e ? { code: e.code } : {}) };
  if ('answer' in e) return { outcome: 'answered', answer: e.answer };
  return { outcome: e.outcome };
}
