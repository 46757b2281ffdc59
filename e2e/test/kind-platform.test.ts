// The kind platform's reading of a cluster, against a stand-in for the API server (a seam test: the
// cluster itself runs in make kind-airgap for Dapr; Linkerd's half cannot run here). What it asks
// for, and of which pod, port and container, is what the real cluster is asked.
import type { V1Pod } from '@kubernetes/client-node';
import { LINKERD, variantOf } from '@calc/probe-matrix';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../src/cluster.js';
import { kindPlatform } from '../src/kind-platform.js';
import { buildPlan } from '../src/plan.js';

const DAPRD_METRICS = [
  'dapr_runtime_service_invocation_req_recv_total{app_id="multiplication",src_app_id="percentage"} 10',
  'dapr_runtime_acl_global_policy_action_blocked_total{app_id="multiplication",src_app_id="addition"} 1',
  'process_cpu_seconds_total 2.5',
  'process_resident_memory_bytes 5.2e+07',
].join('\n');
const PROXY_METRICS = ['request_total{direction="inbound",tls="true"} 8', 'inbound_http_authz_deny_total{srv_name="multiplication-http"} 4'].join('\n');
const record = JSON.stringify({ service: 'addition', operands: { op1: 1, op2: 2 }, latencyMs: 1, result: 3 });

/** A cluster whose pods run on two nodes (by name), with the sidecars' metrics above and MathFanBoy's log. */
function standInCluster() {
  const asked: string[] = [];
  const cluster = {
    podOf: async (_namespace: string, app: string) =>
      ({ metadata: { name: `${app}-0` }, spec: { nodeName: app.length % 2 ? 'node-a' : 'node-b', containers: [] }, status: { podIP: '10.244.1.9' } }) as V1Pod,
    metrics: async (namespace: string, pod: string, port: number) => {
      asked.push(`${namespace}/${pod}:${port}`);
      return port === LINKERD.adminPort ? PROXY_METRICS : DAPRD_METRICS;
    },
    logs: async () => [`2026-12-06T10:00:01Z ${record}`, ...Array.from({ length: 25 }, () => `2026-12-06T10:00:20Z ${record}`)].join('\n'),
    daprConfigurations: async () => ['multiplication'],
  };
  return { cluster: cluster as unknown as Cluster, asked };
}

describe('kind as a platform of the shared experiment', () => {
  const variants = [variantOf('dapr'), variantOf('mesh')];
  const plan = buildPlan(variants);

  it("reads daprd's counters on :9090 where Dapr is, the mesh's proxy's on its admin port, and names each sidecar", async () => {
    const { cluster, asked } = standInCluster();
    const stats = await kindPlatform({ cluster, variants, plan, rolledOutAt: new Date('2026-12-06T10:00:10Z') }).sidecarStats();
    expect(asked).toContain('dapr-calculator/multiplication-0:9090');
    expect(asked).toContain(`rest-calculator/multiplication-0:${LINKERD.adminPort}`);
    expect(stats.find((s) => s.variant === 'dapr' && s.service === 'multiplication')).toMatchObject({
      sidecar: 'daprd',
      requests: 11,
      denials: 1,
      process: { cpuSeconds: 2.5, residentBytes: 52_000_000 },
    });
    expect(stats.find((s) => s.variant === 'mesh' && s.service === 'multiplication')).toMatchObject({ sidecar: LINKERD.proxyContainer, requests: 12, denials: 4 });
    // No sidecar to read on the intruder, none for Redis in the Dapr variant, none read for MathFanBoy.
    expect(asked.filter((a) => /intruder|redis|mathfanboy/.test(a))).toEqual([]);
  });

  it('judges MathFanBoy only from the rollouts on, and says where each pod ran', async () => {
    const { cluster } = standInCluster();
    const platform = kindPlatform({ cluster, variants, plan, rolledOutAt: new Date('2026-12-06T10:00:10Z') });
    expect(await platform.fanboyLog('dapr', 20)).toEqual({ lines: Array.from({ length: 25 }, () => record), skipped: 1 });
    const [placement] = await platform.checks({ verdicts: [], fanboys: [] });
    expect(placement?.section.items[0]?.text).toMatch(/^2 nodes: node-a \(\d+ pods\), node-b \(\d+ pods\)$/);
    expect(placement?.data).toMatchObject({ 'dapr/multiplication': 'node-b', 'mesh/redis': 'node-a' });
  });
});
