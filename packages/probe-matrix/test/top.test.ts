// ./lab top's arithmetic and frame: on counters captured from a real daprd 1.18.3 (the local lab's
// percentage), and on Linkerd's metric names as its source gives them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { daprdTop, type Latency, linkerdTop, quantile, stateOf, topFrame, type TopReading, topRows } from '../src/index.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const histogram = (counts: Array<[number, number]>): Latency => ({ kind: 'histogram', buckets: counts.map(([le, count]) => ({ le, count })) });

describe('a latency quantile between two readings of a cumulative histogram', () => {
  it("interpolates within the bucket the rank falls in, as Prometheus's histogram_quantile does", () => {
    const before = histogram([
      [5, 2],
      [13, 2],
      [30, 2],
      [Number.POSITIVE_INFINITY, 2],
    ]);
    const after = histogram([
      [5, 2],
      [13, 12],
      [30, 22],
      [Number.POSITIVE_INFINITY, 22],
    ]);
    // 20 new observations: 10 in (5, 13], 10 in (13, 30].
    expect(quantile(before, after, 0.5)).toBe(13);
    expect(quantile(before, after, 0.99)).toBeCloseTo(13 + (17 * 9.8) / 10, 6);
    expect(quantile(after, after, 0.5)).toBeUndefined();
  });
  it('beyond the last finite bound, the bound; an average has no quantile', () => {
    expect(
      quantile(
        undefined,
        histogram([
          [10, 0],
          [Number.POSITIVE_INFINITY, 4],
        ]),
        0.5,
      ),
    ).toBe(10);
    expect(quantile(undefined, { kind: 'average', ms: 3 }, 0.5)).toBeUndefined();
  });
});

describe("daprd's view, from a real daprd's metrics", () => {
  const percentage = daprdTop(fixture('daprd-percentage-latency.prom'));
  it('counts its inbound requests and the 502s it passed on', () => {
    expect({ requests: percentage.requests, failures: percentage.failures, denials: percentage.denials }).toEqual({ requests: 552, failures: 276, denials: 0 });
  });
  it("times its app's answers (the app channel), its own /dapr/config call left out", () => {
    const buckets = percentage.latency?.kind === 'histogram' ? percentage.latency.buckets : [];
    expect(buckets.at(-1)).toEqual({ le: Number.POSITIVE_INFINITY, count: 552 });
    expect(buckets.map((b) => b.le)).toEqual([...buckets.map((b) => b.le)].sort((a, b) => a - b));
  });
});

describe("linkerd-proxy's view, by the names Linkerd's source gives", () => {
  // linkerd2 doc/proxy-metrics.md (request_total, response_total{classification}, response_latency_ms
  // with direction), linkerd2-proxy linkerd/app/inbound/src/metrics/authz.rs (inbound_http_authz_deny_total).
  const text = [
    'request_total{direction="inbound",authority="multiplication:5003"} 9',
    'request_total{direction="outbound",authority="division:5004"} 50',
    'response_total{direction="inbound",classification="success",status_code="200"} 7',
    'response_total{direction="inbound",classification="failure",status_code="502"} 2',
    'inbound_http_authz_deny_total{srv_name="multiplication"} 3',
    'response_latency_ms_bucket{direction="inbound",status_code="200",le="1"} 2',
    'response_latency_ms_bucket{direction="inbound",status_code="200",le="10"} 7',
    'response_latency_ms_bucket{direction="inbound",status_code="200",le="+Inf"} 7',
    'response_latency_ms_bucket{direction="inbound",status_code="502",le="1"} 0',
    'response_latency_ms_bucket{direction="inbound",status_code="502",le="10"} 2',
    'response_latency_ms_bucket{direction="inbound",status_code="502",le="+Inf"} 2',
    'response_latency_ms_bucket{direction="outbound",le="+Inf"} 50',
  ].join('\n');
  it('inbound only: requests (denied ones added), failures, denials, and the response latency histogram', () => {
    const seen = linkerdTop(text);
    expect({ requests: seen.requests, failures: seen.failures, denials: seen.denials }).toEqual({ requests: 12, failures: 2, denials: 3 });
    expect(seen.latency).toEqual(
      histogram([
        [1, 2],
        [10, 9],
        [Number.POSITIVE_INFINITY, 9],
      ]),
    );
  });
});

describe('the frame', () => {
  const reading = (service: string, requests: number, failures: number, denials: number, latency?: Latency): TopReading => ({
    variant: 'mesh',
    service,
    sidecar: 'HAProxy (stand-in)',
    requests,
    failures,
    denials,
    ...(latency ? { latency } : {}),
  });
  const before = [reading('percentage', 10, 5, 0), reading('multiplication', 10, 0, 0), reading('addition', 4, 0, 0)];
  const after = [reading('percentage', 14, 7, 0, { kind: 'average', ms: 12 }), reading('multiplication', 16, 0, 4), reading('addition', 4, 0, 0, { kind: 'average', ms: 40 })];
  const rows = topRows(before, after, 2);

  it('rates over the interval; success among the answered; the average only while requests come in', () => {
    expect(rows.map((r) => [r.service, r.perSecond, r.success, r.failuresPerSecond, r.deniedPerSecond, r.averageMs])).toEqual([
      ['percentage', 2, 0.5, 1, 0, 12],
      ['multiplication', 3, 1, 0, 2, undefined],
      ['addition', 0, undefined, 0, 0, undefined],
    ]);
    expect(rows.map(stateOf)).toEqual(['errors', 'denying', 'idle']);
  });

  it("makes percentage's errors stand out: its state, and red on a terminal (denials yellow); plain text without one", () => {
    const plain = topFrame(rows, { seconds: 2, at: new Date('2026-12-07T06:00:00Z'), color: false, title: 'the local lab' });
    expect(plain[0]).toBe('the local lab: what each sidecar saw in the last 2.0 s (06:00:00 UTC)');
    expect(plain.find((l) => l.startsWith('mesh') && l.includes('percentage'))).toMatch(/HAProxy \(stand-in\) +errors +2\.0 +50\.0 % +1\.0 +0 +– +– +12$/);
    expect(plain.join('\n')).not.toContain('\u001b[');
    const coloured = topFrame(rows, { seconds: 2, at: new Date(), color: true, title: 't' });
    const percentage = coloured.find((l) => l.includes('percentage')) ?? '';
    expect([percentage.startsWith('\u001b[31;1m'), percentage.endsWith('\u001b[0m')]).toEqual([true, true]);
    expect(coloured.find((l) => l.includes('multiplication'))?.startsWith('\u001b[33;1m')).toBe(true);
    expect(coloured.find((l) => l.includes('addition'))).not.toContain('\u001b[');
  });

  it('says where each latency column comes from', () => {
    const frame = topFrame(rows, { seconds: 2, at: new Date(), color: false, title: 't' }).join('\n');
    for (const source of ['dapr_http_client_roundtrip_latency', 'response_latency_ms{direction="inbound"}', 'rtime, an average over its last 1,024 requests'])
      expect(frame).toContain(source);
  });
});
