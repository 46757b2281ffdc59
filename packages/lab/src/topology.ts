import { ALL_SERVICES, DEFAULT_PORT, type OperationService, type ServiceName } from '@calc/core';
import { ALLOWED_CALLERS, NAMESPACE, REDIS_PORT, WITH_DAPR, type Variant } from '@calc/probe-matrix';

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
  /** The service binary it runs, if any (intruders, Redis and sentry run none). */
  service?: ServiceName;
  /** Runs redis-server: the TCP workload percentage counts its calls in. */
  redis?: true;
  /** Its ServiceAccount, the identity a mesh gives it; default: the workload name (a copy may keep the original's). */
  serviceAccount?: string;
  /** Environment for the app beyond the defaults. */
  appEnv?: Record<string, string>;
  /** Dapr: the app and its daprd share an app API token (generated per run). */
  appToken?: boolean;
  /** Whether the pod carries its service's policy (ALLOWED_CALLERS): Dapr, an access-control list in its daprd's Configuration; mesh, its proxy's allow-list. */
  policy?: boolean;
  /** Has a sidecar (daprd or the proxy; both in dapr-mesh). */
  sidecar: boolean;
  /** dapr-mesh: this pod's daprd keeps Dapr's own mTLS on (with Sentry), under the mesh's. */
  daprMtls?: true;
  /** dapr-mesh: this pod's daprd keeps the article's access-control list, though Dapr's mTLS is off. */
  daprAcl?: true;
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
  const services = ALL_SERVICES.map((service, i) => pod(service, 11 + i, { service, policy: service in ALLOWED_CALLERS }));
  const extras =
    variant === 'dapr'
      ? [
          pod('multiplication-loopback', 17, { service: 'multiplication', policy: true, appEnv: { HOST: '127.0.0.1' } }),
          pod('multiplication-token', 18, { service: 'multiplication', policy: true, appToken: true }),
          // Nothing injects Dapr into a TCP server: Dapr has no sidecar or policy for it.
          pod('redis', 19, { redis: true, sidecar: false }),
        ]
      : variant === 'mesh'
        ? [
            pod('multiplication-nopolicy', 17, { service: 'multiplication', policy: false }),
            // The call graph before the fix: percentage's identity, no policy of its own.
            pod('percentage-nopolicy', 19, { service: 'percentage', serviceAccount: 'percentage', policy: false }),
            pod('redis', 18, { redis: true, policy: true }),
          ]
        : [
            // What a Dapr ACL does without Dapr's mTLS: it stays in place on this copy only.
            pod('multiplication-acl', 17, { service: 'multiplication', serviceAccount: 'multiplication', policy: true, daprAcl: true }),
            // dapr/dapr#1852: Dapr's mTLS on under the mesh's. A caller (a daprd with no app) and a callee.
            pod('percentage-daprmtls', 18, { serviceAccount: 'percentage', daprMtls: true }),
            pod('multiplication-daprmtls', 19, { service: 'multiplication', serviceAccount: 'multiplication', policy: true, daprMtls: true }),
            pod('redis', 20, { redis: true, policy: true }),
          ];
  return [...services, ...extras, pod('intruder', 99, { sidecar: false })];
}

/** Who may call a pod that carries a policy: its service's entry in ALLOWED_CALLERS. */
export function allowedCallersOf(pod: Pod): readonly string[] {
  const name = pod.redis ? 'redis' : pod.service;
  const allowed = name && pod.policy ? (ALLOWED_CALLERS as Record<string, readonly string[]>)[name] : undefined;
  if (!allowed) throw new Error(`${pod.ns} carries no policy`);
  return allowed;
}

/** The identity a pod's certificates carry: its ServiceAccount. */
export function serviceAccountOf(pod: PodRef & { serviceAccount?: string }): string {
  return pod.serviceAccount ?? pod.workload;
}

export const SENTRY: Pod = { workload: 'sentry', variant: 'system', ns: `${PREFIX}-dapr-system-sentry`, ip: '10.211.0.2', sidecar: false };
export const DAPR_PODS = podsOf('dapr', 0);
export const MESH_PODS = podsOf('mesh', 1);
/** Dapr and the mesh together, as the article recommends: Dapr's mTLS off, the mesh doing mTLS and authorization. */
export const DAPR_MESH_PODS = podsOf('dapr-mesh', 2);
export const PODS_OF: Record<Variant, Pod[]> = { dapr: DAPR_PODS, mesh: MESH_PODS, 'dapr-mesh': DAPR_MESH_PODS };
export const ALL_PODS = [SENTRY, ...DAPR_PODS, ...MESH_PODS, ...DAPR_MESH_PODS];

export function podOf(variant: Variant, workload: string): Pod {
  const pod = PODS_OF[variant].find((p) => p.workload === workload);
  if (!pod) throw new Error(`no ${variant} pod named ${workload}`);
  return pod;
}

/** A Service: its name, virtual IP and port (the article's 5001–5005), in front of one pod, as kube-proxy makes it. */
export interface LabService {
  name: string;
  /** Its full name, `<name>.<namespace>.svc`; the short forms resolve too, as in a pod on Kubernetes. */
  host: string;
  vip: string;
  port: number;
  /** The pod's port behind it: the app's, or Redis's. */
  targetPort: number;
  pod: Pod;
}

function servicesOfPods(pods: Pod[], subnet: number): LabService[] {
  return pods
    .filter((p) => p.redis || (p.service && p.service !== 'mathfanboy'))
    .map((pod, i) => ({
      name: pod.workload,
      host: `${pod.workload}.${NAMESPACE[pod.variant as Variant]}.svc`,
      vip: `10.96.${subnet}.${i + 1}`,
      port: pod.redis ? REDIS_PORT : DEFAULT_PORT[pod.service as OperationService],
      targetPort: pod.redis ? REDIS_PORT : APP_PORT,
      pod,
    }));
}

export const MESH_SERVICES = servicesOfPods(MESH_PODS, 0);
/** The Dapr variant's Services (the base manifests' own), for people calling by name; daprd itself uses `<app-id>-dapr`. */
export const DAPR_SERVICES = servicesOfPods(DAPR_PODS, 1);
export const DAPR_MESH_SERVICES = servicesOfPods(DAPR_MESH_PODS, 2);
const SERVICES_OF: Record<Variant, LabService[]> = { dapr: DAPR_SERVICES, mesh: MESH_SERVICES, 'dapr-mesh': DAPR_MESH_SERVICES };

export function servicesOf(variant: Variant): LabService[] {
  return SERVICES_OF[variant];
}

export function serviceOf(variant: Variant, workload: string): LabService {
  const service = servicesOf(variant).find((s) => s.name === workload);
  if (!service) throw new Error(`no ${variant} Service for ${workload}`);
  return service;
}

/** The Dapr name each daprd resolves an app ID to (nameformat): the lab's stand-in for the `<app-id>-dapr` Service. */
export function daprHostOf(workload: string, namespace: string = NAMESPACE.dapr): string {
  return `${workload}-dapr.${namespace}.lab`;
}

/** A name and its shorter forms, as a pod's DNS search path resolves them: `x`, `x.ns`, `x.ns.svc`. */
function namesOf(name: string, namespace: string): string {
  return `${name} ${name}.${namespace} ${name}.${namespace}.svc`;
}

/**
 * /etc/hosts of a pod of the variant: its namespace's Service names (short and full) and, in the
 * Dapr variant, the `<app-id>-dapr` names (to the pod IP, as the headless Service does) and Sentry.
 */
export function hostsFile(variant: Variant | 'system'): string {
  const lines = ['127.0.0.1 localhost', '::1 localhost'];
  const inVariant = variant === 'system' ? 'dapr' : variant;
  const namespace = NAMESPACE[inVariant];
  if (WITH_DAPR[inVariant])
    for (const pod of PODS_OF[inVariant].filter((p) => p.sidecar && !p.redis)) lines.push(`${pod.ip} ${namesOf(`${pod.workload}-dapr`, namespace)} ${daprHostOf(pod.workload)}`);
  for (const service of servicesOf(inVariant)) lines.push(`${service.vip} ${namesOf(service.name, namespace)}`);
  lines.push(`${SENTRY.ip} dapr-sentry.dapr-system.lab`);
  return `${lines.join('\n')}\n`;
}
