// The kind lab's Dapr pods as Dapr 1.18.3 itself would create them: the manifests rendered with the
// pinned kustomize, then Dapr's own sidecar injector (tools/dapr/bin/dapr-inject, built by make test)
// configured from Dapr's own Helm chart with the values the kind lab installs it with.
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseObjects as objects } from '@calc/k8s-check';
import { ALLOWED_CALLERS, workloadsOf } from '@calc/probe-matrix';
import { aclWithoutMtls, daprdArgs, daprdOf, daprdStartupProblems, flagValue } from '../src/daprd-rules.js';
import { daprFacts, noSidecarFacts } from '../src/injection.js';
import { APP_PORT } from '../src/platform.js';
import { CHART, configurationsIn, DAPR_INJECT, type Injected, inject, KUSTOMIZE, render } from './support/dapr-inject.js';

describe("k8s-dapr through Dapr 1.18.3's own injector", () => {
  let manifests: string;
  let injected: Injected;
  beforeAll(() => {
    for (const tool of [KUSTOMIZE, DAPR_INJECT, CHART]) expect(existsSync(tool), `${tool} is missing: make test builds it (make k8s-tools dapr-injector)`).toBe(true);
    manifests = render('k8s-dapr');
    injected = inject(manifests, true);
  }, 60_000);

  it("configures the injector from Dapr's chart as the kind lab installs it", () => {
    expect(injected.injector).toMatchObject({ mtlsEnabled: true, schedulerEnabled: true });
    expect(injected.injector.env).toMatchObject({ SIDECAR_IMAGE: 'ghcr.io/dapr/daprd:1.18.3', NAMESPACE: 'dapr-system' });
  });

  it('patches every Dapr Deployment of the matrix, and nothing else', () => {
    const patched = injected.pods
      .filter((p) => p.patched)
      .map((p) => p.deployment)
      .sort();
    expect(patched).toEqual(['addition', 'division', 'mathfanboy', 'multiplication', 'multiplication-loopback', 'multiplication-token', 'percentage', 'subtraction']);
    // Redis is in the matrix and never injected: Dapr has no sidecar for a TCP server.
    for (const workload of workloadsOf('dapr').filter((w) => w !== 'intruder' && w !== 'redis')) expect(patched).toContain(workload);
    expect(injected.pods.find((p) => p.deployment === 'redis')).toMatchObject({ patched: false });
  });

  it.each(['addition', 'division', 'mathfanboy', 'multiplication', 'multiplication-loopback', 'multiplication-token', 'percentage', 'subtraction'])(
    '%s: daprd only, started as the lab needs, and it survives start-up',
    (workload) => {
      const { pod } = injected.pods.find((p) => p.deployment === workload)!;
      const failing = daprFacts(workload, pod.spec, { appPort: APP_PORT, mtls: true, configurations: configurationsIn(manifests) })
        .filter((f) => !f.pass)
        .map((f) => f.text);
      expect(failing, failing.join('; ')).toEqual([]);
    },
  );

  it("multiplication and its copies run under the article's Configuration; daprd gets the app API token only on -token", () => {
    const arg = (d: string, flag: string) => flagValue(daprdArgs(daprdOf(injected.pods.find((p) => p.deployment === d)!.pod.spec)!), flag);
    for (const d of ['multiplication', 'multiplication-loopback', 'multiplication-token']) expect(arg(d, '--config')).toBe('multiplication');
    expect(arg('addition', '--config')).toBeUndefined();
    const tokenEnv = (d: string) => (daprdOf(injected.pods.find((p) => p.deployment === d)!.pod.spec) as { env?: Array<{ name: string }> }).env?.map((e) => e.name) ?? [];
    expect(tokenEnv('multiplication-token')).toContain('APP_API_TOKEN');
    expect(tokenEnv('multiplication')).not.toContain('APP_API_TOKEN');
  });

  it('without dapr.io/disable-builtin-k8s-secret-store, the injected daprd would exit at start (the rule, against the real injector)', () => {
    const without = manifests.replaceAll('dapr.io/disable-builtin-k8s-secret-store: "true"', 'dapr.io/calc-lab-removed: "true"');
    expect(without).not.toEqual(manifests);
    const { pod } = inject(without, true).pods.find((p) => p.deployment === 'multiplication')!;
    expect(daprdStartupProblems(pod.spec, ['multiplication'])).toEqual([expect.stringContaining('built-in Kubernetes secret store')]);
    // The same pod with the API token mounted would start: the rule is about the token, not the flag alone.
    expect(daprdStartupProblems({ ...pod.spec, automountServiceAccountToken: true }, ['multiplication'])).toEqual([]);
  });

  it('a --config naming a missing Configuration is caught', () => {
    const { pod } = injected.pods.find((p) => p.deployment === 'multiplication')!;
    expect(daprdStartupProblems(pod.spec, [])).toEqual([expect.stringContaining('--config multiplication names no Configuration')]);
  });

  it('leaves the intruder alone', () => {
    const intruder = objects(manifests).find((o) => o.kind === 'Pod' && o.metadata.name === 'intruder')!;
    expect(noSidecarFacts('intruder', intruder.spec)[0]?.pass).toBe(true);
    // dapr-inject reads Deployments; the webhook also patches bare Pods that ask for it, and the intruder does not.
    expect(intruder.metadata.annotations?.['dapr.io/enabled']).toBeUndefined();
  });
});

describe('the Dapr + Linkerd overlay, with Dapr installed with mTLS off', () => {
  let manifests: string;
  let injected: Injected;
  beforeAll(() => {
    manifests = render('k8s-dapr/overlays/with-linkerd');
    injected = inject(manifests, false);
  }, 60_000);

  it('daprd runs without mTLS and without an access-control Configuration (but on multiplication-acl), and survives start-up', () => {
    expect(injected.injector.mtlsEnabled).toBe(false);
    const patched = injected.pods.filter((p) => p.patched);
    // Every Deployment but Redis: a loop over none would check nothing.
    expect(patched.map((p) => p.deployment).sort()).toEqual(
      injected.pods
        .map((p) => p.deployment)
        .filter((d) => d !== 'redis')
        .sort(),
    );
    expect(patched.length).toBeGreaterThanOrEqual(9);
    for (const { deployment, pod } of patched) {
      const facts = daprFacts(deployment, pod.spec, { appPort: APP_PORT, mtls: false, configurations: configurationsIn(manifests) });
      expect(
        facts.filter((f) => !f.pass).map((f) => f.text),
        deployment,
      ).toEqual([]);
      // The one copy that keeps the article's ACL, to show what it does without Dapr's mTLS.
      expect(flagValue(daprdArgs(daprdOf(pod.spec)!), '--config'), deployment).toBe(deployment === 'multiplication-acl' ? 'multiplication' : undefined);
    }
    expect(configurationsIn(manifests)).toEqual(['multiplication']);
  });

  it("would deny every call if the main run's ACL were kept: no Dapr identity without Dapr's mTLS", () => {
    const acl = objects(render('k8s-dapr')).find((o) => o.kind === 'Configuration')!.spec.accessControl;
    expect(aclWithoutMtls(acl)).toBe('denies every call');
  });

  // The matrix's policies (ALLOWED_CALLERS), where the mesh enforces them: on the app port and on daprd's 50002.
  it.each(['multiplication', 'percentage'] as const)("puts both of %s's ports under the same Linkerd authorization: the app port and daprd's 50002", (service) => {
    const all = objects(manifests);
    const servers = all.filter((o) => o.kind === 'Server' && o.spec.podSelector.matchLabels.app === service);
    const { pod } = injected.pods.find((p) => p.deployment === service)!;
    const portOf = (port: string | number) =>
      typeof port === 'number' ? port : [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].flatMap((c) => c.ports ?? []).find((p) => p.name === port)?.containerPort;
    expect(servers.map((s) => portOf(s.spec.port)).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([8080, 50002]);
    for (const server of servers) {
      const policies = all.filter((o) => o.kind === 'AuthorizationPolicy' && o.spec.targetRef.kind === 'Server' && o.spec.targetRef.name === server.metadata.name);
      expect(policies, server.metadata.name).toHaveLength(1);
      const auth = all.find((o) => o.kind === 'MeshTLSAuthentication' && o.metadata.name === policies[0]!.spec.requiredAuthenticationRefs[0].name)!;
      expect(auth.spec.identityRefs.map((r: { name: string }) => r.name).sort()).toEqual([...ALLOWED_CALLERS[service]].sort());
    }
  });
});
