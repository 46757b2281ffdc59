import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROBES } from '@calc/probe-matrix';
import { daprFacts, linkerdFacts, noSidecarFacts } from '../src/injection.js';
import { buildPlan } from '../src/plan.js';
import { probeSpec } from '../src/platform.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const probe = (id: string) => PROBES.find((p) => p.id === id)!;

describe('the e2e plan (the same matrix as the local lab, addressed the Kubernetes way)', () => {
  it('waits for every Deployment the matrix names, and runs every probe', () => {
    const plan = buildPlan();
    expect(plan.probes.map((p) => p.probe.id)).toEqual(PROBES.map((p) => p.id));
    expect(plan.rollouts).toContainEqual({ namespace: 'dapr-calculator', deployment: 'multiplication-token' });
    expect(plan.rollouts).toContainEqual({ namespace: 'rest-calculator', deployment: 'multiplication-nopolicy' });
    expect(plan.rollouts.some((r) => r.deployment === 'intruder')).toBe(false);
  });

  it('addresses each route as the cluster does', () => {
    expect(probeSpec(probe('dapr-addition-sidecar'), '')).toMatchObject({ url: 'http://127.0.0.1:3500/v1.0/invoke/multiplication/method/multiply', method: 'POST' });
    expect(probeSpec(probe('dapr-intruder-pod-ip'), '10.244.0.7')).toMatchObject({ url: 'http://10.244.0.7:8080/multiply' });
    expect(probeSpec(probe('mesh-intruder-service'), '')).toMatchObject({ url: 'http://multiplication.rest-calculator.svc.cluster.local:5003/multiply' });
    expect(probeSpec(probe('dapr-intruder-internal-grpc'), '10.244.0.7')).toEqual({ kind: 'tls', host: '10.244.0.7', port: 50002 });
    expect(probeSpec(probe('mesh-intruder-probe-path'), '10.244.0.9')).toEqual({ kind: 'http', method: 'GET', url: 'http://10.244.0.9:8080/readyz' });
  });

  it('--dry-run prints the exact commands and probes, with no cluster', async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [CLI, '--dry-run'], { env: { ...process.env, KUBECONFIG: '/nonexistent' } }, (e, stdout) => (e ? reject(e) : resolve(stdout))),
    );
    expect(out).toContain('kubectl -n dapr-calculator rollout status deployment/multiplication --timeout=180s');
    expect(out).toContain("# [dapr-intruder-pod-ip] dapr: intruder → pod-ip → multiplication; expect 200 (dapr-bypass)");
    expect(out).toContain(`kubectl -n dapr-calculator exec pod/intruder -c intruder -- node --input-type=module -e "$PROBE" "{\\"kind\\":\\"http\\",\\"method\\":\\"POST\\",\\"url\\":\\"http://$(kubectl -n dapr-calculator get pod -l app=multiplication -o jsonpath='{.items[0].status.podIP}'):8080/multiply\\"`);
    expect(out).toContain(`kubectl -n rest-calculator exec deploy/addition -c app -- node --input-type=module -e "$PROBE" '{"kind":"http","method":"POST","url":"http://multiplication.rest-calculator.svc.cluster.local:5003/multiply","body":{"op1":6,"op2":7}}'`);
    expect(out.match(/^# \[/gm)).toHaveLength(PROBES.length);
  });
});

describe('injection facts, read from pod specs', () => {
  it('Linkerd: proxy-init asks for NET_ADMIN and NET_RAW; the proxy runs as a native sidecar', () => {
    const spec = {
      initContainers: [
        { name: 'linkerd-init', securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } } },
        { name: 'linkerd-proxy', restartPolicy: 'Always' },
      ],
      containers: [{ name: 'app' }],
    };
    expect(linkerdFacts('multiplication', spec).every((f) => f.pass)).toBe(true);
    expect(linkerdFacts('multiplication', { containers: [{ name: 'app' }] }).some((f) => f.pass)).toBe(false);
  });

  it('Dapr: daprd only, no init container', () => {
    expect(daprFacts('multiplication', { containers: [{ name: 'app' }, { name: 'daprd' }] }).every((f) => f.pass)).toBe(true);
    expect(daprFacts('multiplication', { initContainers: [{ name: 'x' }], containers: [{ name: 'app' }] }).every((f) => f.pass)).toBe(false);
  });

  it('the intruder carries no sidecar', () => {
    expect(noSidecarFacts('intruder', { containers: [{ name: 'intruder' }] })[0]?.pass).toBe(true);
    expect(noSidecarFacts('intruder', { containers: [{ name: 'intruder' }, { name: 'daprd' }] })[0]?.pass).toBe(false);
  });
});
