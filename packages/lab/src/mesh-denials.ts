import type { Section, Verdict } from '@calc/probe-matrix';
import { deniedRequests } from './mesh-proxy.js';
import { statsSocketOf } from './mesh-variant.js';

export interface DenialReport {
  pass: boolean;
  /** Requests denied, per frontend of multiplication's proxy. */
  byFrontend: Record<string, number>;
  counted: number;
  /** Mesh denials the matrix expects on multiplication. */
  expected: number;
}

/**
 * The evidence that a 403 came from the proxy, not the app: the denials counted in
 * multiplication's proxy statistics match the matrix's denied cells, and each reached its caller
 * with an empty body, where the app's own errors are JSON with a code.
 */
export async function checkMeshDenials(workDir: string, verdicts: Verdict[]): Promise<DenialReport> {
  const denied = verdicts.filter((v) => v.probe.variant === 'mesh' && v.probe.target === 'multiplication' && 'emptyBody' in v.probe.expected);
  const byFrontend = await deniedRequests(statsSocketOf(workDir, 'multiplication'));
  const counted = Object.values(byFrontend).reduce((a, b) => a + b, 0);
  const pass = counted === denied.length && denied.every((v) => v.observed.bodyBytes === 0);
  return { pass, byFrontend, counted, expected: denied.length };
}

export function denialSection(report: DenialReport): Section {
  const frontends =
    Object.entries(report.byFrontend)
      .filter(([, n]) => n > 0)
      .map(([f, n]) => `${f} ${n}`)
      .join(', ') || 'none';
  return {
    title: 'Mesh denials, as the proxy counted them',
    items: [
      {
        pass: report.pass,
        text: `multiplication's proxy denied **${report.counted}** requests (${frontends}; inbound_mtls: meshed callers without authorization, inbound_plaintext: callers with no identity); the matrix expects ${report.expected}. Each reached its caller as 403 with an empty body, as Linkerd's denial does; the app's own errors are JSON with a code.`,
      },
    ],
  };
}
