import { describe, expect, it } from 'vitest';
import { ARTICLE, CLAIMS, claimMark, claimResults, judge, LINKERD, PROBES, VARIANT_NAMES, VARIANTS, workloadsOf } from '../src/index.js';
import { asExpected } from './as-expected.js';

describe('the probe matrix', () => {
  it('has unique ids, and every row tests a known claim', () => {
    expect(new Set(PROBES.map((p) => p.id)).size).toBe(PROBES.length);
    for (const probe of PROBES) expect(Object.keys(CLAIMS)).toContain(probe.claim);
  });

  it('covers every claim at least once', () => {
    expect(new Set(PROBES.map((p) => p.claim))).toEqual(new Set(Object.keys(CLAIMS)));
  });

  // Each claim says what its cells must show; a row edited against its claim fails here.
  it('expects, in every row, what its claim says', () => {
    const rows = (claim: string) => PROBES.filter((p) => p.claim === claim);
    const meshDenial = { status: LINKERD.httpDenial.status, emptyBody: true };
    for (const p of rows('dapr-acl-allows')) expect([p.route, p.expected], p.id).toEqual(['dapr-sidecar', { status: 200 }]);
    for (const p of rows('dapr-acl-denies')) expect([p.route, p.expected], p.id).toEqual(['dapr-sidecar', { status: 403, code: 'ERR_DIRECT_INVOKE' }]);
    for (const p of rows('dapr-bypass')) expect([p.route, p.target, p.expected], p.id).toEqual(['pod-ip', 'multiplication', { status: 200 }]);
    for (const p of rows('dapr-internal-mtls')) expect([p.route, p.expected], p.id).toEqual(['dapr-internal', { outcome: 'tls-rejected' }]);
    for (const p of rows('mesh-allows')) expect(p.expected, p.id).toEqual({ status: 200 });
    for (const claim of ['mesh-denies-meshed', 'mesh-denies-unmeshed']) {
      // "whatever the route": both the Service address and the pod IP, each denied as Linkerd denies.
      expect(new Set(rows(claim).map((p) => p.route)), claim).toEqual(new Set(['service', 'pod-ip']));
      for (const p of rows(claim)) expect(p.expected, p.id).toEqual(meshDenial);
    }
    for (const p of rows('mesh-denies-unmeshed')) expect(p.caller, p.id).toBe('intruder');
    expect(meshDenial).toEqual({ status: 403, emptyBody: LINKERD.httpDenial.body === '' });
    // The call graph: multiplication's own answer (its 422) means the deputy reached it.
    const reached = { status: 422, code: 'RESULT_NOT_FINITE' };
    for (const p of rows('call-graph-deputy')) expect([p.variant, p.target, p.expected], p.id).toEqual(['mesh', 'percentage-nopolicy', reached]);
    for (const p of rows('call-graph-mesh-closed')) expect(p.expected, p.id).toEqual(p.caller === 'mathfanboy' ? reached : meshDenial);
    for (const p of rows('call-graph-dapr-open')) if (p.route === 'pod-ip') expect(p.expected, p.id).toEqual(reached);
    // Layer 4: only percentage's connection is answered where the mesh holds; all are in Dapr.
    for (const p of rows('l4-dapr-out-of-scope')) expect([p.variant, p.route, p.expected], p.id).toEqual(['dapr', 'redis', { answer: '+PONG' }]);
    for (const p of rows('l4-mesh')) expect(p.expected, p.id).toEqual(p.caller === 'percentage' ? { answer: '+PONG' } : { outcome: LINKERD.tcpDenial });
    // With the mesh under Dapr, every way around the policy is closed.
    for (const p of rows('combined-bypass-closed')) expect([p.variant, p.expected], p.id).toEqual(['dapr-mesh', p.route === 'redis' ? { outcome: 'closed' } : meshDenial]);
  });

  it("has a variant record for every row, and names each variant's workloads once, callers and targets alike", () => {
    for (const p of PROBES) expect(VARIANT_NAMES, p.id).toContain(p.variant);
    for (const v of VARIANTS) {
      const named = workloadsOf(v.name);
      expect(named, v.name).toEqual([...new Set(named)].sort());
      expect(new Set(named), v.name).toEqual(new Set(PROBES.filter((p) => p.variant === v.name).flatMap((p) => [p.caller, p.target])));
      // Each variant is probed from outside its sidecars too.
      expect(named, v.name).toContain('intruder');
    }
  });
});

describe('judge', () => {
  const probe = (id: string) => PROBES.find((p) => p.id === id)!;

  it('passes when status and code match, fails otherwise', () => {
    expect(judge(probe('dapr-addition-sidecar'), { status: 403, code: 'ERR_DIRECT_INVOKE' }).pass).toBe(true);
    expect(judge(probe('dapr-addition-sidecar'), { status: 403, code: 'OTHER' }).pass).toBe(false);
    expect(judge(probe('dapr-addition-sidecar'), { status: 200 }).pass).toBe(false);
  });

  it("judges a mesh denial by Linkerd's denial as its source pins it (linkerd.ts): 403, empty body, no l5d-proxy-error reaching the caller", () => {
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

describe("the article's lists", () => {
  it('ties every item to claims of the matrix, a section, or says why it is not tested', () => {
    for (const item of ARTICLE) {
      expect(Boolean(item.claims?.length || item.section || item.notTested), item.text).toBe(true);
      for (const claim of item.claims ?? []) expect(Object.keys(CLAIMS), item.text).toContain(claim);
    }
    // Every claim answers one of the article's items, but the two gaps the lab found beyond it.
    const covered = new Set<string>(ARTICLE.flatMap((i) => i.claims ?? []));
    expect(Object.keys(CLAIMS).filter((c) => !covered.has(c))).toEqual(['mesh-probe-gap', 'call-graph-deputy']);
  });
});

describe('claims on a platform that runs only some rows (the air-gapped kind: Dapr only; make kind-e2e: no dapr-mesh)', () => {
  const daprOnly = PROBES.filter((p) => p.variant === 'dapr').map((p) => judge(p, asExpected(p)));

  it('a claim none of whose rows ran is "not run here", never failed', () => {
    const results = claimResults(daprOnly);
    const mesh = results.find((c) => c.claim === 'mesh-allows')!;
    expect(mesh).toMatchObject({ ran: false, pass: false });
    expect(claimMark(mesh)).toBe('⏭ not run here:');
    expect(results.filter((c) => c.ran && !c.pass)).toEqual([]);
    expect(results.filter((c) => c.ran).length).toBeGreaterThanOrEqual(8);
  });

  it('a claim one of whose rows differs is still ❌', () => {
    const [first, ...rest] = daprOnly;
    const wrong = judge(first!.probe, { status: 599 });
    const claim = claimResults([wrong, ...rest]).find((c) => c.claim === first!.probe.claim)!;
    expect(claimMark(claim)).toBe('❌');
  });
});
