import type { Section, Variant, Verdict } from '@calc/probe-matrix';
import { deniedRequests } from './mesh-proxy.js';
import { statsSocketOf } from './mesh-variant.js';

export interface DenialReport {
  variant: Variant;
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
export async function checkMeshDenials(workDir: string, variant: Variant, verdicts: readonly Verdict[]): Promise<DenialReport> {
  // Every 403 multiplication's callers should get in a meshed variant is the proxy's (there, multiplication carries no
  // Dapr ACL): an empty body for HTTP, and through daprd, daprd's rendering of the proxy's gRPC PERMISSION_DENIED.
  const denied = verdicts.filter((v) => v.probe.variant === variant && v.probe.target === 'multiplication' && 'status' in v.probe.expected && v.probe.expected.status === 403);
  const byFrontend = await deniedRequests(statsSocketOf(workDir, 'multiplication', variant));
  const counted = Object.values(byFrontend).reduce((a, b) => a + b, 0);
  const pass = counted === denied.length && denied.filter((v) => 'emptyBody' in v.probe.expected).every((v) => v.observed.bodyBytes === 0);
  return { variant, pass, byFrontend, counted, expected: denied.length };
}

export function denialSection(reports: readonly DenialReport[]): Section {
  return { title: 'Mesh denials, as the proxy counted them', items: reports.map(denialItem) };
}

function denialItem(report: DenialReport): Section['items'][number] {
  const frontends =
    Object.entries(report.byFrontend)
      .filter(([, n]) => n > 0)
      .map(([f, n]) => `${f} ${n}`)
      .join(', ') || 'none';
  return {
    pass: report.pass,
    text: `**${report.variant}**: multiplication's proxy denied **${report.counted}** requests (${frontends}; inbound_mtls: meshed callers without authorization, inbound_plaintext: callers with no identity, inbound_grpc_unauthorized: daprd's gRPC on 50002); the matrix expects ${report.expected}. Each HTTP one reached its caller as 403 with an empty body, as Linkerd's denial does (the app's own errors are JSON with a code); a gRPC one as gRPC's PERMISSION_DENIED, which the calling daprd turns into its 403.`,
  };
}
