import { ALL_SERVICES, DEFAULT_PORT, type OperationService, type ServiceName } from '@calc/core';
import { NAMESPACE, type Variant } from '@calc/probe-matrix';

/**
 * The local lab's "cluster": network namespaces as pods on one bridge, which itself lives in a
 * namespace of its own so the host network is never touched. Addresses exist only inside them.
 */
export const PREFIX = 'calclab';
export const BRIDGE_NS = `${PREFIX}-net`;
export const SUBNET_PREFIX_LENGTH = 16;
/** Virtual "ClusterIP" addresses of the mesh variant's Services, DNAT-ed to pod IPs as kube-proxy would. */
export const SERVICE_CIDR = '10.96.0.0/16';
export const APP_PORT = 80;
export { NAMESPACE };

/** What the runtime and the network need of a pod: its namespace, address and name. */
export interface PodRef {
  /** Workload name, as in the probe matrix: "multiplication", "multiplication-token", "intruder"… */
  workload: string;
  ns: string;
  ip: string;
}

export interface Pod extends PodRef {
  variant: Variant | 'system';
  /** The network namespace. */
  ns: string;
  ip: string;
  /** The service binary it runs, if any (intruders and sentry run none). */
  service?: ServiceName;
  /** Environment for the app beyond the defaults. */
  appEnv?: Record<string, string>;
  /** Dapr: the app and its daprd share an app API token (generated per run). */
  appToken?: boolean;
  /** Dapr: whether this pod's daprd carries multiplication's access-control policy. Mesh: its allow-list. */
  policy?: boolean;
  /** Has a sidecar (daprd or the proxy). */
  sidecar: boolean;
}

/** MathFanBoy in the lab: brisk, no periodic summary (the lab prints its own), one JSON record per call (the lab judges them). */
export const FANBOY_ENV = { MATHFANBOY_INTERVAL_MS: '100', MATHFANBOY_SUMMARY_EVERY: '0', MATHFANBOY_FORMAT: 'json' };

function podsOf(variant: Variant, subnet: number): Pod[] {
  const pod = (workload: string, host: number, extra: Partial<Pod> = {}): Pod => ({
    workload,
    variant,
    ns: `${PREFIX}-${variant}-${workload}`,
    ip: `10.211.${subnet}.${host}`,
    sidecar: true,
    ...extra,
  });
  const services = ALL_SERVICES.map((service, i) => pod(service, 11 + i, { service, policy: service === 'multiplication' }));
  const extras =
    variant === 'dapr'
      ? [
          pod('multiplication-loopback', 17, { service: 'multiplication', policy: true, appEnv: { HOST: '127.0.0.1' } }),
          pod('multiplication-token', 18, { service: 'multiplication', policy: true, appToken: true }),
        ]
      : [pod('multiplication-nopolicy', 17, { service: 'multiplication', policy: false })];
  return [...services, ...extras, pod('intruder', 99, { sidecar: false })];
}

export const SENTRY: Pod = { workload: 'sentry', variant: 'system', ns: `${PREFIX}-dapr-system-sentry`, ip: '10.211.0.2', sidecar: false };
export const DAPR_PODS = podsOf('dapr', 0);
export const MESH_PODS = podsOf('mesh', 1);
export const ALL_PODS = [SENTRY, ...DAPR_PODS, ...MESH_PODS];

export function podOf(variant: Variant, workload: string): Pod {
  const pod = (variant === 'dapr' ? DAPR_PODS : MESH_PODS).find((p) => p.workload === workload);
  if (!pod) throw new Error(`no ${variant} pod named ${workload}`);
  return pod;
}

/** A mesh Service: its name, virtual IP and port (the article's 5001–5005), in front of one pod. */
export interface MeshService {
  name: string;
  host: string;
  vip: string;
  port: number;
  pod: Pod;
}

export const MESH_SERVICES: MeshService[] = MESH_PODS.filter((p) => p.service && p.service !== 'mathfanboy').map((pod, i) => ({
  name: pod.workload,
  host: `${pod.workload}.${NAMESPACE.mesh}.svc`,
  vip: `10.96.0.${i + 1}`,
  port: DEFAULT_PORT[pod.service as OperationService],
  pod,
}));

export function meshServiceOf(workload: string): MeshService {
  const service = MESH_SERVICES.find((s) => s.name === workload);
  if (!service) throw new Error(`no mesh Service for ${workload}`);
  return service;
}

/** The Dapr name each daprd resolves an app ID to (nameformat): the lab's stand-in for the `<app-id>-dapr` Service. */
export function daprHostOf(workload: string, namespace: string = NAMESPACE.dapr): string {
  return `${workload}-dapr.${namespace}.lab`;
}

/** /etc/hosts of every pod: Dapr sidecar names and mesh Service names. */
export function hostsFile(): string {
  const lines = ['127.0.0.1 localhost', '::1 localhost'];
  for (const pod of DAPR_PODS.filter((p) => p.sidecar)) lines.push(`${pod.ip} ${daprHostOf(pod.workload)}`);
  for (const service of MESH_SERVICES) lines.push(`${service.vip} ${service.host}`);
  lines.push(`${SENTRY.ip} dapr-sentry.dapr-system.lab`);
  return `${lines.join('\n')}\n`;
}
