import { describe, expect, it } from 'vitest';
import { CLAIMS, judge, PROBES, workloadsOf } from '../src/index.js';

describe('the probe matrix', () => {
  it('has unique ids, and every row tests a known claim', () => {
    expect(new Set(PROBES.map((p) => p.id)).size).toBe(PROBES.length);
    for (const probe of PROBES) expect(Object.keys(CLAIMS)).toContain(probe.claim);
  });

  it('covers every claim at least once', () => {
    expect(new Set(PROBES.map((p) => p.claim))).toEqual(new Set(Object.keys(CLAIMS)));
  });

  it('holds the article cells: the Dapr bypass is expected, the mesh denial on both routes', () => {
    const cell = (id: string) => PROBES.find((p) => p.id === id)?.expected;
    expect(cell('dapr-addition-sidecar')).toEqual({ status: 403, code: 'ERR_DIRECT_INVOKE' });
    expect(cell('dapr-intruder-pod-ip')).toEqual({ status: 200 });
    expect(cell('mesh-intruder-service')).toEqual({ status: 403, emptyBody: true });
    expect(cell('mesh-intruder-pod-ip')).toEqual({ status: 403, emptyBody: true });
  });

  it('names the workloads each platform must run', () => {
    expect(workloadsOf('dapr')).toEqual(['addition', 'intruder', 'mathfanboy', 'multiplication', 'multiplication-loopback', 'multiplication-token', 'percentage']);
    expect(workloadsOf('mesh')).toEqual(['addition', 'intruder', 'mathfanboy', 'multiplication', 'multiplication-nopolicy', 'percentage']);
  });
});

describe('judge', () => {
  const probe = (id: string) => PROBES.find((p) => p.id === id)!;

  it('passes when status and code match, fails otherwise', () => {
    expect(judge(probe('dapr-addition-sidecar'), { status: 403, code: 'ERR_DIRECT_INVOKE' }).pass).toBe(true);
    expect(judge(probe('dapr-addition-sidecar'), { status: 403, code: 'OTHER' }).pass).toBe(false);
    expect(judge(probe('dapr-addition-sidecar'), { status: 200 }).pass).toBe(false);
  });

  it("judges a mesh denial as Linkerd's: 403, empty body, no l5d-proxy-error reaching the caller", () => {
    const denial = probe('mesh-intruder-pod-ip');
    expect(judge(denial, { status: 403, bodyBytes: 0 })).toMatchObject({ pass: true, expectedText: '403 empty', observedText: '403 empty' });
    // What the stand-in used to answer, and what Linkerd never shows an app.
    expect(judge(denial, { status: 403, bodyBytes: 0, proxyError: 'unauthorized' })).toMatchObject({ pass: false, observedText: '403 empty l5d-proxy-error' });
    // The app's own 403 carries a JSON body with a code: not a proxy denial.
    expect(judge(denial, { status: 403, bodyBytes: 60, code: 'FORBIDDEN' }).pass).toBe(false);
    expect(judge(denial, { status: 403 }).pass).toBe(false);
  });

  it('matches connection outcomes and describes both sides', () => {
    const verdict = judge(probe('dapr-intruder-pod-ip-loopback'), { status: 200 });
    expect(verdict).toMatchObject({ pass: false, expectedText: 'refused', observedText: '200' });
    expect(judge(probe('dapr-intruder-internal-grpc'), { outcome: 'tls-rejected' }).pass).toBe(true);
  });
});
