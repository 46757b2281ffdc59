import type { Variant, VariantRecord } from './variants.js';
import type { Verdict } from './observation.js';
import { alignColumns, type Section } from './report.js';

/**
 * What a service's own sidecar counted on its inbound side, read from the sidecar's metrics with no
 * line of application code: requests, server errors (5xx, what a success rate counts as failure),
 * and requests its policy denied.
 */
export interface SidecarStats {
  variant: Variant;
  service: string;
  /** Which sidecar counted: daprd, the local HAProxy stand-in, or the mesh's proxy (kind), by its container's name. */
  sidecar: string;
  /** Every inbound request the sidecar saw, the ones its policy denied included (each reader adds what its sidecar counts apart). */
  requests: number;
  /** Answered requests whose answer was a server error (5xx). */
  failures: number;
  /** Requests its policy denied (never reached the app). */
  denials: number;
  /** The sidecar process's own CPU time since it started, and its resident memory, where its metrics give them. */
  process?: ProcessStats;
}

export interface ProcessStats {
  cpuSeconds: number;
  residentBytes: number;
}

/** A sidecar's inbound counts, as its metrics give them. */
export type SidecarCounts = Pick<SidecarStats, 'requests' | 'failures' | 'denials'>;

/** What MathFanBoy itself counted per service: its calls, the errors it got back, and the deliberate ones among them. */
export type CallerCounts = Record<string, { calls: number; errors: number; deliberate?: number }>;

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format's samples (comments skipped; no escapes inside label values are needed here). */
export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match || line.startsWith('#')) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

const sum = (samples: Sample[], keep: (s: Sample) => boolean) => samples.filter(keep).reduce((total, s) => total + s.value, 0);

/**
 * daprd's inbound counts (pkg/diagnostics in dapr/dapr, as a real daprd 1.18 prints them): a request
 * the ACL lets through is `…service_invocation_req_recv_total`, its answer `…res_sent_total{status}`;
 * a request the ACL denies appears only in `dapr_runtime_acl_*_blocked_total` (labelled by the caller).
 * Calls by pod IP never reach daprd: they are in none of these.
 */
export function daprdStats(text: string): SidecarCounts {
  const samples = parsePrometheus(text);
  const denials = sum(samples, (s) => /^dapr_runtime_acl_\w+_blocked_total$/.test(s.name));
  const received = sum(samples, (s) => s.name === 'dapr_runtime_service_invocation_req_recv_total');
  const failures = sum(samples, (s) => s.name === 'dapr_runtime_service_invocation_res_sent_total' && Number(s.labels.status) >= 500);
  return { requests: received + denials, failures, denials };
}

/**
 * A process's own CPU time and resident memory, as the Prometheus process collector names them:
 * daprd's (Go's client; a real daprd 1.18.3 serves both on its metrics port) and linkerd2-proxy's
 * (linkerd/metrics/src/process.rs, a `cpu` counter in seconds and a `resident_memory` gauge in
 * bytes, registered under the `process` prefix in linkerd/app/src/lib.rs; Linux only).
 */
export function processStats(text: string): ProcessStats | undefined {
  const samples = parsePrometheus(text);
  const value = (name: string) => samples.find((s) => s.name === name)?.value;
  const cpuSeconds = value('process_cpu_seconds_total');
  const residentBytes = value('process_resident_memory_bytes');
  return cpuSeconds === undefined || residentBytes === undefined ? undefined : { cpuSeconds, residentBytes };
}

/** Answered requests (requests less denials) that were not 5xx. */
export function successRate(s: SidecarStats): string {
  const answered = s.requests - s.denials;
  return answered > 0 ? `${((100 * (answered - s.failures)) / answered).toFixed(1)} %` : '–';
}

/** The table `./lab metrics` prints and the findings carry: one line per service and variant. */
export function formatSidecarTable(stats: SidecarStats[], callers: Partial<Record<Variant, CallerCounts>>): string[] {
  const header = ['variant', 'service', 'sidecar', 'requests', 'success', '5xx', 'denied', 'CPU s', 'RSS MB', 'MathFanBoy: calls/errors'];
  const rows = stats.map((s) => {
    const own = callers[s.variant]?.[s.service];
    const cpu = s.process ? s.process.cpuSeconds.toFixed(2) : '–';
    const rss = s.process ? (s.process.residentBytes / 1e6).toFixed(0) : '–';
    return [s.variant, s.service, s.sidecar, String(s.requests), successRate(s), String(s.failures), String(s.denials), cpu, rss, own ? `${own.calls}/${own.errors}` : '–'];
  });
  return alignColumns([header, ...rows]);
}

/**
 * The findings' section. It passes when percentage's deliberate errors show up as failures in its
 * own sidecar in every variant where MathFanBoy got some, and the policy's denials show up in
 * multiplication's sidecar where the matrix expects them.
 */
export function sidecarSection(stats: SidecarStats[], callers: Partial<Record<Variant, CallerCounts>>, expectedDenials: Partial<Record<Variant, number>>): Section {
  const items = (Object.keys(expectedDenials) as Variant[]).map((variant) => {
    const of = (service: string) => stats.find((s) => s.variant === variant && s.service === service);
    const percentage = of('percentage');
    const multiplication = of('multiplication');
    // Its deliberate errors, which percentage answered itself (a call that failed on MathFanBoy's side never reached it).
    const fanboyErrors = callers[variant]?.percentage?.deliberate ?? callers[variant]?.percentage?.errors ?? 0;
    const seen = percentage?.failures ?? 0;
    const denials = multiplication?.denials ?? 0;
    const pass = seen >= fanboyErrors && (fanboyErrors === 0 || seen > 0) && denials === expectedDenials[variant];
    return {
      pass,
      text: `**${variant}** (${percentage?.sidecar ?? 'no sidecar'}): percentage's sidecar counted **${seen}** server errors (MathFanBoy got ${fanboyErrors} deliberate ones from it); multiplication's counted **${denials}** denials (the matrix expects ${expectedDenials[variant]} that reach it)`,
    };
  });
  return {
    title: 'What the sidecars saw (their own metrics, no application code)',
    items: [
      ...items,
      {
        pass: true,
        text: "Per service, inbound (requests: every request the sidecar saw, denied ones included — daprd's ACL-blocked and Linkerd's `inbound_http_authz_deny_total` are added to their request counts, which leave them out; success: answered requests that were not 5xx; denied: refused by the policy; CPU s and RSS MB: the sidecar process's own CPU time since it started and its resident memory, from its metrics' process_cpu_seconds_total and process_resident_memory_bytes, where it serves them — daprd and Linkerd's proxy do, the local stand-in does not):",
        lines: formatSidecarTable(stats, callers),
      },
    ],
  };
}

/**
 * The denials multiplication's own sidecar should have counted for the matrix: its rows that expect
 * the policy's 403 (a Dapr call by pod IP never reaches daprd, so it is not among them).
 */
export function deniedBySidecar(verdicts: readonly Verdict[], variant: VariantRecord): number {
  // With both, the sidecar read is daprd, and the mesh's proxy decides every denial before it.
  if (variant.dapr && variant.mesh) return 0;
  return verdicts.filter((v) => v.probe.variant === variant.name && v.probe.target === 'multiplication' && 'status' in v.probe.expected && v.probe.expected.status === 403).length;
}
