import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { serviceCommand } from '@calc/launcher';
import { DAPR_GRPC_PORT, DAPR_HTTP_PORT, DAPR_INTERNAL_GRPC_PORT, DAPR_METRICS_PORT, variantOf, type VariantRecord } from '@calc/probe-matrix';
import type { Authority } from './pki.js';
import { natRules } from './mesh-proxy.js';
import type { PodRuntime } from './pods.js';
import { sh } from './shell.js';
import { startRedis, redisUrlOf } from './redis.js';
import { APP_PORT, FANBOY_ENV, PODS_OF, SENTRY, allowedCallersOf, daprHostOf, servicesOf, type Pod, type PodRef } from './topology.js';

const CONTROL_PLANE_TRUST_DOMAIN = 'cluster.local';
const CONTROL_PLANE_NAMESPACE = 'dapr-system';
/** The article's trust domain for application identities: spiffe://public/ns/dapr-calculator/<app-id>. */
const TRUST_DOMAIN = 'public';
/** Where Sentry serves daprd's certificate requests. */
export const SENTRY_PORT = 50001;

/** The identity Sentry gives an app's daprd, which the callee's ACL matches (its SPIFFE ID). */
export function daprIdentityOf(appId: string, namespace: string): string {
  return `spiffe://${TRUST_DOMAIN}/ns/${namespace}/${appId}`;
}
const SENTRY_HEALTHZ_PORT = 8080;
export { DAPR_HTTP_PORT, DAPR_INTERNAL_GRPC_PORT };

export interface DaprBinaries {
  daprd: string;
  sentry: string;
}

export interface DaprdOptions {
  appId: string;
  /** The app's port; absent for a sidecar with no app (a client only). */
  appPort?: number;
  config: string;
  resourcesDir: string;
  /** Sentry's address: mTLS on, with certificates from it. Absent: mTLS off. */
  sentryAddress?: string;
}

/** daprd's command line, with the ports the Kubernetes injector uses. */
export function daprdCommand(bin: DaprBinaries, o: DaprdOptions): string[] {
  return [
    bin.daprd,
    '--app-id',
    o.appId,
    ...(o.appPort ? ['--app-port', String(o.appPort)] : []),
    '--dapr-http-port',
    String(DAPR_HTTP_PORT),
    '--dapr-grpc-port',
    String(DAPR_GRPC_PORT),
    '--dapr-internal-grpc-port',
    String(DAPR_INTERNAL_GRPC_PORT),
    // As the injector does on Kubernetes: the Dapr API on loopback only; 50002 on every interface.
    '--dapr-listen-addresses',
    '127.0.0.1',
    '--metrics-port',
    String(DAPR_METRICS_PORT),
    ...(o.sentryAddress
      ? ['--enable-mtls', '--sentry-address', o.sentryAddress, '--control-plane-trust-domain', CONTROL_PLANE_TRUST_DOMAIN, '--control-plane-namespace', CONTROL_PLANE_NAMESPACE]
      : []),
    '--config',
    o.config,
    '--resources-path',
    o.resourcesDir,
    '--log-level',
    'info',
  ];
}

/** Sentry's own configuration (what the `daprsystem` Configuration holds on Kubernetes). */
const SENTRY_CONFIG = stringify({
  apiVersion: 'dapr.io/v1alpha1',
  kind: 'Configuration',
  metadata: { name: 'daprsystem' },
  spec: { mtls: { enabled: true, workloadCertTTL: '24h', allowedClockSkew: '15m' } },
});

/**
 * A daprd Configuration. Every sidecar gets name resolution (on Kubernetes that is built in; here
 * nameformat + the pods' hosts file stand in for the `<app-id>-dapr` Service). A pod with a policy
 * also carries an access-control list: deny by default, allow `allowed` (the article's, on
 * multiplication: mathfanboy and percentage).
 */
export function daprConfiguration(name: string, namespace: string, allowed: readonly string[] = []): string {
  const accessControl = {
    defaultAction: 'deny',
    trustDomain: TRUST_DOMAIN,
    policies: allowed.map((appId) => ({ appId, defaultAction: 'allow', trustDomain: TRUST_DOMAIN, namespace })),
  };
  return stringify({
    apiVersion: 'dapr.io/v1alpha1',
    kind: 'Configuration',
    metadata: { name, namespace },
    spec: {
      nameResolution: { component: 'nameformat', configuration: { format: `${daprHostOf('{appid}', namespace)}:${DAPR_INTERNAL_GRPC_PORT}` } },
      ...(allowed.length > 0 ? { accessControl } : {}),
    },
  });
}

/** Starts Sentry in its pod and waits for it; returns its address for daprd's --sentry-address. */
export async function startSentry<P extends PodRef>(runtime: PodRuntime<P>, pod: P, configDir: string, authority: Authority, bin: DaprBinaries): Promise<string> {
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, 'sentry.yaml'), SENTRY_CONFIG);
  runtime.handOver(authority.issuerKey);
  runtime.start(
    pod,
    'sentry',
    [
      bin.sentry,
      '--config',
      join(configDir, 'sentry.yaml'),
      '--issuer-credentials',
      authority.dir,
      '--trust-domain',
      CONTROL_PLANE_TRUST_DOMAIN,
      '--port',
      String(SENTRY_PORT),
      '--healthz-port',
      String(SENTRY_HEALTHZ_PORT),
    ],
    // Sentry's own SPIFFE ID names its namespace; daprd checks it against --control-plane-namespace.
    { NAMESPACE: CONTROL_PLANE_NAMESPACE },
  );
  await runtime.waitForHttp(pod, `http://127.0.0.1:${SENTRY_HEALTHZ_PORT}/healthz`, pod);
  return `${pod.ip}:${SENTRY_PORT}`;
}

/** Dapr's mTLS for a daprd: Sentry's address and the trust anchors to check it by. */
export interface DaprMtls {
  sentryAddress: string;
  trustAnchors: string;
}

/** Sentry up in its pod, with the Dapr certificate authority: what a daprd needs for Dapr's mTLS. */
export async function startDaprControlPlane(runtime: PodRuntime<Pod>, workDir: string, authority: Authority, bin: DaprBinaries): Promise<DaprMtls> {
  const sentryAddress = await startSentry(runtime, SENTRY, join(workDir, 'dapr'), authority, bin);
  return { sentryAddress, trustAnchors: readFileSync(authority.rootCert, 'utf8') };
}

export interface DaprPodOptions {
  bin: DaprBinaries;
  /** Where the pods' Configurations go, and the (empty) resources directory. */
  configDir: string;
  /** Dapr's mTLS; absent, off: the pod's daprd has no Dapr identity. */
  mtls?: DaprMtls;
  /** Whether its daprd carries the pod's access-control list (ALLOWED_CALLERS). */
  acl: boolean;
  /** The app API token of the run, for a pod that uses one. */
  appToken: string;
}

/** A Dapr pod's processes: its app (if it has one) and its daprd, with the pod's Configuration. */
export function startDaprPod(runtime: PodRuntime<Pod>, pod: Pod, o: DaprPodOptions): void {
  const resourcesDir = join(o.configDir, 'resources');
  mkdirSync(resourcesDir, { recursive: true });
  const config = join(o.configDir, `${pod.workload}.yaml`);
  const { namespace } = variantOf(pod.variant);
  writeFileSync(config, daprConfiguration(pod.workload, namespace, o.acl ? allowedCallersOf(pod) : []));
  // The app API token goes to both: daprd adds it to every call it makes to the app, the app checks it.
  const token: Record<string, string> = pod.appToken ? { APP_API_TOKEN: o.appToken } : {};
  if (pod.service)
    runtime.start(pod, 'app', serviceCommand(pod.service, 'dapr'), {
      PORT: String(APP_PORT),
      ...(pod.service === 'mathfanboy' ? FANBOY_ENV : {}),
      ...(pod.service === 'percentage' ? { REDIS_URL: redisUrlOf(pod.variant) } : {}),
      ...pod.appEnv,
      ...token,
    });
  const command = daprdCommand(o.bin, {
    appId: pod.workload,
    ...(pod.service ? { appPort: APP_PORT } : {}),
    config,
    resourcesDir,
    ...(o.mtls ? { sentryAddress: o.mtls.sentryAddress } : {}),
  });
  runtime.start(pod, 'daprd', command, { NAMESPACE: namespace, ...(o.mtls ? { DAPR_TRUST_ANCHORS: o.mtls.trustAnchors } : {}), ...token });
}

/** Ready: the app answers on its port, and daprd reports healthy (which it may do before the app is up). */
export async function daprPodsReady(runtime: PodRuntime<Pod>, pods: Pod[]): Promise<void> {
  await Promise.all(
    pods.flatMap((pod) => [
      ...(pod.service ? [runtime.waitForHttp(pod, `http://127.0.0.1:${APP_PORT}/healthz`, pod)] : []),
      runtime.waitForHttp(pod, `http://127.0.0.1:${DAPR_HTTP_PORT}/v1.0/healthz`, pod),
    ]),
  );
}

/** Every pod's app and daprd of a variant with Dapr alone (Dapr's mTLS on), and Redis; waits until each sidecar is healthy. */
export async function startDaprVariant(runtime: PodRuntime<Pod>, workDir: string, variant: VariantRecord, bin: DaprBinaries, mtls: DaprMtls): Promise<void> {
  const pods = PODS_OF[variant.name]!;
  // The base manifests' Services, as kube-proxy makes them, for whoever calls by name (daprd does not).
  const services = servicesOf(variant.name).map((s) => ({ vip: s.vip, port: s.port, podIp: s.pod.ip, targetPort: s.targetPort }));
  for (const pod of pods) sh('ip', ['netns', 'exec', pod.ns, 'iptables-restore'], natRules({ podIp: pod.ip, meshed: false, services, appPort: APP_PORT }));

  const options = { bin, configDir: join(workDir, variant.name), ...(variant.dapr?.mtls ? { mtls } : {}), appToken: newAppToken() };
  // Redis first: percentage counts its calls there from its first call on.
  await Promise.all(pods.filter((p) => p.redis).map((pod) => startRedis(runtime, pod)));
  // MathFanBoy starts calling at once, so it starts last: every callee is up by then.
  const apps = pods.filter((p) => p.sidecar && p.service !== undefined);
  const [servers, clients] = [apps.filter((p) => p.service !== 'mathfanboy'), apps.filter((p) => p.service === 'mathfanboy')];
  for (const pod of servers) startDaprPod(runtime, pod, { ...options, acl: pod.policy === true });
  await daprPodsReady(runtime, servers);
  for (const pod of clients) startDaprPod(runtime, pod, { ...options, acl: pod.policy === true });
  await daprPodsReady(runtime, clients);
}

/** The app API token of one run (on Kubernetes it would come from a Secret): random, never written down. */
export function newAppToken(): string {
  return randomBytes(32).toString('base64url');
}
