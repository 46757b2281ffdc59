import { DAPR_GRPC_PORT, DAPR_HTTP_PORT, DAPR_INTERNAL_GRPC_PORT, DAPR_METRICS_PORT, LINKERD, type Variant } from '@calc/probe-matrix';
import { APP_PORT, sidecarsWanted } from './platform.js';
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
 * Linkerd: proxy-init rewrites iptables, so it asks for NET_ADMIN and NET_RAW; the proxy itself runs
 * as a native sidecar (an init container that keeps running) or a regular container.
 */
export function linkerdFacts(workload: string, spec: PodSpecLike): InjectionFact[] {
  const init = spec.initContainers ?? [];
  const proxyInit = init.find((c) => c.name === LINKERD.proxyInitContainer);
  const caps = proxyInit?.securityContext?.capabilities?.add ?? [];
  const proxy = [...init, ...spec.containers].some((c) => c.name === LINKERD.proxyContainer);
  return [
    { pass: proxy, text: `${workload}: ${LINKERD.proxyContainer} injected (${proxy ? 'yes' : 'no'})` },
    {
      pass: proxyInit !== undefined && LINKERD.proxyInitCapabilities.every((c) => caps.includes(c)),
      text: `${workload}: ${LINKERD.proxyInitContainer} asks for ${LINKERD.proxyInitCapabilities.join(' and ')} to rewrite iptables (capabilities: ${caps.join(', ') || 'none'})`,
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
  /** Whether the pod is meshed too: the mesh's own init containers are then expected beside daprd. */
  meshed?: boolean;
}

/** The init containers Linkerd's injector adds to every meshed pod: proxy-init, then the proxy as a native sidecar. */
const MESH_INIT_CONTAINERS: readonly string[] = [LINKERD.proxyInitContainer, LINKERD.proxyContainer];

/**
 * Dapr: only daprd is added (as a container, or a native sidecar), nothing rewrites the pod's
 * traffic; daprd is started as the lab needs it, and would survive its own start-up.
 */
export function daprFacts(workload: string, spec: PodSpecLike, expect: DaprExpectations): InjectionFact[] {
  const all = [...(spec.initContainers ?? []), ...spec.containers].map((c) => c.name);
  const mesh = expect.meshed ? MESH_INIT_CONTAINERS : [];
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

/** The intruder must carry no sidecar of either kind. */
export function noSidecarFacts(workload: string, spec: PodSpecLike): InjectionFact[] {
  const all = [...(spec.initContainers ?? []), ...spec.containers].map((c) => c.name);
  const sidecars = all.filter((n) => n === 'daprd' || n.startsWith('linkerd-'));
  return [{ pass: sidecars.length === 0, text: `${workload}: no sidecar (${all.join(', ')})` }];
}

/**
 * The sidecars a pod should carry and does not. Both injectors' webhooks fail open
 * (`failurePolicy: Ignore`: Dapr's chart, dapr_sidecar_injector `webhookFailurePolicy`; Linkerd's
 * control plane, linkerd-proxy-injector-webhook-config), so a pod created while an injector was not
 * yet serving starts without its sidecar, and every probe on it would mislead.
 */
export function missingSidecars(spec: PodSpecLike, want: { dapr: boolean; mesh: boolean }): string[] {
  const names = [...(spec.initContainers ?? []), ...spec.containers].map((c) => c.name);
  return [...(want.dapr && !names.includes('daprd') ? ['daprd'] : []), ...(want.mesh && !names.includes(LINKERD.proxyContainer) ? [LINKERD.proxyContainer] : [])];
}

/**
 * Every injection fact the e2e checks of one pod of the matrix, by the sidecars it should carry:
 * none (the intruder), daprd, Linkerd's proxy, or both. Dapr's mTLS is on alone and off under the
 * mesh (make kind-combined reinstalls Dapr so).
 */
export function injectionFacts(variant: Variant, workload: string, spec: PodSpecLike, configurations: readonly string[]): InjectionFact[] {
  const wanted = sidecarsWanted(variant, workload);
  if (!wanted.dapr && !wanted.mesh) return noSidecarFacts(workload, spec);
  return [
    ...(wanted.dapr ? daprFacts(workload, spec, { appPort: APP_PORT, mtls: !wanted.mesh, configurations, meshed: wanted.mesh }) : []),
    ...(wanted.mesh ? linkerdFacts(workload, spec) : []),
  ];
}
