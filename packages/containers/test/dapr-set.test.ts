// The Dapr-aware set in containers: each app with a daprd sharing its network namespace (a pod),
// percentage and MathFanBoy invoking by app ID through their own daprd, the app API token on.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { OPERATION_SERVICES, type ServiceName } from '@calc/core';
import { daprConfiguration, daprdCommand, daprHostOf, newAppToken } from '@calc/lab';
import { judgeFanBoy, parseCallRecord, variantOf } from '@calc/probe-matrix';

const { namespace } = variantOf('dapr');
import { daprdImage, imageOf, LabContainer, labNetwork, removeLeftovers, useEngine, waitForLines } from '../src/index.js';

const engine = useEngine();
if (!engine.available) console.warn(`\n!!! container tests NOT RUN: ${engine.reason}\n`);

describe.skipIf(!engine.available)('the Dapr-aware set in containers, a daprd beside each app', () => {
  let network: StartedNetwork;
  const sidecars: StartedTestContainer[] = [];
  const apps = new Map<ServiceName, StartedTestContainer>();
  const token = newAppToken();
  const configDir = mkdtempSync(join(tmpdir(), 'dapr-set-'));

  /** One pod: the app (with the network aliases the pod's Service names would give) and its daprd in its namespace. */
  async function startPod(service: ServiceName, daprd: string): Promise<void> {
    writeFileSync(join(configDir, `${service}.yaml`), daprConfiguration(service, namespace));
    const app = await new LabContainer(imageOf('dapr', service))
      .withReadOnlyRoot()
      .withNetwork(network)
      .withNetworkAliases(service, daprHostOf(service, namespace))
      .withEnvironment({ APP_API_TOKEN: token, ...(service === 'mathfanboy' ? { MATHFANBOY_FORMAT: 'json', MATHFANBOY_INTERVAL_MS: '100' } : {}) })
      .withWaitStrategy(Wait.forLogMessage(/"msg":"listening"/))
      .start();
    apps.set(service, app);
    const sidecar = await new LabContainer(daprd)
      .withReadOnlyRoot()
      .withNetworkMode(`container:${app.getId()}`)
      .withBindMounts([{ source: configDir, target: '/config', mode: 'ro' }])
      .withEnvironment({ NAMESPACE: namespace, APP_API_TOKEN: token })
      .withEntrypoint(daprdCommand({ daprd: '/daprd', sentry: '' }, { appId: service, appPort: 8080, config: `/config/${service}.yaml`, resourcesDir: '/config/resources' }))
      .withWaitStrategy(Wait.forLogMessage(/dapr initialized\. Status: Running/))
      .start();
    sidecars.push(sidecar);
  }

  beforeAll(async () => {
    removeLeftovers();
    const daprd = daprdImage();
    mkdirSync(join(configDir, 'resources'));
    // daprd runs as 65532: it reads its configuration through the bind mount.
    chmodSync(configDir, 0o755);
    network = await labNetwork().start();
    for (const service of OPERATION_SERVICES) await startPod(service, daprd);
    // MathFanBoy calls at once: it starts when every callee and its sidecar are up.
    await startPod('mathfanboy', daprd);
  });
  afterAll(async () => {
    // A sidecar first: its app holds the network namespace it joined.
    await Promise.all(sidecars.map((c) => c.stop()));
    await Promise.all([...apps.values()].map((c) => c.stop()));
    await network?.stop();
    rmSync(configDir, { recursive: true, force: true });
  });

  it('MathFanBoy calls every service by app ID through daprd; every result is right, the only errors are the deliberate ones', async () => {
    const enough = (lines: string[]) => judgeFanBoy('dapr', lines).calls >= 40 && judgeFanBoy('dapr', lines).byService.percentage.errors > 0;
    const report = judgeFanBoy('dapr', await waitForLines(apps.get('mathfanboy')!, (l) => parseCallRecord(l) !== undefined, enough, 60_000));
    expect(report.calls).toBeGreaterThanOrEqual(40);
    expect(report.faults).toEqual([]);
    for (const service of OPERATION_SERVICES) expect(report.byService[service].calls, service).toBeGreaterThan(0);
    expect(report.byService.percentage.errors).toBeGreaterThan(0);
  });

  it('percentage, called through its own daprd, calls multiplication and division by app ID', async () => {
    const call = await inPod(
      'percentage',
      'fetch("http://127.0.0.1:3500/v1.0/invoke/percentage/method/percentage", {method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify({op1: 40, op2: 50})})',
    );
    // 20, or percentage's deliberate 502 with division's 422 inside: either way it reached both by app ID.
    if (call.status === 200) expect(call.body).toEqual({ result: 20 });
    else expect(call.body).toMatchObject({ error: { code: 'DOWNSTREAM_ERROR', downstream: { service: 'division', status: 422 } } });
  });

  it('an app answers only its own daprd: a call to its port from another pod, without the token, is 401', async () => {
    const call = await inPod(
      'addition',
      'fetch("http://multiplication:8080/multiply", {method: "POST", headers: {"content-type": "application/json"}, body: "{\\"op1\\": 6, \\"op2\\": 7}"})',
    );
    expect(call.status).toBe(401);
    expect(call.body).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  /** Runs a fetch inside a pod's app container (its images carry node, not curl) and returns its answer. */
  async function inPod(service: ServiceName, request: string): Promise<{ status: number; body: unknown }> {
    const script = `${request}.then(async (r) => console.log(JSON.stringify({status: r.status, body: await r.json()})))`;
    const run = await apps.get(service)!.exec(['node', '-e', script]);
    expect(run.exitCode, run.output).toBe(0);
    return JSON.parse(run.stdout) as { status: number; body: unknown };
  }
});
