import { ALL_SERVICES, DEFAULT_PORT, type OperationService, type ServiceName } from '@calc/core';
import { ALLOWED_CALLERS, INTRUDER, REDIS, REDIS_PORT, sidecarsOf, VARIANTS, variantOf, workloadsOf, type Variant, type VariantRecord } from '@calc/probe-matrix';

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

/**
 * The address plan: each variant's pods on a subnet of their own, 10.211.<n>.<host> (n: the variant's
 * place among the variants), its Services' virtual IPs on 10.96.<n>.0/24; the benchmark's on the next.
 */
export const podAddress = (subnet: number, host: number) => `10.211.${subnet}.${host}`;
export const serviceAddress = (subnet: number, index: number) => `10.96.${subnet}.${index}`;
export const BENCH_SUBNET = VARIANTS.length;

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

/**
 * The workloads beside the six services that the matrix's rows name, each one change from its
 * service, with its host number on the variant's subnet. A variant runs those its probes name.
 */
// biome-ignore format: one workload per line
const EXTRA_WORKLOADS: Record<string, { host: number } & Partial<Pod>> = {
  'multiplication-loopback': { host: 17, service: 'multiplication', policy: true, appEnv: { HOST: '127.0.0.1' } },
  'multiplication-token': { host: 18, service: 'multiplication', policy: true, appToken: true },
  // With the mesh: the default policy, no authorization of its own.
  'multiplication-nopolicy': { host: 21, service: 'multiplication', policy: false },
  // The call graph before the fix: percentage's identity, no policy of its own.
  'percentage-nopolicy': { host: 22, service: 'percentage', serviceAccount: 'percentage', policy: false },
  // What a Dapr ACL does without Dapr's mTLS: it stays in place on this copy only.
  'multiplication-acl': { host: 23, service: 'multiplication', serviceAccount: 'multiplication', policy: true, daprAcl: true },
  // dapr/dapr#1852: Dapr's mTLS on under the mesh's. A caller (a daprd with no app) and a callee.
  'percentage-daprmtls': { host: 24, serviceAccount: 'percentage', daprMtls: true },
  'multiplication-daprmtls': { host: 25, service: 'multiplication', serviceAccount: 'multiplication', policy: true, daprMtls: true },
};

function podsOf(variant: VariantRecord, subnet: number): Pod[] {
  const pod = (workload: string, host: number, extra: Partial<Pod> = {}): Pod => {
    const carries = sidecarsOf(variant, workload);
    return { workload, variant: variant.name, ns: `${PREFIX}-${variant.name}-${workload}`, ip: podAddress(subnet, host), sidecar: carries.dapr || carries.mesh, ...extra };
  };
  const services = ALL_SERVICES.map((service, i) => pod(service, 11 + i, { service, policy: service in ALLOWED_CALLERS }));
  const base = new Set<string>([...ALL_SERVICES, REDIS, INTRUDER]);
  const extras = workloadsOf(variant.name)
    .filter((w) => !base.has(w))
    .map((w) => {
      const extra = EXTRA_WORKLOADS[w];
      if (!extra) throw new Error(`the matrix names ${w} in ${variant.name}, which the local lab does not define (topology.ts, EXTRA_WORKLOADS)`);
      const { host, ...traits } = extra;
      return pod(w, host, traits);
    });
  // Redis, the TCP store: under the mesh's policy where its pods are meshed; Dapr has none for it.
  const redis = pod(REDIS, 19, { redis: true, policy: variant.mesh !== undefined });
  return [...services, ...extras, redis, pod(INTRUDER, 99)];
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

export const SENTRY: Pod = { workload: 'sentry', variant: 'system', ns: `${PREFIX}-dapr-system-sentry`, ip: podAddress(0, 2), sidecar: false };
/** Every variant's pods, on its subnet. */
export const PODS_OF: Record<Variant, Pod[]> = Object.fromEntries(VARIANTS.map((v, i) => [v.name, podsOf(v, i)]));
export const ALL_PODS = [SENTRY, ...VARIANTS.flatMap((v) => PODS_OF[v.name]!)];

export function podOf(variant: Variant, workload: string): Pod {
  const pod = PODS_OF[variant]?.find((p) => p.workload === workload);
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
      host: `${pod.workload}.${variantOf(pod.variant).namespace}.svc`,
      vip: serviceAddress(subnet, i + 1),
      port: pod.redis ? REDIS_PORT : DEFAULT_PORT[pod.service as OperationService],
      targetPort: pod.redis ? REDIS_PORT : APP_PORT,
      pod,
    }));
}

/** Every variant's Services (the Dapr variant's are the base manifests' own, for people calling by name; daprd itself uses `<app-id>-dapr`). */
const SERVICES_OF: Record<Variant, LabService[]> = Object.fromEntries(VARIANTS.map((v, i) => [v.name, servicesOfPods(PODS_OF[v.name]!, i)]));

export function servicesOf(variant: Variant): LabService[] {
  const services = SERVICES_OF[variant];
  if (!services) throw new Error(`no variant named ${variant}`);
  return services;
}

export function serviceOf(variant: Variant, workload: string): LabService {
  const service = servicesOf(variant).find((s) => s.name === workload);
  if (!service) throw new Error(`no ${variant} Service for ${workload}`);
  return service;
}

/** The Dapr name each daprd resolves an app ID to (nameformat): the lab's stand-in for the `<app-id>-dapr` Service. */
export function daprHostOf(workload: string, namespace: string): string {
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
  const { namespace, dapr } = variantOf(inVariant);
  if (dapr)
    for (const pod of PODS_OF[inVariant]!.filter((p) => sidecarsOf(variantOf(inVariant), p.workload).dapr))
      lines.push(`${pod.ip} ${namesOf(`${pod.workload}-dapr`, namespace)} ${daprHostOf(pod.workload, namespace)}`);
  for (const service of servicesOf(inVariant)) lines.push(`${service.vip} ${namesOf(service.name, namespace)}`);
  lines.push(`${SENTRY.ip} dapr-sentry.dapr-system.lab`);
  return `${lines.join('\n')}\n`;
}
