import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATION_SERVICES, urlVariableOf } from '@calc/core';
import { REDIS_PORT } from '@calc/probe-matrix';
import { serviceCommand } from '@calc/launcher';
import { DENIAL_RESPONSE, INBOUND_PORT, natRules, OUTBOUND_PORT, POLICY_ENFORCED } from './mesh-proxy.js';
import { commonNameOf, startMeshSidecar } from './mesh-sidecar.js';
import type { Authority } from './pki.js';
import type { PodRuntime } from './pods.js';
import { sh } from './shell.js';
import { redisUrlOf, startRedis } from './redis.js';
import { APP_PORT, FANBOY_ENV, MESH_PODS, MESH_SERVICES, NAMESPACE, allowedCallersOf, podOf, serviceAccountOf, serviceOf, type Pod } from './topology.js';

/** Where a mesh pod's proxy serves its statistics (short: a Unix socket path has ~107 bytes). */
export function statsSocketOf(workDir: string, workload: string): string {
  return join(workDir, 'mesh', `${workload}.sock`);
}

/** A pod's policy switch (see proxyConfig): `./lab policy mesh off` empties multiplication's in its running proxy. */
export function policySwitchOf(workDir: string, workload: string): string {
  return join(workDir, 'mesh', `${workload}.policy`);
}

/** Wires every mesh pod (iptables, certificates, proxy) and starts the apps; waits until each is reachable. */
export async function startMeshVariant(runtime: PodRuntime<Pod>, workDir: string, authority: Authority): Promise<void> {
  const dir = join(workDir, 'mesh');
  mkdirSync(dir, { recursive: true });
  const meshedList = join(dir, 'meshed.lst');
  const meshed = MESH_PODS.filter((p) => p.sidecar);
  // Linkerd learns which destinations are meshed from its destination service; here, a list of addresses.
  writeFileSync(meshedList, `${[...meshed.map((p) => p.ip), ...MESH_SERVICES.filter((s) => s.pod.sidecar).map((s) => s.vip)].join('\n')}\n`);
  const denialFile = join(dir, 'denial.http');
  writeFileSync(denialFile, DENIAL_RESPONSE);
  // A pod's policy (MeshTLSAuthentication of the ServiceAccounts allowed), on every port it serves.
  const policyOf = (pod: Pod) => {
    const allowList = join(dir, `${pod.workload}.allow`);
    writeFileSync(allowList, `${allowedCallersOf(pod).map((sa) => commonNameOf(sa, NAMESPACE.mesh)).join('\n')}\n`);
    const policySwitch = policySwitchOf(workDir, pod.workload);
    writeFileSync(policySwitch, `${POLICY_ENFORCED}\n`);
    return { allowList, denialFile, policySwitch };
  };

  const services = MESH_SERVICES.map((s) => ({ vip: s.vip, port: s.port, podIp: s.pod.ip, targetPort: s.targetPort }));
  // Pods outside the mesh still see Services as kube-proxy makes them.
  for (const pod of MESH_PODS.filter((p) => !p.sidecar))
    sh('ip', ['netns', 'exec', pod.ns, 'iptables-restore'], natRules({ podIp: pod.ip, meshed: false, services, appPort: APP_PORT }));

  const startPod = (pod: Pod) => {
    startMeshSidecar(runtime, pod, {
      dir,
      authority,
      namespace: NAMESPACE.mesh,
      serviceAccount: serviceAccountOf(pod),
      meshedList,
      services,
      appPort: APP_PORT,
      // Redis's port is opaque TCP in every pod, as Linkerd's default opaque ports (and the kind Server) have it.
      tcpPorts: [REDIS_PORT],
      statsSocket: statsSocketOf(workDir, pod.workload),
      ...(pod.policy ? { policy: policyOf(pod) } : {}),
    });
    if (pod.service)
      runtime.start(pod, 'app', serviceCommand(pod.service, 'mesh'), { PORT: String(APP_PORT), ...urlsFor(pod), ...(pod.service === 'mathfanboy' ? FANBOY_ENV : {}) });
  };
  // MathFanBoy starts calling at once, so it starts last: every callee is up by then.
  const servers = meshed.filter((p) => p.service !== 'mathfanboy');
  const clients = meshed.filter((p) => p.service === 'mathfanboy');
  // Redis first: percentage counts its calls there from its first call on.
  const stores = servers.filter((p) => p.redis);
  const apps = servers.filter((p) => !p.redis);
  stores.forEach(startPod);
  await Promise.all(stores.map((pod) => startRedis(runtime, pod)));
  apps.forEach(startPod);
  await Promise.all(servers.map((pod) => runtime.waitForListening(pod, [OUTBOUND_PORT, INBOUND_PORT], 'proxy')));
  // Through the inbound proxy from outside the pod: the probe paths answer without an identity.
  const intruder = podOf('mesh', 'intruder');
  await Promise.all(apps.map((pod) => runtime.waitForHttp(intruder, `http://${pod.ip}:${APP_PORT}/readyz`, pod)));
  clients.forEach(startPod);
  await Promise.all(clients.map((pod) => runtime.waitForListening(pod, [OUTBOUND_PORT, INBOUND_PORT], 'proxy')));
}

/** The mesh-agnostic set finds its peers by URL: the Service names, as on Kubernetes. */
function urlsFor(pod: Pod): Record<string, string> {
  const targets = pod.service === 'mathfanboy' ? OPERATION_SERVICES : pod.service === 'percentage' ? (['multiplication', 'division'] as const) : [];
  const urls = Object.fromEntries(
    targets.map((t) => {
      const service = serviceOf('mesh', t);
      return [urlVariableOf(t), `http://${service.host}:${service.port}`];
    }),
  );
  return pod.service === 'percentage' ? { ...urls, REDIS_URL: redisUrlOf('mesh') } : urls;
}
