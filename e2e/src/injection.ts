import { DAPR_GRPC_PORT, DAPR_HTTP_PORT, DAPR_INTERNAL_GRPC_PORT, DAPR_METRICS_PORT, sidecarsOf, VARIANTS, type Mesh, type VariantRecord } from '@calc/probe-matrix';
import { APP_PORT } from './platform.js';
import { daprdArgs, daprdOf, daprdStartupProblems, flagValue, hasFlag } from './daprd-rules.js';

/** The parts of a pod spec the injection checks read: a live pod's, or one Dapr's injector made. */
export interface ContainerLike {
  name: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
  restartPolicy?: string;
  securityContext?: { capabilities?: { add?: string[] } };
}

export interface PodSpecLike {
  automountServiceAccountToken?: boolean;
  initContainers?: ContainerLike[];
  containers: ContainerLike[];
}

export interface InjectionFact {
  pass: boolean;
  text: string;
}

/**
 * The mesh: its init container rewrites iptables, so it asks for capabilities (Linkerd's proxy-init:
 * NET_ADMIN and NET_RAW); the proxy itself runs as a native sidecar (an init container that keeps
 * running) or a regular container.
 */
export function meshFacts(mesh: Mesh, workload: string, spec: PodSpecLike): InjectionFact[] {
  const init = spec.initContainers ?? [];
  const proxyInit = init.find((c) => c.name === mesh.proxyInitContainer);
  const caps = proxyInit?.securityContext?.capabilities?.add ?? [];
  const proxy = [...init, ...spec.containers].some((c) => c.name === mesh.proxyContainer);
  return [
    { pass: proxy, text: `${workload}: ${mesh.proxyContainer} injected (${proxy ? 'yes' : 'no'})` },
    {
      pass: proxyInit !== undefined && mesh.proxyInitCapabilities.every((c) => caps.includes(c)),
      text: `${workload}: ${mesh.proxyInitContainer} asks for ${mesh.proxyInitCapabilities.join(' and ')} to rewrite iptables (capabilities: ${caps.join(', ') || 'none'})`,
    },
  ];
}

/** The daprd ports the kind lab relies on: the API (loopback), gRPC API, sidecar-to-sidecar mTLS, metrics. */
const DAPRD_PORTS = {
  'dapr-http': DAPR_HTTP_PORT,
  'dapr-grpc': DAPR_GRPC_PORT,
  'dapr-internal': DAPR_INTERNAL_GRPC_PORT,
  'dapr-metrics': DAPR_METRICS_PORT,
};
/** Where the injector mounts daprd's projected token for sentry (pkg/injector/consts). */
const SENTRY_TOKEN_DIR = '/var/run/secrets/dapr.io/sentrytoken';

export interface DaprExpectations {
  /** The app port daprd must dial. */
  appPort: number;
  /** Whether daprd must run with Dapr's mTLS (the cluster-wide setting Dapr was installed with). */
  mtls: boolean;
  /** The Dapr Configurations in the namespace, if known: a --config naming none of them makes daprd exit. */
  configurations?: readonly string[];
  /** The mesh the pod is in too, if any: its own init containers are then expected beside daprd. */
  mesh?: Mesh;
}

/** The init containers a mesh's injector adds to every meshed pod (Linkerd's: proxy-init, then the proxy as a native sidecar). */
const meshInitContainers = (mesh: Mesh): readonly string[] => [mesh.proxyInitContainer, mesh.proxyContainer];

/**
 * Dapr: only daprd is added (as a container, or a native sidecar), nothing rewrites the pod's
 * traffic; daprd is started as the lab needs it, and would survive its own start-up.
 */
export function daprFacts(workload: string, spec: PodSpecLike, expect: DaprExpectations): InjectionFact[] {
  const all = [...(spec.initContainers ?? []), ...spec.containers].map((c) => c.name);
  const mesh = expect.mesh ? meshInitContainers(expect.mesh) : [];
  const others = (spec.initContainers ?? []).map((c) => c.name).filter((name) => name !== 'daprd' && !mesh.includes(name));
  const daprd = daprdOf(spec);
  if (!daprd) return [{ pass: false, text: `${workload}: no daprd (containers ${all.join(', ')})` }];
  const args = daprdArgs(daprd);
  const ports = Object.entries(DAPRD_PORTS).filter(([name, port]) => !(daprd.ports ?? []).some((p) => p.name === name && p.containerPort === port));
  const mtls = hasFlag(args, '--enable-mtls');
  const problems = daprdStartupProblems(spec, expect.configurations);
  return [
    { pass: true, text: `${workload}: containers ${all.join(', ')} (daprd injected)` },
    {
      pass: others.length === 0,
      text: `${workload}: init containers besides daprd${mesh.length ? ` and the mesh's (${mesh.join(', ')})` : ''}: ${others.join(', ') || 'none'} (Dapr rewrites none of the pod's traffic)`,
    },
    {
      pass: flagValue(args, '--app-id') === workload && flagValue(args, '--app-port') === String(expect.appPort),
      text: `${workload}: daprd --app-id ${flagValue(args, '--app-id')} --app-port ${flagValue(args, '--app-port')}${flagValue(args, '--config') ? ` --config ${flagValue(args, '--config')}` : ''}`,
    },
    {
      pass: ports.length === 0,
      text: `${workload}: daprd ports ${Object.entries(DAPRD_PORTS)
        .map(([n, p]) => `${p} ${n}`)
        .join(', ')}${ports.length ? ` — missing ${ports.map(([n]) => n).join(', ')}` : ''}`,
    },
    { pass: mtls === expect.mtls, text: `${workload}: Dapr mTLS ${mtls ? 'on' : 'off'} (expected ${expect.mtls ? 'on' : 'off'})` },
    { pass: (daprd.volumeMounts ?? []).some((m) => m.mountPath === SENTRY_TOKEN_DIR), text: `${workload}: daprd mounts its projected sentry token (${SENTRY_TOKEN_DIR})` },
    { pass: problems.length === 0, text: `${workload}: daprd survives start-up${problems.length ? `: NO — ${problems.join('; ')}` : ''}` },
  ];
}

/** Every sidecar container the project knows: daprd, and each mesh's. */
const SIDECAR_CONTAINERS = new Set(['daprd', ...VARIANTS.flatMap((v) => (v.mesh ? meshInitContainers(v.mesh) : []))]);

/** The intruder must carry no sidecar of either kind. */
export function noSidecarFacts(workload: string, spec: PodSpecLike): InjectionFact[] {
  const all = [...(spec.initContainers ?? []), ...spec.containers].map((c) => c.name);
  const sidecars = all.filter((n) => SIDECAR_CONTAINERS.has(n));
  return [{ pass: sidecars.length === 0, text: `${workload}: no sidecar (${all.join(', ')})` }];
}

/**
 * The sidecars a pod should carry and does not. Both injectors' webhooks fail open
 * (`failurePolicy: Ignore`: Dapr's chart, dapr_sidecar_injector `webhookFailurePolicy`; Linkerd's
 * control plane, linkerd-proxy-injector-webhook-config), so a pod created while an injector was not
 * yet serving starts without its sidecar, and every probe on it would mislead.
 */
export function missingSidecars(variant: VariantRecord, workload: string, spec: PodSpecLike): string[] {
  const want = sidecarsOf(variant, workload);
  const names = [...(spec.initContainers ?? []), ...spec.containers].map((c) => c.name);
  const proxy = variant.mesh?.proxyContainer;
  return [...(want.dapr && !names.includes('daprd') ? ['daprd'] : []), ...(want.mesh && proxy && !names.includes(proxy) ? [proxy] : [])];
}

/**
 * Every injection fact the e2e checks of one pod of the matrix, by the sidecars it should carry:
 * none (the intruder), daprd, the mesh's proxy, or both; daprd with Dapr's mTLS as the variant has
 * it (make kind-combined reinstalls Dapr with it off).
 */
export function injectionFacts(variant: VariantRecord, workload: string, spec: PodSpecLike, configurations: readonly string[]): InjectionFact[] {
  const wanted = sidecarsOf(variant, workload);
  const mesh = wanted.mesh ? variant.mesh : undefined;
  if (!wanted.dapr && !mesh) return noSidecarFacts(workload, spec);
  return [
    ...(wanted.dapr ? daprFacts(workload, spec, { appPort: APP_PORT, mtls: variant.dapr?.mtls === true, configurations, ...(mesh ? { mesh } : {}) }) : []),
    ...(mesh ? meshFacts(mesh, workload, spec) : []),
  ];
}
