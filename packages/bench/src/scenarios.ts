import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PORT } from '@calc/core';
import { serviceCommand } from '@calc/launcher';
import { LINKERD } from '@calc/probe-matrix';
import {
  APP_PORT,
  BENCH_SUBNET,
  createAuthority,
  createNetwork,
  DAPR_HTTP_PORT,
  DAPR_INTERNAL_GRPC_PORT,
  daprConfiguration,
  daprdCommand,
  daprHostOf,
  startMeshSidecar,
  startSentry,
  PREFIX,
  podAddress,
  serviceAddress,
  type DaprBinaries,
  type PodProcess,
  type PodRef,
  type PodRuntime,
} from '@calc/lab';

import type { Scenario } from './analysis.js';
import type { Generator } from './generator.js';
import type { BenchScenario } from './method.js';
import { contextSwitches, cpuMs } from './resources.js';

/** The bench's own namespace: its pods' identities and Dapr names. */
const NAMESPACE = 'bench';

type BenchPod = PodRef;

const pod = (workload: string, host: number): BenchPod => ({ workload, ns: `${PREFIX}-bench-${workload}`, ip: podAddress(BENCH_SUBNET, host) });
const PODS = {
  sentry: pod('sentry', 2),
  directClient: pod('direct-client', 11),
  directServer: pod('direct-server', 12),
  daprClient: pod('dapr-client', 21),
  daprServer: pod('dapr-server', 22),
  meshClient: pod('mesh-client', 31),
  meshServer: pod('mesh-server', 32),
  daprMeshClient: pod('dapr-mesh-client', 41),
  daprMeshServer: pod('dapr-mesh-server', 42),
};
/** The mesh scenario calls a Service, as an app in a mesh would: a virtual IP DNAT-ed to the server pod. */
const MESH_SERVICE = { name: `multiplication.${NAMESPACE}.svc`, vip: serviceAddress(BENCH_SUBNET, 1), port: DEFAULT_PORT.multiplication };
const daprHost = (appId: string) => daprHostOf(appId, NAMESPACE);

export interface ScenarioSetup {
  scenario: Scenario;
  client: BenchPod;
  url: string;
  /** The processes whose CPU and memory are this scenario's cost, by role. */
  processes: ScenarioProcess[];
}

export interface ScenarioProcess {
  role: string;
  process: PodProcess;
  /** How it was started (kept for daprd, which the CPU experiment restarts with other settings). */
  command?: string[];
  env?: Record<string, string>;
}

/** Restarts the scenario's daprd processes with a changed command line and environment, and waits until each is ready again. */
export async function restartDaprds(runtime: PodRuntime, setup: ScenarioSetup, change: { args?: string[]; env?: Record<string, string> }): Promise<void> {
  for (const entry of setup.processes.filter((p) => p.command !== undefined)) {
    await runtime.stop([entry.process]);
    // A later flag wins in daprd's parser (Go's flag package), so a change can be appended.
    entry.process = runtime.start(entry.process.pod, 'daprd', [...entry.command!, ...(change.args ?? [])], { ...entry.env, ...change.env }, { append: true });
  }
  await Promise.all(
    setup.processes
      .filter((p) => p.command !== undefined)
      .map((p) => runtime.waitForHttp(p.process.pod, `http://127.0.0.1:${DAPR_HTTP_PORT}/v1.0/healthz/outbound`, p.process.pod)),
  );
}

/** A local scenario as the method sees it: its generator's slices, its processes read from /proc. */
export function benchScenarioOf(setup: ScenarioSetup, generator: Generator): BenchScenario {
  const each = (read: (pid: number) => number) => Object.fromEntries(setup.processes.map((p) => [p.role, read(p.process.child.pid!)]));
  return {
    scenario: setup.scenario,
    url: setup.url,
    run: (slice) => generator.run(slice),
    // The processes are read when asked, not when the scenario was made: the CPU experiment restarts daprd.
    sample: async () => ({ cpuMs: each(cpuMs), contextSwitches: each(contextSwitches), generatorCpuMs: cpuMs(generator.pid) }),
  };
}

/**
 * Brings up the four scenarios on the lab's network:
 *   direct     client → app
 *   dapr       client → daprd ⇄ (mTLS, Sentry) ⇄ daprd → app
 *   mesh       client → proxy ⇄ (mTLS) ⇄ proxy → app            (iptables interception both sides)
 *   dapr-mesh  client → daprd (mTLS off) → proxy ⇄ (mTLS) ⇄ proxy → daprd → app
 * No access policy anywhere: this measures the sidecars, not a policy.
 */
export async function startScenarios(runtime: PodRuntime, workDir: string, bin: DaprBinaries): Promise<ScenarioSetup[]> {
  const pods = Object.values(PODS);
  const hosts = [
    '127.0.0.1 localhost',
    `${PODS.daprServer.ip} ${daprHost('mult-dapr')}`,
    `${PODS.daprMeshServer.ip} ${daprHost('mult-dapr-mesh')}`,
    `${MESH_SERVICE.vip} ${MESH_SERVICE.name}`,
  ].join('\n');
  createNetwork(pods, `${hosts}\n`);

  const daprCa = createAuthority(join(workDir, 'pki', 'dapr'), 'cluster.local');
  const meshCa = createAuthority(join(workDir, 'pki', 'mesh'), LINKERD.trustRoot);
  const configDir = join(workDir, 'dapr');
  const resourcesDir = join(configDir, 'resources');
  mkdirSync(resourcesDir, { recursive: true });
  const config = join(configDir, 'bench.yaml');
  writeFileSync(config, daprConfiguration('bench', NAMESPACE));
  const sentryAddress = await startSentry(runtime, PODS.sentry, configDir, daprCa, bin);
  const trustAnchors = readFileSync(daprCa.rootCert, 'utf8');
  const quiet = { LOG_LEVEL: 'warn', PORT: String(APP_PORT) };
  const app = (p: BenchPod) => runtime.start(p, 'app', serviceCommand('multiplication', 'agnostic'), quiet);
  const daprd = (p: BenchPod, appId: string, withApp: boolean, mtls: boolean) => {
    const command = daprdCommand(bin, { appId, config, resourcesDir, ...(withApp ? { appPort: APP_PORT } : {}), ...(mtls ? { sentryAddress } : {}) });
    const env = { NAMESPACE, ...(mtls ? { DAPR_TRUST_ANCHORS: trustAnchors } : {}) };
    return { process: runtime.start(p, 'daprd', command, env), command, env };
  };

  // Mesh wiring for the mesh and dapr-mesh pods.
  const meshDir = join(workDir, 'mesh');
  mkdirSync(meshDir, { recursive: true });
  const meshedList = join(meshDir, 'meshed.lst');
  writeFileSync(meshedList, `${[PODS.meshServer.ip, MESH_SERVICE.vip, PODS.daprMeshServer.ip].join('\n')}\n`);
  const services = [{ vip: MESH_SERVICE.vip, port: MESH_SERVICE.port, podIp: PODS.meshServer.ip, targetPort: APP_PORT }];
  const proxy = (p: BenchPod, tcpPorts: number[]) =>
    startMeshSidecar(runtime, p, { mesh: LINKERD, dir: meshDir, authority: meshCa, namespace: NAMESPACE, meshedList, services, appPort: APP_PORT, tcpPorts });

  const directApp = app(PODS.directServer);
  const daprApp = app(PODS.daprServer);
  const daprServer = daprd(PODS.daprServer, 'mult-dapr', true, true);
  const daprClient = daprd(PODS.daprClient, 'bench-client', false, true);
  const meshApp = app(PODS.meshServer);
  const meshServer = proxy(PODS.meshServer, []);
  const meshClient = proxy(PODS.meshClient, []);
  const daprMeshApp = app(PODS.daprMeshServer);
  const daprMeshServerProxy = proxy(PODS.daprMeshServer, [DAPR_INTERNAL_GRPC_PORT]);
  const daprMeshClientProxy = proxy(PODS.daprMeshClient, [DAPR_INTERNAL_GRPC_PORT]);
  const daprMeshServerDaprd = daprd(PODS.daprMeshServer, 'mult-dapr-mesh', true, false);
  const daprMeshClientDaprd = daprd(PODS.daprMeshClient, 'bench-dapr-mesh-client', false, false);

  const healthz = (p: BenchPod) => runtime.waitForHttp(p, `http://127.0.0.1:${APP_PORT}/healthz`, p);
  const daprdReady = (p: BenchPod) => runtime.waitForHttp(p, `http://127.0.0.1:${DAPR_HTTP_PORT}/v1.0/healthz/outbound`, p);
  await Promise.all([
    ...[PODS.directServer, PODS.daprServer, PODS.meshServer, PODS.daprMeshServer].map(healthz),
    ...[PODS.daprServer, PODS.daprClient, PODS.daprMeshServer, PODS.daprMeshClient].map(daprdReady),
    ...[PODS.meshServer, PODS.meshClient, PODS.daprMeshServer, PODS.daprMeshClient].map((p) => runtime.waitForListening(p, [LINKERD.outboundPort, LINKERD.inboundPort], 'proxy')),
  ]);

  return [
    { scenario: 'direct', client: PODS.directClient, url: `http://${PODS.directServer.ip}:${APP_PORT}/multiply`, processes: [{ role: 'app', process: directApp }] },
    {
      scenario: 'dapr',
      client: PODS.daprClient,
      url: `http://127.0.0.1:${DAPR_HTTP_PORT}/v1.0/invoke/mult-dapr/method/multiply`,
      processes: [
        { role: 'app', process: daprApp },
        { role: 'client daprd', ...daprClient },
        { role: 'server daprd', ...daprServer },
      ],
    },
    {
      scenario: 'mesh',
      client: PODS.meshClient,
      url: `http://${MESH_SERVICE.name}:${MESH_SERVICE.port}/multiply`,
      processes: [
        { role: 'app', process: meshApp },
        { role: 'client proxy', process: meshClient },
        { role: 'server proxy', process: meshServer },
      ],
    },
    {
      scenario: 'dapr-mesh',
      client: PODS.daprMeshClient,
      url: `http://127.0.0.1:${DAPR_HTTP_PORT}/v1.0/invoke/mult-dapr-mesh/method/multiply`,
      processes: [
        { role: 'app', process: daprMeshApp },
        { role: 'client daprd', ...daprMeshClientDaprd },
        { role: 'client proxy', process: daprMeshClientProxy },
        { role: 'server proxy', process: daprMeshServerProxy },
        { role: 'server daprd', ...daprMeshServerDaprd },
      ],
    },
  ];
}
