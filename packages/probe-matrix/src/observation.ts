import type { Expected, Probe } from './matrix.js';

/** What a probe saw, as the probe script reports it (JSON on stdout). */
export interface Observation {
  /** HTTP status, when an HTTP answer came back. */
  status?: number;
  /** The error code in the body: ours (`error.code`) or daprd's (`errorCode`). */
  code?: string;
  /** Value of the l5d-proxy-error header, when present. */
  proxyError?: string;
  /** A connection outcome when no HTTP answer came: refused, tls-rejected, timeout, or error. */
  outcome?: 'refused' | 'tls-rejected' | 'tls-accepted' | 'timeout' | 'error';
  /** A short excerpt of the body or the error message, for reports. */
  detail?: string;
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
  return [String(expected.status), expected.code, expected.header].filter(Boolean).join(' ');
}

export function describeObserved(o: Observation): string {
  if (o.status === undefined) return o.outcome ?? 'no answer';
  return [String(o.status), o.code, o.proxyError !== undefined ? 'l5d-proxy-error' : undefined].filter(Boolean).join(' ');
}

/** A cell passes when every part of the expectation was seen. */
export function judge(probe: Probe, observed: Observation): Verdict {
  const { expected } = probe;
  const pass =
    'outcome' in expected
      ? observed.outcome === expected.outcome
      : observed.status === expected.status &&
        (expected.code === undefined || observed.code === expected.code) &&
        (expected.header !== 'l5d-proxy-error' || observed.proxyError !== undefined);
  return { probe, observed, expectedText: describeExpected(expected), observedText: describeObserved(observed), pass };
}
