import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LINKERD, PROBES, probeSpec, variantOf } from '@calc/probe-matrix';
import { daprFacts, noSidecarFacts } from '../src/injection.js';
import { buildPlan, formatPlan } from '../src/plan.js';
import { kindAddressing } from '../src/platform.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const probe = (id: string) => PROBES.find((p) => p.id === id)!;

describe('the e2e plan (the same matrix as the local lab, addressed the Kubernetes way)', () => {
  it('waits for every Deployment the matrix names, and runs every probe', () => {
    const plan = buildPlan();
    expect(plan.probes.map((p) => p.probe.id)).toEqual(PROBES.filter((p) => p.variant !== 'dapr-mesh').map((p) => p.id));
    // After make kind-combined: every dapr-mesh row but those only the local lab can run.
    const combined = buildPlan([variantOf('dapr-mesh')]).probes.map((p) => p.probe.id);
    expect(combined).toEqual(PROBES.filter((p) => p.variant === 'dapr-mesh' && !p.localOnly).map((p) => p.id));
    expect(combined).toContain('dapr-mesh-mathfanboy-sidecar-acl');
    expect(buildPlan([variantOf('dapr-mesh')]).rollouts).toContainEqual({ namespace: 'dapr-calculator', deployment: 'multiplication-acl' });
    expect(plan.rollouts).toContainEqual({ namespace: 'dapr-calculator', deployment: 'multiplication-token' });
    expect(plan.rollouts).toContainEqual({ namespace: 'rest-calculator', deployment: 'multiplication-nopolicy' });
    expect(plan.rollouts.some((r) => r.deployment === 'intruder')).toBe(false);
  });

  it('waits for the intruder pod too (Ready: its image may still be pulling), in each namespace it probes from', () => {
    expect(buildPlan().pods).toEqual([
      { namespace: 'dapr-calculator', pod: 'intruder' },
      { namespace: 'rest-calculator', pod: 'intruder' },
    ]);
    expect(formatPlan(buildPlan())).toContain('kubectl -n rest-calculator wait --for=condition=Ready pod/intruder --timeout=180s');
  });

  it('looks up the pod IP of every target a probe dials by pod IP (the app port, 50002, Redis)', () => {
    for (const planned of [...buildPlan().probes, ...buildPlan([variantOf('dapr-mesh')]).probes]) {
      const spec = probeSpec(planned.probe, kindAddressing(planned.needsIpOf ? new Map([[planned.needsIpOf, '10.244.0.9']]) : new Map()));
      expect(JSON.stringify(spec), planned.probe.id).not.toContain('__IP__');
    }
  });

  it('addresses each route as the cluster does', () => {
    const at = (ip: string) => kindAddressing(new Map([['multiplication', ip]]));
    expect(probeSpec(probe('dapr-addition-sidecar'), at(''))).toMatchObject({ url: 'http://127.0.0.1:3500/v1.0/invoke/multiplication/method/multiply', method: 'POST' });
    expect(probeSpec(probe('dapr-intruder-pod-ip'), at('10.244.0.7'))).toMatchObject({ url: 'http://10.244.0.7:8080/multiply' });
    expect(probeSpec(probe('mesh-intruder-service'), at(''))).toMatchObject({ url: 'http://multiplication.rest-calculator.svc.cluster.local:5003/multiply' });
    expect(probeSpec(probe('dapr-intruder-internal-grpc'), at('10.244.0.7'))).toEqual({ kind: 'tls', host: '10.244.0.7', port: 50002 });
    expect(probeSpec(probe('mesh-intruder-probe-path'), at('10.244.0.9'))).toEqual({ kind: 'http', method: 'GET', url: 'http://10.244.0.9:8080/readyz' });
    expect(probeSpec(probe('dapr-intruder-pod-ip'), kindAddressing())).toMatchObject({ url: 'http://__IP__:8080/multiply' });
  });

  it('--dry-run prints the exact commands and probes, with no cluster', async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [CLI, '--dry-run'], { env: { ...process.env, KUBECONFIG: '/nonexistent' } }, (e, stdout) => (e ? reject(e) : resolve(stdout))),
    );
    expect(out).toContain('kubectl -n dapr-calculator rollout status deployment/multiplication --timeout=180s');
    expect(out).toContain('# [dapr-intruder-pod-ip] dapr: intruder → pod-ip → multiplication; expect 200 (dapr-bypass)');
    expect(out).toContain(
      `kubectl -n dapr-calculator exec pod/intruder -c intruder -- node --input-type=module -e "$PROBE" "{\\"kind\\":\\"http\\",\\"method\\":\\"POST\\",\\"url\\":\\"http://$(kubectl -n dapr-calculator get pod -l app=multiplication -o jsonpath='{.items[0].status.podIP}'):8080/multiply\\"`,
    );
    expect(out).toContain(
      `kubectl -n rest-calculator exec deploy/addition -c app -- node --input-type=module -e "$PROBE" '{"kind":"http","method":"POST","url":"http://multiplication.rest-calculator.svc.cluster.local:5003/multiply","body":{"op1":6,"op2":7}}'`,
    );
    expect(out.match(/^# \[[^\]]+\] (dapr|mesh):/gm)).toHaveLength(PROBES.filter((p) => p.variant !== 'dapr-mesh').length);
    expect(out).toContain('kubectl -n dapr-calculator rollout status deployment/redis --timeout=180s');
  });
});

describe('injection facts, read from pod specs', () => {
  it('Dapr: daprd only, no init container; each fact fails on its own', () => {
    const daprd = {
      name: 'daprd',
      args: ['/daprd', '--mode', 'kubernetes', '--app-id', 'multiplication', '--app-port', '8080', '--enable-mtls', '--disable-builtin-k8s-secret-store'],
      ports: [
        { name: 'dapr-http', containerPort: 3500 },
        { name: 'dapr-grpc', containerPort: 50001 },
        { name: 'dapr-internal', containerPort: 50002 },
        { name: 'dapr-metrics', containerPort: 9090 },
      ],
      volumeMounts: [{ name: 'dapr-identity-token', mountPath: '/var/run/secrets/dapr.io/sentrytoken' }],
    };
    const good = { automountServiceAccountToken: false, containers: [{ name: 'app' }, daprd] };
    const expect_ = { appPort: 8080, mtls: true };
    const failing = (spec: typeof good & { initContainers?: Array<{ name: string }> }) =>
      daprFacts('multiplication', spec, expect_)
        .filter((f) => !f.pass)
        .map((f) => f.text);
    expect(failing(good)).toEqual([]);
    // daprd present, plus an init container: only the init-container fact fails.
    expect(failing({ ...good, initContainers: [{ name: 'linkerd-init' }] })).toEqual([expect.stringContaining('init containers besides daprd: linkerd-init')]);
    // In a meshed pod the mesh's two are expected (linkerd-injected.test.ts runs this on Linkerd's own output); another is not.
    const meshed = (initContainers: Array<{ name: string }>) =>
      daprFacts('multiplication', { ...good, initContainers }, { ...expect_, mesh: LINKERD })
        .filter((f) => !f.pass)
        .map((f) => f.text);
    expect(meshed([{ name: 'linkerd-init' }, { name: 'linkerd-proxy' }])).toEqual([]);
    expect(meshed([{ name: 'linkerd-init' }, { name: 'linkerd-proxy' }, { name: 'rewrite-rules' }])).toEqual([
      expect.stringContaining("init containers besides daprd and the mesh's (linkerd-init, linkerd-proxy): rewrite-rules"),
    ]);
    expect(failing({ ...good, containers: [{ name: 'app' }, { ...daprd, args: daprd.args.filter((a) => a !== '--enable-mtls') }] })).toEqual([
      expect.stringContaining('Dapr mTLS off'),
    ]);
    expect(failing({ ...good, containers: [{ name: 'app' }, { ...daprd, args: daprd.args.filter((a) => a !== '--disable-builtin-k8s-secret-store') }] })).toEqual([
      expect.stringContaining('daprd survives start-up: NO'),
    ]);
    expect(failing({ ...good, containers: [{ name: 'app' }] })).toEqual([expect.stringContaining('no daprd')]);
  });

  it('the intruder carries no sidecar', () => {
    expect(noSidecarFacts('intruder', { containers: [{ name: 'intruder' }] })[0]?.pass).toBe(true);
    expect(noSidecarFacts('intruder', { containers: [{ name: 'intruder' }, { name: 'daprd' }] })[0]?.pass).toBe(false);
  });
});
