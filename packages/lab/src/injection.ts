// What each pod's "injection" did, read back from the pods themselves: the nat rules in its network
// namespace, and the processes beside its app. Claim 4 of the article, shown locally; kind checks
// the same from the live pod specs (linkerd-init's capabilities, Dapr's one added container).
import { sidecarsOf, VARIANTS, variantOf, type Section } from '@calc/probe-matrix';
import { basename } from 'node:path';
import { processesIn } from './running-lab.js';
import { trySh } from './shell.js';
import type { Pod } from './topology.js';

export interface PodInjection {
  pod: string;
  /** Rules that send the pod's traffic to a proxy (REDIRECT), as proxy-init writes them: inbound (PREROUTING), outbound (OUTPUT). */
  interception: { inbound: string[]; outbound: string[] };
  /** Rules that map Service addresses to pods: kube-proxy's part, which on Kubernetes lives on the node, not in the pod. */
  serviceRules: number;
  /** The processes that run beside the app (daprd, the proxy). */
  sidecars: string[];
}

export interface InjectionReport {
  pass: boolean;
  pods: PodInjection[];
  problems: string[];
}

/** The programs that run beside an app as its sidecars, by the name the findings give them. */
const SIDECAR_PROGRAMS: Record<string, string> = { daprd: 'daprd', haproxy: 'proxy' };

/** The pod's nat rules, as iptables-save prints them (`-A CHAIN …`). */
function natRulesOf(pod: Pod): string[] {
  return (trySh('ip', ['netns', 'exec', pod.ns, 'iptables-save', '-t', 'nat']) ?? '').split('\n').filter((line) => line.startsWith('-A '));
}

/**
 * Every meshed pod intercepts both ways (the mesh's init step, which needs NET_ADMIN); no Dapr pod
 * and no intruder intercepts anything: Dapr only adds a process.
 */
export function readInjection(pods: readonly Pod[]): InjectionReport {
  const problems: string[] = [];
  const report = pods.map((pod): PodInjection => {
    const rules = natRulesOf(pod);
    const redirects = (chain: string) => rules.filter((r) => r.startsWith(`-A ${chain} `) && r.includes('-j REDIRECT'));
    const injection = {
      pod: `${pod.variant}/${pod.workload}`,
      interception: { inbound: redirects('PREROUTING'), outbound: redirects('OUTPUT') },
      serviceRules: rules.filter((r) => r.includes('-j DNAT')).length,
      sidecars: processesIn(pod)
        .map((p) => SIDECAR_PROGRAMS[basename(p.argv[0] ?? '')])
        .filter((name): name is string => name !== undefined)
        .sort(),
    };
    const intercepts = injection.interception.inbound.length > 0 && injection.interception.outbound.length > 0;
    const meshed = pod.variant !== 'system' && sidecarsOf(variantOf(pod.variant), pod.workload).mesh;
    if (meshed && !intercepts) problems.push(`${injection.pod} is meshed but does not intercept both ways`);
    if (!meshed && injection.interception.inbound.length + injection.interception.outbound.length > 0) problems.push(`${injection.pod} intercepts traffic, yet it is not meshed`);
    return injection;
  });
  return { pass: problems.length === 0 && report.length > 0, pods: report, problems };
}

/** What a variant's injection does to a pod, in a sentence. */
function injectionOf({ name, dapr, mesh }: (typeof VARIANTS)[number]): string {
  const rules = mesh
    ? `every meshed pod's traffic is redirected to its proxy both ways by rules in the pod's own network namespace, which only a process with NET_ADMIN can write (${mesh.name}'s \`${mesh.proxyInitContainer}\` asks for ${mesh.proxyInitCapabilities.join(' and ')} to do it, checked on kind from the pod specs)`
    : 'no rule in any pod';
  return `**${name}**: ${rules}${dapr ? `; the injection adds daprd, a process the app has to call` : ''}.`;
}

export function injectionSection(report: InjectionReport): Section {
  const line = (p: PodInjection) => {
    const redirects = [...p.interception.inbound, ...p.interception.outbound];
    const ports = [...new Set(redirects.map((r) => /--to-ports (\d+)/.exec(r)?.[1]).filter(Boolean))].join(', ');
    const intercepts = redirects.length
      ? `${p.interception.inbound.length} inbound + ${p.interception.outbound.length} outbound REDIRECT rules (to ${ports})`
      : 'no interception rule';
    return `${p.pod}: ${intercepts}; sidecar: ${p.sidecars.join(', ') || 'none'}; ${p.serviceRules} Service DNAT rules (kube-proxy's part)`;
  };
  const of = (variant: string) => report.pods.filter((p) => p.pod.split('/')[0] === variant);
  return {
    title: 'What the injection did, per pod (nat rules read back from each pod)',
    items: [
      {
        pass: report.pass,
        text: `${VARIANTS.map(injectionOf).join(' ')}${report.problems.length ? ` Wrong: ${report.problems.join('; ')}` : ''}`,
        lines: VARIANTS.flatMap((v) => of(v.name)).map(line),
      },
    ],
  };
}
