// The Mesh seam and variants as data, proven with a mesh that does not exist: a made-up "Meshy"
// (other ports, another proxy user, a denial with a body, as Istio's "RBAC: access denied") and a
// fourth variant, Dapr + Meshy. The matrix, the kind e2e's plan and checks, the shared experiment and
// the local stand-in's configuration all take them as they take Linkerd and the three variants.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { denialResponse, natRules, proxyConfig } from '@calc/lab';
import {
  closedByMesh,
  deniedByMesh,
  deniedBySidecar,
  judge,
  LINKERD,
  parsePrometheus,
  runExperiment,
  sidecarsOf,
  type Mesh,
  type Platform,
  type Probe,
  type VariantRecord,
} from '@calc/probe-matrix';
import { describe, expect, it } from 'vitest';
import { injectionFacts, missingSidecars } from '../src/injection.js';
import { buildPlan, formatPlan } from '../src/plan.js';

const MESHY: Mesh = {
  name: 'Meshy',
  version: '0.0.1',
  proxyVersion: 'v0.0.1',
  httpDenial: { status: 403, body: 'RBAC: access denied' },
  grpcDenial: { grpcStatus: 7 },
  tcpDenial: 'closed',
  proxyInitContainer: 'meshy-init',
  proxyInitCapabilities: ['NET_ADMIN'],
  proxyContainer: 'meshy-proxy',
  proxyUid: 1337,
  inboundPort: 15006,
  outboundPort: 15001,
  adminPort: 15020,
  trustRoot: 'root.meshy.local',
  identityOf: (serviceAccount, namespace) => `spiffe://meshy.local/ns/${namespace}/sa/${serviceAccount}`,
  inboundStats: (text) => {
    const value = (name: string) => parsePrometheus(text).find((s) => s.name === name)?.value ?? 0;
    return { requests: value('meshy_inbound_requests_total'), failures: value('meshy_inbound_5xx_total'), denials: value('meshy_inbound_denied_total') };
  },
};

const DAPR_MESHY: VariantRecord = { name: 'dapr-meshy', title: 'Dapr + Meshy', namespace: 'meshy-calculator', serviceSet: 'dapr', dapr: { mtls: false }, mesh: MESHY };

const MULTIPLY = { method: 'POST', path: '/multiply' } as const;
// biome-ignore format: the matrix reads as a table
const ROWS: Probe[] = [
  { id: 'dapr-meshy-mathfanboy-sidecar', variant: 'dapr-meshy', caller: 'mathfanboy', route: 'dapr-sidecar', target: 'multiplication', ...MULTIPLY, expected: { status: 200 }, claim: 'combined-works' },
  { id: 'dapr-meshy-addition-pod-ip', variant: 'dapr-meshy', caller: 'addition', route: 'pod-ip', target: 'multiplication', ...MULTIPLY, expected: deniedByMesh(MESHY), claim: 'combined-bypass-closed' },
  { id: 'dapr-meshy-intruder-service', variant: 'dapr-meshy', caller: 'intruder', route: 'service', target: 'multiplication', ...MULTIPLY, expected: deniedByMesh(MESHY), claim: 'combined-bypass-closed' },
  { id: 'dapr-meshy-intruder-redis', variant: 'dapr-meshy', caller: 'intruder', route: 'redis', target: 'redis', method: 'PING', path: '', expected: closedByMesh(MESHY), claim: 'combined-bypass-closed' },
];
/** What each row observes on a platform where Meshy behaves as described. */
const OBSERVED = {
  'dapr-meshy-mathfanboy-sidecar': { status: 200, bodyBytes: 13 },
  'dapr-meshy-addition-pod-ip': { status: 403, bodyBytes: 19 },
  'dapr-meshy-intruder-service': { status: 403, bodyBytes: 19 },
  'dapr-meshy-intruder-redis': { outcome: 'closed' },
} as const;

describe('a second mesh and a fourth variant, as data', () => {
  it("the matrix judges by the mesh's own denial: Meshy's 403 with a body passes where Linkerd's empty one is expected to fail", () => {
    expect(deniedByMesh(MESHY)).toEqual({ status: 403 });
    expect(deniedByMesh(LINKERD)).toEqual({ status: 403, emptyBody: true });
    const row = ROWS[1]!;
    expect(judge(row, OBSERVED['dapr-meshy-addition-pod-ip']).pass).toBe(true);
    expect(judge({ ...row, expected: deniedByMesh(LINKERD) }, OBSERVED['dapr-meshy-addition-pod-ip']).pass).toBe(false);
  });

  it('its traits decide the sidecars: daprd and the proxy in every pod, none for the intruder, only the proxy for Redis; the mesh decides every denial before daprd', () => {
    expect(sidecarsOf(DAPR_MESHY, 'multiplication')).toEqual({ dapr: true, mesh: true });
    expect(sidecarsOf(DAPR_MESHY, 'redis')).toEqual({ dapr: false, mesh: true });
    expect(sidecarsOf(DAPR_MESHY, 'intruder')).toEqual({ dapr: false, mesh: false });
    const verdicts = ROWS.map((p) => judge(p, OBSERVED[p.id as keyof typeof OBSERVED]));
    expect(deniedBySidecar(verdicts, DAPR_MESHY)).toBe(0);
    expect(deniedBySidecar(verdicts, { ...DAPR_MESHY, dapr: undefined })).toBe(2);
  });

  it("the kind e2e's plan runs its rows in its namespace, and prints them as kubectl commands", () => {
    const plan = buildPlan([DAPR_MESHY], ROWS);
    expect(plan.probes.map((p) => [p.probe.id, p.namespace, p.container])).toEqual(ROWS.map((r) => [r.id, 'meshy-calculator', r.caller === 'intruder' ? 'intruder' : 'app']));
    expect(plan.rollouts.map((r) => `${r.namespace}/${r.deployment}`)).toEqual(['addition', 'mathfanboy', 'multiplication', 'redis'].map((d) => `meshy-calculator/${d}`));
    expect(plan.pods).toEqual([{ namespace: 'meshy-calculator', pod: 'intruder' }]);
    const printed = formatPlan(plan, [DAPR_MESHY]);
    expect(printed).toContain('kubectl -n meshy-calculator exec pod/intruder -c intruder -- node --input-type=module -e "$PROBE" ');
    expect(printed).toContain('multiplication.meshy-calculator.svc.cluster.local:5003');
  });

  it("the e2e's injection checks look for Meshy's containers and capabilities", () => {
    const injected = {
      initContainers: [{ name: 'meshy-init', securityContext: { capabilities: { add: ['NET_ADMIN'] } } }],
      containers: [{ name: 'redis' }, { name: 'meshy-proxy' }],
    };
    expect(injectionFacts(DAPR_MESHY, 'redis', injected, []).filter((f) => !f.pass)).toEqual([]);
    expect(missingSidecars(DAPR_MESHY, 'redis', injected)).toEqual([]);
    expect(missingSidecars(DAPR_MESHY, 'redis', { containers: [{ name: 'redis' }] })).toEqual(['meshy-proxy']);
    // A pod Linkerd meshed is not a Meshy pod.
    const linkerdPod = {
      initContainers: [{ name: 'linkerd-init', securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } } }],
      containers: [{ name: 'redis' }, { name: 'linkerd-proxy' }],
    };
    expect(injectionFacts(DAPR_MESHY, 'redis', linkerdPod, []).map((f) => f.pass)).toEqual([false, false]);
  });

  it("the local stand-in plays Meshy's proxy: its ports, its user, its denial byte for byte", () => {
    const rules = natRules({ podIp: '10.211.9.13', meshed: true, services: [], appPort: 80, mesh: MESHY });
    expect(rules).toContain('-A PREROUTING -p tcp --dport 80 -j REDIRECT --to-ports 15006');
    expect(rules).toContain('-A OUTPUT -m owner --uid-owner 1337 -j RETURN');
    expect(rules).toContain('-A OUTPUT -p tcp -j REDIRECT --to-ports 15001');
    expect(rules).not.toContain('4143');
    const config = proxyConfig({
      mesh: MESHY,
      name: 'multiplication (meshy-calculator)',
      certificate: '/x.pem',
      caFile: '/ca.pem',
      meshedList: '/meshed.lst',
      allowList: '/allow.lst',
      denialFile: '/denial.http',
      policySwitch: '/policy',
      appPort: 80,
    });
    expect(config).toContain('uid 1337');
    expect(config).toContain('bind 127.0.0.1:15001');
    expect(config).toContain('bind :15006');
    expect(config).toContain('http-request deny deny_status 403 errorfile /denial.http');
    expect(denialResponse(MESHY)).toBe('HTTP/1.1 403 Forbidden\r\ncontent-length: 19\r\n\r\nRBAC: access denied');
  });

  it('the shared experiment runs it on a platform as on any other, and writes its findings', async () => {
    const good = JSON.stringify({ service: 'multiplication', operands: { op1: 6, op2: 7 }, latencyMs: 1, result: 42 });
    const stats = (denials: number) => [
      { variant: 'dapr-meshy', service: 'multiplication', sidecar: 'daprd', requests: 20, failures: 0, denials },
      { variant: 'dapr-meshy', service: 'percentage', sidecar: 'daprd', requests: 0, failures: 0, denials: 0 },
    ];
    const platform: Platform = {
      name: 'kind',
      probes: ROWS,
      concurrency: 2,
      probe: async (p) => OBSERVED[p.id as keyof typeof OBSERVED],
      sidecarStats: async () => stats(0),
      injection: async () => ({ key: 'injection', section: { title: 'Injection', items: [{ pass: true, text: 'meshy-proxy in every pod' }] }, data: [] }),
      fanboyLog: async (_variant, calls) => ({ lines: Array.from({ length: calls }, () => good), skipped: 3 }),
      checks: async () => [],
      versions: () => ({ meshy: MESHY.version }),
      notes: ['a made-up platform'],
    };
    const results = mkdtempSync(join(tmpdir(), 'second-mesh-'));
    const quiet = async <T>(_text: string, work: () => T | Promise<T>) => work();
    const findings = await runExperiment(platform, [DAPR_MESHY], { results, step: quiet });
    expect(findings.verdicts.map((v) => v.pass)).toEqual([true, true, true, true]);
    expect(findings.pass, JSON.stringify(findings.sections, null, 1)).toBe(true);
    expect(readFileSync(join(results, 'findings.md'), 'utf8')).toContain(
      '| ✅ | dapr-meshy | addition | pod IP : app port | multiplication | 403 | 403 | combined-bypass-closed |',
    );
    // A denial that reached daprd during the probes would mean the mesh let it through: the same run fails.
    let reads = 0;
    const leaky = await runExperiment({ ...platform, sidecarStats: async () => stats(reads++) }, [DAPR_MESHY], { results, step: quiet });
    expect(leaky.pass).toBe(false);
  });
});
