import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATION_SERVICES, urlVariableOf } from '@calc/core';
import { DAPR_INTERNAL_GRPC_PORT, REDIS_PORT, INTRUDER, type Variant, type VariantRecord } from '@calc/probe-matrix';
import { serviceCommand } from '@calc/launcher';
import { SENTRY_PORT } from './dapr-variant.js';
import { denialResponse, grpcDenialResponse, natRules, POLICY_ENFORCED } from './mesh-proxy.js';
import { commonNameOf, startMeshSidecar } from './mesh-sidecar.js';
import type { Authority } from './pki.js';
import type { PodRuntime } from './pods.js';
import { sh } from './shell.js';
import { redisUrlOf, startRedis } from './redis.js';
import { APP_PORT, FANBOY_ENV, PODS_OF, allowedCallersOf, podOf, serviceAccountOf, serviceOf, servicesOf, type Pod } from './topology.js';

/** Where a meshed pod's proxy serves its statistics (short: a Unix socket path has ~107 bytes). */
export function statsSocketOf(workDir: string, workload: string, variant: Variant): string {
  return join(workDir, variant, `${workload}.sock`);
}

/** A pod's policy switch (see proxyConfig): `./lab policy mesh off` empties multiplication's in its running proxy. */
export function policySwitchOf(workDir: string, workload: string, variant: Variant): string {
  return join(workDir, variant, `${workload}.policy`);
}

/**
 * Meshes every pod of a variant with a sidecar: iptables, a certificate for its ServiceAccount, the
 * proxy, with its policy if it carries one. With Dapr in the pods too (dapr-mesh), daprd's port 50002
 * has no protocol hint: the proxy finds gRPC there (authorized request by request) where Dapr's mTLS
 * is off, and Dapr's own TLS (opaque TCP) where it is on.
 * Returns the function that starts one pod's proxy.
 */
function meshOf(runtime: PodRuntime<Pod>, workDir: string, authority: Authority, { name: variant, namespace, dapr, mesh }: VariantRecord): (pod: Pod) => void {
  if (!mesh) throw new Error(`${variant} has no mesh`);
  const dir = join(workDir, variant);
  mkdirSync(dir, { recursive: true });
  const pods = PODS_OF[variant]!;
  const meshedList = join(dir, 'meshed.lst');
  // Linkerd learns which destinations are meshed from its destination service; here, a list of addresses.
  const meshed = pods.filter((p) => p.sidecar);
  const services = servicesOf(variant);
  writeFileSync(meshedList, `${[...meshed.map((p) => p.ip), ...services.filter((s) => s.pod.sidecar).map((s) => s.vip)].join('\n')}\n`);
  const denialFile = join(dir, 'denial.http');
  writeFileSync(denialFile, denialResponse(mesh));
  const grpcDenialFile = join(dir, 'grpc-denial.http');
  writeFileSync(grpcDenialFile, grpcDenialResponse(mesh));
  // A pod's policy (MeshTLSAuthentication of the ServiceAccounts allowed), on every port it serves.
  const policyOf = (pod: Pod) => {
    const allowList = join(dir, `${pod.workload}.allow`);
    writeFileSync(
      allowList,
      `${allowedCallersOf(pod)
        .map((sa) => commonNameOf(sa, namespace))
        .join('\n')}\n`,
    );
    const policySwitch = policySwitchOf(workDir, pod.workload, variant);
    writeFileSync(policySwitch, `${POLICY_ENFORCED}\n`);
    return { allowList, denialFile, grpcDenialFile, policySwitch };
  };
  const vips = services.map((s) => ({ vip: s.vip, port: s.port, podIp: s.pod.ip, targetPort: s.targetPort }));
  // Pods outside the mesh still see Services as kube-proxy makes them.
  for (const pod of pods.filter((p) => !p.sidecar))
    sh('ip', ['netns', 'exec', pod.ns, 'iptables-restore'], natRules({ podIp: pod.ip, meshed: false, services: vips, appPort: APP_PORT }));

  const withDapr = dapr !== undefined;
  return (pod: Pod) => {
    // Redis's port is opaque TCP in every pod, as Linkerd's default opaque ports (and the kind Server) have it.
    // Sentry, outside the mesh's mTLS world, is reached as opaque TCP (it speaks TLS itself).
    const tcpPorts = [REDIS_PORT, ...(withDapr ? [SENTRY_PORT] : [])];
    startMeshSidecar(runtime, pod, {
      mesh,
      dir,
      authority,
      namespace,
      serviceAccount: serviceAccountOf(pod),
      meshedList,
      services: vips,
      appPort: APP_PORT,
      tcpPorts,
      // daprd's port on every pod, with no protocol hint: gRPC where Dapr's mTLS is off, its TLS where on.
      ...(withDapr && !pod.redis ? { grpcPort: DAPR_INTERNAL_GRPC_PORT } : {}),
      statsSocket: statsSocketOf(workDir, pod.workload, variant),
      ...(pod.policy ? { policy: policyOf(pod) } : {}),
    });
  };
}

/**
 * Brings a meshed variant up: Redis first (percentage counts its calls there from its first call
 * on), then every server, then MathFanBoy (it calls at once), each once its proxy listens.
 * `startApp` starts a pod's own processes (the mesh-agnostic app; or the Dapr app and its daprd).
 */
export async function startMeshedVariant(
  runtime: PodRuntime<Pod>,
  workDir: string,
  authority: Authority,
  variant: VariantRecord,
  startApp: (pod: Pod) => void,
  ready: (pods: Pod[]) => Promise<unknown>,
): Promise<void> {
  const startProxy = meshOf(runtime, workDir, authority, variant);
  const meshed = PODS_OF[variant.name]!.filter((p) => p.sidecar);
  const start = (pods: Pod[]) => {
    for (const pod of pods) {
      startProxy(pod);
      if (!pod.redis) startApp(pod);
    }
    return Promise.all(pods.map((pod) => runtime.waitForListening(pod, [variant.mesh!.outboundPort, variant.mesh!.inboundPort], 'proxy')));
  };
  const stores = meshed.filter((p) => p.redis);
  await start(stores);
  await Promise.all(stores.map((pod) => startRedis(runtime, pod)));
  const servers = meshed.filter((p) => !p.redis && p.service !== 'mathfanboy');
  await start(servers);
  await ready(servers);
  const clients = meshed.filter((p) => p.service === 'mathfanboy');
  await start(clients);
  await ready(clients);
}

/** Wires every mesh pod and starts the mesh-agnostic apps; waits until each is reachable. */
export function startMeshVariant(runtime: PodRuntime<Pod>, workDir: string, variant: VariantRecord, authority: Authority): Promise<void> {
  const startApp = (pod: Pod) => {
    if (pod.service)
      runtime.start(pod, 'app', serviceCommand(pod.service, variant.serviceSet), { PORT: String(APP_PORT), ...urlsFor(pod), ...(pod.service === 'mathfanboy' ? FANBOY_ENV : {}) });
  };
  // Through the inbound proxy from outside the pod: the probe paths answer without an identity.
  const intruder = podOf(variant.name, INTRUDER);
  const ready = (pods: Pod[]) =>
    Promise.all(pods.filter((p) => p.service !== 'mathfanboy').map((pod) => runtime.waitForHttp(intruder, `http://${pod.ip}:${APP_PORT}/readyz`, pod)));
  return startMeshedVariant(runtime, workDir, authority, variant, startApp, ready);
}

/** The mesh-agnostic set finds its peers by URL: the Service names, as on Kubernetes. */
function urlsFor(pod: Pod): Record<string, string> {
  const targets = pod.service === 'mathfanboy' ? OPERATION_SERVICES : pod.service === 'percentage' ? (['multiplication', 'division'] as const) : [];
  const urls = Object.fromEntries(
    targets.map((t) => {
      const service = serviceOf(pod.variant, t);
      return [urlVariableOf(t), `http://${service.host}:${service.port}`];
    }),
  );
  return pod.service === 'percentage' ? { ...urls, REDIS_URL: redisUrlOf(pod.variant) } : urls;
}
