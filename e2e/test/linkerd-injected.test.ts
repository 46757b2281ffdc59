// The kind e2e's injection checks on the pods Linkerd edge-26.8.3's own injector made of the
// project's overlays (../shared/linkerd/, see its README), and on today's manifests with what
// Linkerd added to each pod: no Linkerd pod spec here is written by hand. Needs ../shared: where it
// is absent (a user's clone) these tests are skipped with one line; under CI they fail instead.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  additionsByWorkload,
  driftFrom,
  hasLinkerdOutput,
  INJECTED_OVERLAYS,
  type InjectedOverlay,
  type LinkerdAdditions,
  linkerdInjected,
  linkerdInput,
  NO_LINKERD_OUTPUT,
  parseObjects,
  podsByWorkload,
  type Untyped,
  withLinkerd,
} from '@calc/k8s-check';
import { LINKERD, sidecarsOf, variantOf, type VariantRecord } from '@calc/probe-matrix';
import { injectionFacts, meshFacts, missingSidecars, type PodSpecLike } from '../src/injection.js';
import { inject, render } from './support/dapr-inject.js';

const present = hasLinkerdOutput();
// CI always has ../shared: there, its absence fails this file instead of skipping it.
if (!present && process.env.CI === 'true') throw new Error(NO_LINKERD_OUTPUT);
if (!present) console.warn(NO_LINKERD_OUTPUT);

/** The variant each overlay deploys, and Dapr's mTLS as the kind lab installs Dapr for it. */
const VARIANT_OF: Record<InjectedOverlay, VariantRecord> = {
  'k8s-linkerd': variantOf('mesh'),
  'k8s-linkerd/overlays/no-policy': variantOf('mesh'),
  'k8s-linkerd/overlays/server-authorization': variantOf('mesh'),
  'k8s-dapr/overlays/with-linkerd': variantOf('dapr-mesh'),
};

/** Every check the e2e makes of one live pod (e2e/src/cli.ts calls the same two): the failing ones. */
function failingFacts(variant: VariantRecord, workload: string, pod: Untyped, configurations: readonly string[]): string[] {
  const spec = pod.spec as PodSpecLike;
  const facts = injectionFacts(variant, workload, spec, configurations);
  return [...facts.filter((f) => !f.pass).map((f) => f.text), ...missingSidecars(variant, workload, spec).map((s) => `${workload}: no ${s}`)];
}

/** Today's rendering as Linkerd was given it: for with-linkerd, after Dapr's injector (mTLS off), as the API server calls the webhooks. */
function todayAsGiven(overlay: InjectedOverlay): Untyped[] {
  const rendered = render(overlay);
  const objects = parseObjects(rendered);
  if (!VARIANT_OF[overlay].dapr) return objects;
  const patched = new Map(inject(rendered, false).pods.map((p) => [p.deployment, p]));
  return objects.map((o) => {
    const p = patched.get(o.metadata.name);
    // The template as the API server stores it after the webhook: Dapr's labels, annotations and spec.
    const { annotations, labels } = p?.pod.metadata ?? {};
    return o.kind === 'Deployment' && p?.patched ? { ...o, spec: { ...o.spec, template: { metadata: { annotations, labels }, spec: p.pod.spec } } } : o;
  });
}

/** daprd's DAPR_TRUST_ANCHORS is a throwaway CA each dapr-inject run makes (in a cluster, sentry's): not the manifests'. */
function withoutTrustAnchors(objects: Untyped[]): Untyped[] {
  return JSON.parse(JSON.stringify(objects), (key, value) =>
    key === 'value' && typeof value === 'string' && value.startsWith('-----BEGIN CERTIFICATE-----') ? 'a trust anchor' : value,
  );
}

describe.runIf(present).each(INJECTED_OVERLAYS)("%s, as Linkerd's own injector left it", (overlay) => {
  const variant = VARIANT_OF[overlay];

  it('every pod passes the checks the e2e makes of the live pods', () => {
    const objects = linkerdInjected(overlay);
    const configurations = objects.filter((o) => o.kind === 'Configuration').map((o) => o.metadata.name as string);
    const pods = podsByWorkload(objects);
    // The e2e's workloads, all there: a check that ran on none would prove nothing.
    expect(pods.size).toBeGreaterThanOrEqual(variant.dapr ? 11 : 9);
    expect(pods.has('intruder')).toBe(true);
    const failing = [...pods].flatMap(([workload, pod]) => failingFacts(variant, workload, pod, configurations));
    expect(failing, failing.join('\n')).toEqual([]);
  });

  it('the same pods before Linkerd injected them are caught as missing their proxy', () => {
    const before = podsByWorkload(linkerdInput(overlay));
    const meshed = [...before.keys()].filter((w) => sidecarsOf(variant, w).mesh);
    expect(meshed.length).toBeGreaterThanOrEqual(8);
    for (const workload of meshed) expect(missingSidecars(variant, workload, before.get(workload)!.spec), workload).toEqual([LINKERD.proxyContainer]);
  });

  it("today's manifests, with what Linkerd's injector added to each pod, pass the same checks", () => {
    const additions = additionsByWorkload(overlay);
    const today = todayAsGiven(overlay);
    const configurations = today.filter((o) => o.kind === 'Configuration').map((o) => o.metadata.name as string);
    let checked = 0;
    for (const [workload, pod] of podsByWorkload(today)) {
      const added = additions.get(workload);
      expect(added, `${workload} is not in Linkerd's output: it is older than the manifests`).toBeDefined();
      const failing = failingFacts(variant, workload, withLinkerd(pod, added!), configurations);
      expect(failing, failing.join('\n')).toEqual([]);
      checked += 1;
    }
    expect(checked).toBe(podsByWorkload(linkerdInjected(overlay)).size);
  });

  it("Linkerd's output is as current as the manifests (else it is remade from the project on request)", () => {
    const drift = driftFrom(withoutTrustAnchors(linkerdInput(overlay)), withoutTrustAnchors(todayAsGiven(overlay)));
    expect(drift, `Linkerd's output in ../shared is older than the manifests: ${drift.join('; ')}`).toEqual([]);
  });
});

describe.runIf(present)("what Linkerd's injector adds, as the e2e and the docs state it", () => {
  let additions: Map<string, LinkerdAdditions>;
  let multiplication: LinkerdAdditions;
  beforeAll(() => {
    additions = additionsByWorkload('k8s-dapr/overlays/with-linkerd');
    multiplication = additions.get('multiplication')!;
  });

  it('two init containers, proxy-init then the proxy as a native sidecar, and no regular container', () => {
    expect(multiplication.initContainers.map((c) => c.name)).toEqual([LINKERD.proxyInitContainer, LINKERD.proxyContainer]);
    expect(multiplication.initContainers[1]!.restartPolicy).toBe('Always');
    expect(multiplication.containers).toEqual([]);
    expect(multiplication.initContainers[0]!.securityContext.capabilities.add).toEqual([...LINKERD.proxyInitCapabilities]);
  });

  it("the e2e's Linkerd facts hold on it, and each fails on its own when what it checks is taken away", () => {
    const pod = podsByWorkload(linkerdInjected('k8s-linkerd')).get('multiplication')!;
    expect(meshFacts(LINKERD, 'multiplication', pod.spec).map((f) => f.pass)).toEqual([true, true]);
    const init = pod.spec.initContainers as Untyped[];
    const withoutRaw = init.map((c) => (c.name === LINKERD.proxyInitContainer ? { ...c, securityContext: { capabilities: { add: ['NET_ADMIN'] } } } : c));
    expect(meshFacts(LINKERD, 'multiplication', { ...pod.spec, initContainers: withoutRaw }).map((f) => f.pass)).toEqual([true, false]);
    expect(meshFacts(LINKERD, 'multiplication', { ...pod.spec, initContainers: [] }).map((f) => f.pass)).toEqual([false, false]);
  });

  it("proxy-init's rules name the proxy's ports and user as the local stand-in's do", () => {
    const args: string[] = multiplication.initContainers[0]!.args;
    const flag = (name: string) => args[args.indexOf(name) + 1];
    expect([flag('--incoming-proxy-port'), flag('--outgoing-proxy-port'), flag('--proxy-uid')]).toEqual([
      String(LINKERD.inboundPort),
      String(LINKERD.outboundPort),
      String(LINKERD.proxyUid),
    ]);
    expect(flag('--inbound-ports-to-ignore')?.split(',')).toContain(String(LINKERD.adminPort));
  });

  it('Redis is opaque TCP on 6379; the intruder is left alone', () => {
    const injected = podsByWorkload(linkerdInjected('k8s-dapr/overlays/with-linkerd'));
    expect(injected.get('redis')?.metadata.annotations['config.linkerd.io/opaque-ports']).toBe('6379');
    expect(additions.get('intruder')?.initContainers ?? []).toEqual([]);
  });
});
