// ./lab top in the cluster (make kind-top): which sidecars it reads, on which ports, with which
// parser, on the lab's pods as the real injectors leave them — Dapr 1.18.3's injector run here on
// k8s-dapr, and the pods Linkerd edge-26.8.3's own injector made of k8s-linkerd (../shared/linkerd;
// skipped loudly where absent, failing under CI). Linkerd's proxy cannot run here: this is its proof;
// its metric names are tested against its source in probe-matrix's top.test.ts.
import { additionsByWorkload, hasLinkerdOutput, linkerdInjected, NO_LINKERD_OUTPUT, podsByWorkload, type Untyped, withLinkerd } from '@calc/k8s-check';
import { describe, expect, it } from 'vitest';
import type { PodLike } from '../src/bench/plan.js';
import { readingOf, topTargets } from '../src/top/plan.js';
import { inject, render } from './support/dapr-inject.js';

const present = hasLinkerdOutput();
if (!present && process.env.CI === 'true') throw new Error(NO_LINKERD_OUTPUT);
if (!present) console.warn(NO_LINKERD_OUTPUT);

type Labelled = PodLike & { metadata: { labels?: Record<string, string> } };
const asPod = (namespace: string, name: string, pod: { metadata?: { labels?: Record<string, string> }; spec: unknown }): Labelled => ({
  metadata: { name: `${name}-0`, namespace, labels: pod.metadata?.labels ?? {} },
  spec: pod.spec as PodLike['spec'],
});

/** dapr-calculator's pods as Dapr's injector patches them (mTLS as given). */
function daprPods(overlay: string, mtls: boolean): Labelled[] {
  return inject(render(overlay), mtls).pods.map((p) => asPod(p.namespace, p.deployment, p.pod));
}

const shape = (pods: Labelled[]) =>
  topTargets(pods)
    .targets.map((t) => `${t.namespace}/${t.service}: ${t.sidecar} :${t.port}`)
    .sort();

describe("make kind-top's plan, on the lab's pods as the injectors leave them", () => {
  it("dapr-calculator: every Dapr pod's daprd, on the metrics port its injector declares; the bare intruder and Redis not at all", () => {
    const targets = shape(daprPods('k8s-dapr', true));
    expect(targets).toContain('dapr-calculator/multiplication: daprd :9090');
    expect(targets).toContain('dapr-calculator/percentage: daprd :9090');
    expect(targets.some((t) => t.includes('redis') || t.includes('intruder'))).toBe(false);
    expect(targets.every((t) => t.endsWith('daprd :9090'))).toBe(true);
  });

  it.runIf(present)("rest-calculator: every meshed pod's linkerd-proxy (a native sidecar), on the admin port Linkerd's injector declares", () => {
    const pods = [...podsByWorkload(linkerdInjected('k8s-linkerd'))].map(([name, pod]) => asPod('rest-calculator', name, pod as never));
    const targets = shape(pods);
    expect(targets).toContain('rest-calculator/multiplication: linkerd-proxy :4191');
    expect(targets).toContain('rest-calculator/percentage: linkerd-proxy :4191');
    expect(targets.every((t) => t.endsWith('linkerd-proxy :4191'))).toBe(true);
  });

  it.runIf(present)('after make kind-combined: both sidecars of each pod, side by side, each read with its own parser', () => {
    const additions = additionsByWorkload('k8s-dapr/overlays/with-linkerd');
    const pods = inject(render('k8s-dapr/overlays/with-linkerd'), false).pods.flatMap((p) => {
      const linkerd = additions.get(p.deployment);
      const pod = asPod(p.namespace, p.deployment, p.pod);
      return linkerd ? [withLinkerd(pod as Untyped, linkerd) as Labelled] : [pod];
    });
    const targets = shape(pods);
    expect(targets).toContain('dapr-calculator/multiplication: daprd :9090');
    expect(targets).toContain('dapr-calculator/multiplication: linkerd-proxy :4191');
    const multiplication = topTargets(pods).targets.filter((t) => t.service === 'multiplication');
    const daprdText = 'dapr_runtime_service_invocation_req_recv_total{app_id="multiplication",src_app_id="mathfanboy"} 5';
    const proxyText = 'request_total{direction="inbound"} 7\ninbound_http_authz_deny_total{srv_name="multiplication"} 1';
    const read = multiplication.map((t) => readingOf(t, t.sidecar === 'daprd' ? daprdText : proxyText));
    expect(read.map((r) => [r.variant, r.service, r.sidecar, r.requests, r.denials])).toEqual([
      ['dapr-calculator', 'multiplication', 'daprd', 5, 0],
      ['dapr-calculator', 'multiplication', 'linkerd-proxy', 8, 1],
    ]);
  });

  it('a sidecar that declares no metrics port is named, not read', () => {
    const [pod] = daprPods('k8s-dapr', true).filter((p) => p.metadata.labels?.app === 'multiplication');
    const daprd = pod!.spec!.containers.find((c) => c.name === 'daprd')!;
    const stripped = { ...pod!, spec: { ...pod!.spec!, containers: [...pod!.spec!.containers.filter((c) => c !== daprd), { ...daprd, ports: [] }] } };
    expect(topTargets([stripped])).toEqual({ targets: [], problems: ['dapr-calculator/multiplication-0: daprd declares no port 9090'] });
  });
});
