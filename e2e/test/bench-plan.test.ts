// The cluster benchmark's plan (which pods, containers, ports and counters it reads) on pods as the
// real injectors leave them: Dapr 1.18.3's injector run on k8s-bench here, and for Linkerd, what
// edge-26.8.3's own injector added to the project's pods (../shared/linkerd; skipped loudly where
// absent, failing under CI), put onto k8s-bench's pods. Linkerd cannot run here: this is its proof.
import { readdirSync, readFileSync } from 'node:fs';
import type { V1Node } from '@kubernetes/client-node';
import { additionsByWorkload, hasLinkerdOutput, NO_LINKERD_OUTPUT, parseObjects, type Untyped, withLinkerd } from '@calc/k8s-check';
import { PINNED, processStats } from '@calc/probe-matrix';
import { describe, expect, it } from 'vitest';
import { procReading } from '../src/bench/cluster-scenario.js';
import { type PodLike, readingsOf, resourcesOf } from '../src/bench/plan.js';
import { labelsOf, versionsOf } from '../src/bench/setup.js';
import { clusterSetup, placement } from '../src/bench/setup.js';
import { inject, render } from './support/dapr-inject.js';

const present = hasLinkerdOutput();
if (!present && process.env.CI === 'true') throw new Error(NO_LINKERD_OUTPUT);
if (!present) console.warn(NO_LINKERD_OUTPUT);

/** The bench overlay's two pods, as Dapr's injector patches them (mTLS as given), or untouched. */
function benchPods(overlay: string, dapr?: { mtls: boolean }): Record<'client' | 'target', PodLike> {
  const rendered = render(overlay);
  const deployments = parseObjects(rendered).filter((o) => o.kind === 'Deployment');
  const patched = dapr ? new Map(inject(rendered, dapr.mtls).pods.map((p) => [p.deployment, p.pod])) : new Map();
  const podOf = (name: string): PodLike => {
    const d = deployments.find((o) => o.metadata.name === name)!;
    const pod = patched.get(name) ?? d.spec.template;
    return { metadata: { name: `${name}-0`, namespace: d.metadata.namespace }, spec: pod.spec };
  };
  return { client: podOf('bench-client'), target: podOf('bench-target') };
}

/** A pod with what Linkerd's injector added to multiplication in `from` (the same additions for any pod of that namespace). */
const linkerdOn = (pod: PodLike, from: 'k8s-linkerd' | 'k8s-dapr/overlays/with-linkerd') =>
  withLinkerd({ metadata: pod.metadata, spec: pod.spec } as Untyped, additionsByWorkload(from).get('multiplication')!) as PodLike;

const shape = (readings: ReturnType<typeof readingsOf>) => readings.map((r) => `${r.role}: ${r.container}${'port' in r ? ` :${r.port}` : ' /proc'}`);

describe("the cluster benchmark's plan, on pods as the injectors leave them", () => {
  it('direct: no sidecar to read, only the app; a Dapr pod in its place is refused', () => {
    const direct = benchPods('k8s-bench/direct');
    expect(shape(readingsOf('direct', direct.client, direct.target))).toEqual(['app: app /proc']);
    const dapr = benchPods('k8s-bench/dapr', { mtls: true });
    expect(() => readingsOf('direct', dapr.client, dapr.target)).toThrow(/carries daprd, which the direct scenario must not/);
  });

  it("dapr: both daprd, on the metrics port Dapr's injector declares, with the resources asked for", () => {
    const { client, target } = benchPods('k8s-bench/dapr', { mtls: true });
    expect(shape(readingsOf('dapr', client, target))).toEqual(['app: app /proc', 'client daprd: daprd :9090', 'server daprd: daprd :9090']);
    expect(resourcesOf(target, 'daprd')).toBe('CPU 100m / 1, memory 64Mi / 256Mi');
    expect(labelsOf(versionsOf([{ scenario: 'dapr', namespace: 'bench-dapr', client, target }])).dapr).toBe(`Dapr ${PINNED.dapr}`);
    const direct = benchPods('k8s-bench/direct');
    expect(() => readingsOf('dapr', direct.client, direct.target)).toThrow(/has no daprd container/);
  });

  it.runIf(present)("mesh: both linkerd-proxy, native sidecars, on the admin port Linkerd's injector declares, one worker", () => {
    const { client, target } = benchPods('k8s-bench/linkerd');
    const [c, t] = [linkerdOn(client, 'k8s-linkerd'), linkerdOn(target, 'k8s-linkerd')];
    expect(shape(readingsOf('mesh', c, t))).toEqual(['app: app /proc', 'client proxy: linkerd-proxy :4191', 'server proxy: linkerd-proxy :4191']);
    expect(resourcesOf(t, 'linkerd-proxy')).toMatch(/, 1 worker$/);
    expect(() => readingsOf('mesh', client, target)).toThrow(/has no linkerd-proxy container/);
    // The label names the proxy that ran, read from its image.
    expect(labelsOf(versionsOf([{ scenario: 'mesh', namespace: 'bench-linkerd', client: c, target: t }])).mesh).toBe(`Linkerd ${PINNED.linkerd}`);
  });

  it.runIf(present)('dapr-mesh: daprd then linkerd-proxy on the way out, linkerd-proxy then daprd on the way in', () => {
    const { client, target } = benchPods('k8s-bench/dapr-linkerd', { mtls: false });
    const [c, t] = [linkerdOn(client, 'k8s-dapr/overlays/with-linkerd'), linkerdOn(target, 'k8s-dapr/overlays/with-linkerd')];
    expect(shape(readingsOf('dapr-mesh', c, t))).toEqual([
      'app: app /proc',
      'client daprd: daprd :9090',
      'client proxy: linkerd-proxy :4191',
      'server proxy: linkerd-proxy :4191',
      'server daprd: daprd :9090',
    ]);
  });

  it("the counters: daprd's process metrics as a real daprd serves them, the app's /proc as Linux gives it", () => {
    const fixtures = new URL('../../packages/probe-matrix/test/fixtures/', import.meta.url);
    const daprd = readdirSync(fixtures).find((f) => f === 'daprd-process.prom');
    expect(daprd, 'a captured daprd metrics page').toBeDefined();
    expect(processStats(readFileSync(new URL(daprd!, fixtures), 'utf8'))?.cpuSeconds).toBeGreaterThan(0);
    const tasks = readdirSync('/proc/self/task').map((t) => readFileSync(`/proc/self/task/${t}/status`, 'utf8'));
    const own = procReading([readFileSync('/proc/self/stat', 'utf8').trim(), ...tasks].join('\n'));
    expect(own.cpuMs).toBeGreaterThan(0);
    expect(own.contextSwitches).toBeGreaterThan(0);
    expect(own.peakMb).toBeGreaterThan(10);
  });
});

describe('where the pods ran', () => {
  const LABELS = labelsOf({ dapr: '1.18.3' });
  const node = (name: string, taints: V1Node['spec'] = {}): V1Node => ({
    metadata: { name },
    spec: taints,
    status: { capacity: { cpu: '2' }, nodeInfo: { kernelVersion: '6.1', containerRuntimeVersion: 'containerd://2.1', kubeletVersion: 'v1.35.0' } as never },
  });
  const pods = (clientNode: string, targetNode: string) => [
    { scenario: 'dapr' as const, namespace: 'bench-dapr', client: { spec: { nodeName: clientNode, containers: [] } }, target: { spec: { nodeName: targetNode, containers: [] } } },
  ];
  it('two nodes that take pods: a client and its target on one node is a problem, apart is not', () => {
    const nodes = [node('a'), node('b')];
    expect(placement(nodes, pods('a', 'a'), LABELS).problems).toEqual(['dapr: the client and the target ran on one node (a) though two could take them']);
    const apart = placement(nodes, pods('a', 'b'), LABELS);
    expect(apart.problems).toEqual([]);
    expect(apart.markdown).toContain('each request crosses from one node to the other');
  });
  it('names the image each container ran as its pod names it: by digest when REGISTRY=… pushed it', () => {
    const { client, target } = benchPods('k8s-bench/dapr', { mtls: true });
    const pushed = 'registry.example:5000/lab/calculator-lab/mesh-multiplication@sha256:' + 'ab'.repeat(32);
    const app = target.spec!.containers.find((c) => c.name === 'app')!;
    const withPushed: PodLike = {
      ...target,
      spec: { ...target.spec!, nodeName: 'b', containers: [{ ...app, image: pushed }, ...target.spec!.containers.filter((c) => c !== app)] },
    };
    const { setup } = clusterSetup(
      ['dapr'],
      [node('a'), node('b')],
      [{ scenario: 'dapr', namespace: 'bench-dapr', client: { ...client, spec: { ...client.spec!, nodeName: 'a' } }, target: withPushed }],
      '',
    );
    const summary = setup.where ?? '';
    expect(summary).toContain(`| Dapr ${PINNED.dapr} | target app | CPU `);
    expect(summary).toContain(`| \`${pushed}\` |`);
    expect(summary).toContain(`| Dapr ${PINNED.dapr} | client daprd | CPU 100m / 1, memory 64Mi / 256Mi | \``);
  });
  it('one node that takes pods (the other tainted): says so, no problem', () => {
    const one = placement([node('a'), node('cp', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] })], pods('a', 'a'), LABELS);
    expect(one.problems).toEqual([]);
    expect(one.markdown).toContain('One node takes the pods');
  });
});
