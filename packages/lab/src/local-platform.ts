// The local lab as a platform of the shared experiment: namespaces for pods, the probe run inside
// the caller's namespace, the sidecars' counters read from daprd's metrics and the proxies' sockets,
// the injection read back from each pod, MathFanBoy's log from its file.
import { existsSync, readFileSync } from 'node:fs';
import { countCalls, PROBES, probeSpec, type Addressing, VARIANTS, type Check, type FanBoyReport, type Platform, type Variant, variantOf, type Verdict } from '@calc/probe-matrix';
import { checkComposition, compositionSection } from './composition-check.js';
import { checkHygiene, hygieneSection } from './hygiene.js';
import { injectionSection, readInjection } from './injection.js';
import { checkLayer4, layer4Section } from './layer4.js';
import { checkMeshDenials, denialSection } from './mesh-denials.js';
import { meshViewSection, readMeshView } from './mesh-view.js';
import { LOG_DIR, WORK_DIR } from './paths.js';
import type { PodRuntime } from './pods.js';
import { readSidecarStats } from './sidecar-metrics.js';
import { trySh } from './shell.js';
import { DAPR_VERSION } from './tools.js';
import { ALL_PODS, APP_PORT, podOf, serviceOf, type Pod } from './topology.js';
import { join } from 'node:path';

export const NOTES = [
  'Local lab: Linux network namespaces on one bridge play the pods; the bridge lives in a namespace of its own and every address exists only inside the lab.',
  `Dapr: real daprd and sentry ${DAPR_VERSION} with mTLS. daprd resolves app IDs with the nameformat resolver to \`<app-id>-dapr.dapr-calculator.lab\`, mapped in each pod's hosts file (Kubernetes: the \`<app-id>-dapr\` Service). Every sidecar has a Configuration for that; only multiplication's pods carry the access-control policy.`,
  'Mesh: Linkerd-style transparent mTLS with HAProxy and iptables, not Linkerd itself (the kind lab runs the real one). Interception, mTLS between meshed pods and a per-identity policy work as in Linkerd; HAProxy 2.6 authorizes by the certificate subject CN (`<serviceaccount>.rest-calculator`) where Linkerd reads the full identity from the SAN.',
  "Dapr + mesh: each pod runs daprd (Dapr's mTLS off) and the stand-in proxy; daprd's port 50002 is authorized request by request as gRPC (as a Linkerd `Server` with `proxyProtocol: gRPC`), a denial answered as Linkerd answers gRPC (HTTP 200, grpc-status 7). The pods named `-daprmtls` keep Dapr's own mTLS on (with the Dapr variant's Sentry), under the mesh's; on Kubernetes Dapr's mTLS is one cluster-wide setting, so kind cannot run them.",
  "Layer 4: Debian's redis-server (7.0.15, as the kind lab's `redis:7.0.15-bookworm`), which percentage counts its calls in; in the meshed variants its port is opaque TCP under a policy that lets only percentage's identity connect.",
  'Namespaces share one filesystem and process table: the lab demonstrates routing and policy, not isolation.',
];

/** The local lab's addresses: namespaces on a bridge, Service VIPs DNAT-ed as kube-proxy would. */
const LOCAL_ADDRESSING: Addressing = {
  appPort: APP_PORT,
  podIpOf: (variant, workload) => podOf(variant, workload).ip,
  serviceOf,
};

const logOf = (variant: Variant) => join(LOG_DIR, podOf(variant, 'mathfanboy').ns, 'app.log');
const linesOf = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n') : []);
/** What a variant's MathFanBoy has printed so far (nothing, before the lab is up). */
export const fanboyLines = (variant: Variant) => linesOf(logOf(variant));

/** Waits until a MathFanBoy has printed at least `calls` calls (or the time is up). */
async function waitForCalls(file: string, calls: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (countCalls(linesOf(file)) < calls && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
}

export interface LocalOptions {
  runtime: PodRuntime<Pod>;
  /** The daprd binary, for the versions line. */
  daprd: string;
  /** make lab: MathFanBoy is stopped once it has made its calls (the counters then hold still). ./lab probe leaves the lab as it is. */
  stopFanBoys: boolean;
  /** The checks beside the shared ones: make lab's (localChecks), or ./lab probe's. */
  checks: Platform['checks'];
  notes?: readonly string[];
}

export function localPlatform(o: LocalOptions): Platform {
  return {
    name: 'local',
    probes: PROBES,
    concurrency: 4,
    probe: (probe) => o.runtime.probe(podOf(probe.variant, probe.caller), probeSpec(probe, LOCAL_ADDRESSING)),
    sidecarStats: () => readSidecarStats(WORK_DIR),
    injection: async () => {
      const report = readInjection(ALL_PODS.filter((p) => p.variant !== 'system'));
      return { key: 'injection', section: injectionSection(report), data: report };
    },
    fanboyLog: async (variant, calls) => {
      await waitForCalls(logOf(variant), calls, 20_000);
      if (o.stopFanBoys) await o.runtime.stop(o.runtime.processes.filter((p) => p.pod.variant === variant && p.pod.workload === 'mathfanboy' && p.name === 'app'));
      return { lines: linesOf(logOf(variant)), skipped: 0 };
    },
    checks: o.checks,
    versions: () => versions(o.daprd),
    notes: o.notes ?? NOTES,
  };
}

/** make lab's own checks: what only the local lab can read (the stand-in's statistics, Redis's count, the processes' users). */
export function localChecks(runtime: PodRuntime<Pod>): Platform['checks'] {
  return async ({ verdicts, fanboys }: { verdicts: readonly Verdict[]; fanboys: readonly FanBoyReport[] }): Promise<Check[]> => {
    const meshed = VARIANTS.filter((v) => v.mesh);
    const denials = await Promise.all(meshed.map((v) => checkMeshDenials(WORK_DIR, v.name, verdicts)));
    const layer4 = await Promise.all(fanboys.map((f) => checkLayer4(WORK_DIR, variantOf(f.variant), f.byService.percentage?.calls ?? 0, verdicts)));
    const meshView = (await Promise.all(VARIANTS.filter((v) => v.dapr && v.mesh).map((v) => readMeshView(WORK_DIR, v.name)))).flat();
    const compositions = await Promise.all(VARIANTS.map((v) => checkComposition(runtime, v.name)));
    const hygiene = checkHygiene(runtime.processes, WORK_DIR);
    return [
      { key: 'denials', section: denialSection(denials), data: denials },
      { key: 'layer4', section: layer4Section(layer4), data: layer4 },
      { key: 'meshView', section: meshViewSection(meshView), data: meshView },
      { key: 'compositions', section: compositionSection(compositions), data: compositions },
      { key: 'hygiene', section: hygieneSection(hygiene), data: hygiene },
    ];
  };
}

export function versions(daprd: string): Record<string, string> {
  return {
    daprd: trySh(daprd, ['--version'])?.trim() ?? 'unknown',
    haproxy: /version (\S+)/.exec(trySh('haproxy', ['-v']) ?? '')?.[1] ?? 'unknown',
    node: process.version,
  };
}
