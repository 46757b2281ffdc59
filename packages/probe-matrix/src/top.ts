// ./lab top: what each sidecar saw in the last interval, per variant and service — requests per
// second, success rate, denials, latency where the sidecar measures it — from two readings of its
// own counters. The readings are the platform's (the local lab's daprd and HAProxy; in a cluster,
// daprd and linkerd-proxy through the API server); the arithmetic and the frame are shared.
import { setTimeout as sleep } from 'node:timers/promises';
import { alignColumns } from './report.js';
import { daprdStats, parsePrometheus, type Sample, type SidecarCounts } from './sidecar-stats.js';
import { linkerdStats } from './linkerd.js';

/** The refresh interval, from an --interval option: seconds from 0.2 to 60 (1 by default); a message for anything else. */
export function topInterval(text: string | undefined): number | { error: string } {
  if (text === undefined) return 1;
  const seconds = Number(text);
  return Number.isFinite(seconds) && seconds >= 0.2 && seconds <= 60 ? seconds : { error: `--interval ${text}: not a number of seconds from 0.2 to 60` };
}

/** A latency the sidecar keeps: a cumulative histogram (daprd, linkerd-proxy), or only an average (HAProxy). */
export type Latency = { kind: 'histogram'; buckets: Array<{ le: number; count: number }> } | { kind: 'average'; ms: number };

export interface TopReading extends SidecarCounts {
  variant: string;
  service: string;
  /** The sidecar that counted, as the frame names it. */
  sidecar: string;
  latency?: Latency;
}

export interface TopRow {
  variant: string;
  service: string;
  sidecar: string;
  perSecond: number;
  /** Answered requests that were not 5xx, 0–1; undefined when none was answered. */
  success?: number;
  failuresPerSecond: number;
  deniedPerSecond: number;
  p50?: number;
  p99?: number;
  /** HAProxy's average response time (its last 1,024 requests, not this interval's). */
  averageMs?: number;
}

/** Where each latency column comes from, said under the frame. */
export const LATENCY_SOURCES = [
  'daprd: dapr_http_client_roundtrip_latency (its calls to its own app, ms histogram; pkg/diagnostics/http_monitoring.go)',
  'linkerd-proxy: response_latency_ms{direction="inbound"} (the histogram linkerd viz reads; viz/metrics-api/stat_summary.go)',
  'HAProxy stand-in: rtime, an average over its last 1,024 requests (HAProxy 2.6 keeps no histogram; percentiles would need its request log)',
];

/** The labels' sums of a cumulative histogram, by bucket bound. */
function histogram(samples: Sample[], name: string, keep: (s: Sample) => boolean): Latency {
  const byBound = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket` || !keep(s)) continue;
    const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
    byBound.set(le, (byBound.get(le) ?? 0) + s.value);
  }
  return { kind: 'histogram', buckets: [...byBound].sort(([a], [b]) => a - b).map(([le, count]) => ({ le, count })) };
}

/**
 * daprd's view of its service: its inbound counts (sidecar-stats.ts), and how long its app took to
 * answer it — the app channel's roundtrip, daprd's own route calls (`/dapr/…`) left out.
 */
export function daprdTop(text: string): Pick<TopReading, keyof SidecarCounts | 'latency'> {
  const samples = parsePrometheus(text);
  return { ...daprdStats(text), latency: histogram(samples, 'dapr_http_client_roundtrip_latency', (s) => !s.labels.path?.startsWith('/dapr/')) };
}

/**
 * linkerd-proxy's view of its pod, inbound: counts as linkerd.ts reads them, and its response latency
 * (`response_latency_ms`, a histogram in ms with `direction`, next to `request_total` and
 * `response_total` in the proxy's HTTP metrics report, linkerd2-proxy requests/report.rs; the name
 * linkerd viz still queries, viz/metrics-api/stat_summary.go). Not run here: Linkerd's proxy cannot.
 */
export function linkerdTop(text: string): Pick<TopReading, keyof SidecarCounts | 'latency'> {
  const samples = parsePrometheus(text);
  return { ...linkerdStats(text), latency: histogram(samples, 'response_latency_ms', (s) => s.labels.direction === 'inbound') };
}

/** The q-quantile of the observations between two cumulative histograms, interpolated in its bucket as Prometheus's histogram_quantile does. */
export function quantile(before: Latency | undefined, after: Latency | undefined, q: number): number | undefined {
  if (after?.kind !== 'histogram') return undefined;
  const earlier = new Map(before?.kind === 'histogram' ? before.buckets.map((b) => [b.le, b.count]) : []);
  const buckets = after.buckets.map((b) => ({ le: b.le, count: b.count - (earlier.get(b.le) ?? 0) }));
  const total = buckets.at(-1)?.count ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const { le, count } of buckets) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return lower;
      return lower + ((le - lower) * (rank - below)) / Math.max(count - below, 1);
    }
    lower = le;
    below = count;
  }
  return undefined;
}

/** Each sidecar's rates between two readings taken `seconds` apart, matched by variant, service and sidecar. */
export function topRows(before: TopReading[], after: TopReading[], seconds: number): TopRow[] {
  return after.map((now) => {
    const then = before.find((b) => b.variant === now.variant && b.service === now.service && b.sidecar === now.sidecar);
    const delta = (pick: (r: SidecarCounts) => number) => Math.max(pick(now) - (then ? pick(then) : 0), 0);
    const requests = delta((r) => r.requests);
    const denials = delta((r) => r.denials);
    const failures = delta((r) => r.failures);
    const answered = requests - denials;
    return {
      variant: now.variant,
      service: now.service,
      sidecar: now.sidecar,
      perSecond: requests / seconds,
      ...(answered > 0 ? { success: (answered - failures) / answered } : {}),
      failuresPerSecond: failures / seconds,
      deniedPerSecond: denials / seconds,
      // HAProxy's average spans its last 1,024 requests: shown only while requests come in.
      ...(now.latency?.kind === 'average' && requests > 0 ? { averageMs: now.latency.ms } : {}),
      ...optional('p50', quantile(then?.latency, now.latency, 0.5)),
      ...optional('p99', quantile(then?.latency, now.latency, 0.99)),
    };
  });
}

const optional = <K extends string>(key: K, value: number | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, number>));

const RED = '\u001b[31;1m';
const YELLOW = '\u001b[33;1m';
const RESET = '\u001b[0m';
const rate = (n: number) => (n === 0 ? '0' : n < 10 ? n.toFixed(1) : n.toFixed(0));
const ms = (n: number | undefined) => (n === undefined ? '–' : n < 10 ? n.toFixed(1) : n.toFixed(0));

/** A row at a glance: server errors (percentage's deliberate 502s), denials, plain traffic, or none. */
export function stateOf(r: TopRow): 'errors' | 'denying' | 'errors, denying' | 'ok' | 'idle' {
  if (r.failuresPerSecond > 0) return r.deniedPerSecond > 0 ? 'errors, denying' : 'errors';
  if (r.deniedPerSecond > 0) return 'denying';
  return r.perSecond > 0 ? 'ok' : 'idle';
}

/** One frame: a line per sidecar, its state first; errors red and denials yellow on a terminal. */
export function topFrame(rows: TopRow[], o: { seconds: number; at: Date; color: boolean; title: string }): string[] {
  const header = ['variant', 'service', 'sidecar', 'state', 'req/s', 'success', '5xx/s', 'denied/s', 'p50 ms', 'p99 ms', 'avg ms'];
  const body = rows.map((r) => [
    r.variant,
    r.service,
    r.sidecar,
    stateOf(r),
    rate(r.perSecond),
    r.success === undefined ? '–' : `${(100 * r.success).toFixed(1)} %`,
    rate(r.failuresPerSecond),
    rate(r.deniedPerSecond),
    ms(r.p50),
    ms(r.p99),
    ms(r.averageMs),
  ]);
  const lines = alignColumns([header, ...body]);
  const paint = (line: string, r: TopRow) => {
    const state = stateOf(r);
    if (!o.color || state === 'ok' || state === 'idle') return line;
    return `${state.startsWith('errors') ? RED : YELLOW}${line}${RESET}`;
  };
  return [
    `${o.title}: what each sidecar saw in the last ${o.seconds.toFixed(1)} s (${o.at.toISOString().slice(11, 19)} UTC)`,
    '',
    lines[0]!,
    ...lines.slice(1).map((line, i) => paint(line, rows[i]!)),
    '',
    'req/s: requests the sidecar saw, denied ones included; success: answered, not 5xx; denied/s: refused by its policy.',
    ...LATENCY_SOURCES.map((source) => `latency, ${source}`),
  ];
}

const CLEAR = '\u001b[H\u001b[2J';

/**
 * The view: read, wait an interval, read again, print a frame of what happened between; again until
 * Ctrl-C (or once). On a terminal each frame replaces the last, in colour; otherwise frames follow.
 */
export async function watchTop(read: () => Promise<{ readings: TopReading[]; problems?: string[] }>, o: { once: boolean; interval: number; title: string }): Promise<void> {
  const live = !o.once && process.stdout.isTTY === true;
  let stop = false;
  const stopping = () => (stop = true);
  process.once('SIGINT', stopping);
  process.once('SIGTERM', stopping);
  const timed = async () => ({ at: performance.now(), ...(await read()) });
  let before = await timed();
  do {
    await sleep(o.interval * 1000);
    if (stop) break;
    const after = await timed();
    const seconds = (after.at - before.at) / 1000;
    const frame = topFrame(topRows(before.readings, after.readings, seconds), { seconds, at: new Date(), color: live, title: o.title });
    process.stdout.write(`${live ? CLEAR : ''}${[...frame, ...(after.problems ?? []).map((p) => `! ${p}`)].join('\n')}\n${o.once ? '' : '\n'}`);
    before = after;
  } while (!o.once && !stop);
  process.off('SIGINT', stopping);
  process.off('SIGTERM', stopping);
}
