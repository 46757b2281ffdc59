import type { Expected, Probe } from './matrix.js';

/** What a probe saw, as the probe script reports it (JSON on stdout). */
export interface Observation {
  /** HTTP status, when an HTTP answer came back. */
  status?: number;
  /** The error code in the body: ours (`error.code`) or daprd's (`errorCode`). */
  code?: string;
  /** Value of the l5d-proxy-error header, when present. */
  proxyError?: string;
  /** Length of the response body in bytes, when an HTTP answer came back. */
  bodyBytes?: number;
  /**
   * A connection outcome when no HTTP answer came: refused, tls-rejected, timeout, error; for a TCP
   * probe, answered or closed (accepted, then closed without a byte).
   */
  outcome?: 'refused' | 'tls-rejected' | 'tls-accepted' | 'answered' | 'closed' | 'timeout' | 'error';
  /** A TCP probe's answer (its first line), e.g. `+PONG`. */
  answer?: string;
  /** A short excerpt of the body or the error message, for reports. */
  detail?: string;
  /** The whole body, when the spec asked for it (keepBody). */
  body?: string;
}

export interface Verdict {
  probe: Probe;
  observed: Observation;
  expectedText: string;
  observedText: string;
  pass: boolean;
}

export function describeExpected(expected: Expected): string {
  if ('outcome' in expected) return expected.outcome;
  if ('answer' in expected) return expected.answer;
  return [String(expected.status), expected.code, expected.emptyBody ? 'empty' : undefined].filter(Boolean).join(' ');
}

export function describeObserved(o: Observation): string {
  if (o.answer !== undefined) return o.answer;
  if (o.status === undefined) return o.outcome ?? 'no answer';
  return [String(o.status), o.code, o.bodyBytes === 0 ? 'empty' : undefined, o.proxyError !== undefined ? 'l5d-proxy-error' : undefined].filter(Boolean).join(' ');
}

/**
 * A cell passes when every part of the expectation was seen. An empty-body expectation (a mesh
 * denial) also rules out what Linkerd never shows the caller: a body, an error code, l5d-proxy-error.
 */
export function judge(probe: Probe, observed: Observation): Verdict {
  const { expected } = probe;
  const pass =
    'outcome' in expected
      ? observed.outcome === expected.outcome
      : 'answer' in expected
        ? observed.answer === expected.answer
        : observed.status === expected.status &&
          (expected.code === undefined || observed.code === expected.code) &&
          (!expected.emptyBody || (observed.bodyBytes === 0 && observed.proxyError === undefined));
  return { probe, observed, expectedText: describeExpected(expected), observedText: describeObserved(observed), pass };
}
