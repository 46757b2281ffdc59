import { readFileSync } from 'node:fs';
import { asExpected } from './as-expected.js';
import { describe, expect, it } from 'vitest';
import {
  daprdStats,
  deniedBySidecar,
  formatSidecarTable,
  judge,
  linkerdStats,
  parsePrometheus,
  processStats,
  PROBES,
  sidecarSection,
  successRate,
  variantOf,
  type SidecarStats,
} from '../src/index.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe("daprd's own counters (captured from a real daprd 1.18.3 in the local lab)", () => {
  it("multiplication's: the ACL's denials are counted apart from the requests it let through", () => {
    // 475 + 482 let through (mathfanboy, percentage), 4 denied (addition): dapr_runtime_acl_global_policy_action_blocked_total.
    expect(daprdStats(fixture('daprd-multiplication.prom'))).toEqual({ requests: 961, failures: 0, denials: 4 });
  });

  it("percentage's: the deliberate 502s are failures, with no line of application code", () => {
    expect(daprdStats(fixture('daprd-percentage.prom'))).toEqual({ requests: 495, failures: 254, denials: 0 });
  });

  it('parses labels and values, and skips comments', () => {
    expect(parsePrometheus('# HELP x y\nx_total{a="1",b="two"} 3\nplain 4.5\n')).toEqual([
      { name: 'x_total', labels: { a: '1', b: 'two' }, value: 3 },
      { name: 'plain', labels: {}, value: 4.5 },
    ]);
  });
});

describe("Linkerd's proxy counters (metric names and labels pinned from linkerd2's proxy-metrics doc and linkerd2-proxy's authz.rs; not run here)", () => {
  // A hand-written sample in the proxy's format: Linkerd cannot run here (DESIGN.md section 8).
  const sample = [
    'request_total{direction="inbound",authority="multiplication:5003",target_addr="10.244.0.9:8080",tls="true"} 30',
    'request_total{direction="outbound",authority="division:5002",tls="true"} 99',
    'response_total{direction="inbound",authority="multiplication:5003",tls="true",status_code="200",classification="success"} 24',
    'response_total{direction="inbound",authority="multiplication:5003",tls="true",status_code="502",classification="failure"} 2',
    'response_total{direction="outbound",status_code="500",classification="failure"} 7',
    'inbound_http_authz_deny_total{target_addr="10.244.0.9:8080",srv_kind="server",srv_name="multiplication-http"} 4',
  ].join('\n');

  it('counts the inbound side only, failures by classification, denials apart', () => {
    // request_total is counted after the policy (linkerd2-proxy's inbound policy layer): the 4 denials are added.
    expect(linkerdStats(sample)).toEqual({ requests: 34, failures: 2, denials: 4 });
  });

  it('its success rate is over the 30 requests it answered (24 + 2 of them inbound classified), not 30 less the denials', () => {
    expect(successRate({ variant: 'mesh', service: 'multiplication', sidecar: 'linkerd-proxy', ...linkerdStats(sample) })).toBe(`${((100 * 28) / 30).toFixed(1)} %`);
  });
});

describe("each sidecar process's own CPU and memory, from its metrics", () => {
  it("reads daprd's (captured from a real daprd 1.18.3's metrics port)", () => {
    expect(processStats(fixture('daprd-process.prom'))).toEqual({ cpuSeconds: 0.08, residentBytes: 52_695_040 });
  });

  it("reads Linkerd's proxy's, as its process collector names them (linkerd/metrics/src/process.rs under the `process` prefix; not run here)", () => {
    const proxy = ['# TYPE process_cpu_seconds counter', '# UNIT process_cpu_seconds seconds', 'process_cpu_seconds_total 1.25', 'process_resident_memory_bytes 18874368'].join(
      '\n',
    );
    expect(processStats(proxy)).toEqual({ cpuSeconds: 1.25, residentBytes: 18_874_368 });
  });

  it('is absent where the metrics carry no process figures (the local stand-in, an older sidecar), and the table says so', () => {
    expect(processStats(fixture('daprd-multiplication.prom'))).toBeUndefined();
    const [header, row] = formatSidecarTable([{ variant: 'mesh', service: 'multiplication', sidecar: 'HAProxy (stand-in)', requests: 1, failures: 0, denials: 0 }], {});
    expect(header).toMatch(/CPU s\s+RSS MB/);
    expect(row).toMatch(/–\s+–\s+–$/);
  });
});

describe('the sidecar section', () => {
  const verdicts = PROBES.map((p) => judge(p, asExpected(p)));
  const stat = (variant: 'dapr' | 'mesh', service: string, o: Partial<SidecarStats>): SidecarStats => ({
    variant,
    service,
    sidecar: 'daprd',
    requests: 10,
    failures: 0,
    denials: 0,
    ...o,
  });

  it("expects the denials that reach multiplication's sidecar: one on Dapr's route (pod-IP calls never reach daprd), four in the mesh", () => {
    expect(deniedBySidecar(verdicts, variantOf('dapr'))).toBe(1);
    expect(deniedBySidecar(verdicts, variantOf('mesh'))).toBe(4);
  });

  it("passes when percentage's errors and multiplication's denials show, fails when they do not", () => {
    const callers = { dapr: { percentage: { calls: 10, errors: 3 } } };
    const good = [stat('dapr', 'percentage', { failures: 3 }), stat('dapr', 'multiplication', { denials: 1 })];
    expect(sidecarSection(good, callers, { dapr: 1 }).items[0]!.pass).toBe(true);
    const blind = [stat('dapr', 'percentage', { failures: 0 }), stat('dapr', 'multiplication', { denials: 1 })];
    expect(sidecarSection(blind, callers, { dapr: 1 }).items[0]!.pass).toBe(false);
    const noDenials = [stat('dapr', 'percentage', { failures: 3 }), stat('dapr', 'multiplication', { denials: 0 })];
    expect(sidecarSection(noDenials, callers, { dapr: 1 }).items[0]!.pass).toBe(false);
  });

  it('gives the success rate of answered requests, denials left out', () => {
    expect(successRate(stat('mesh', 'x', { requests: 14, denials: 4, failures: 5 }))).toBe('50.0 %');
    expect(successRate(stat('mesh', 'x', { requests: 0 }))).toBe('–');
  });
});
