import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh, trySh } from './shell.js';
import { ALL_PODS, BRIDGE_NS, PREFIX, SERVICE_CIDR, SUBNET_PREFIX_LENGTH, hostsFile, type Pod, type PodRef } from './topology.js';

const BRIDGE = 'br0';
const UNPRIVILEGED_PORT_START = 0;
/** `ip netns exec` bind-mounts /etc/netns/<ns>/* over /etc/*: each pod gets the lab's hosts and resolver. */
const NETNS_ETC = '/etc/netns';

/** Creates the bridge namespace and one namespace per pod, wired by veth pairs; ~0.3 s for twenty pods. */
export function createNetwork<P extends PodRef = Pod>(
  pods: readonly P[] = ALL_PODS as unknown as P[],
  hosts: string | ((pod: P) => string) = (pod) => hostsFile((pod as unknown as Pod).variant),
): void {
  // `ip -batch` runs many commands in one process; its lines cannot switch namespace, hence one batch per namespace.
  const batch = (args: string[], lines: string[]) => sh('ip', [...args, '-batch', '-'], `${lines.join('\n')}\n`);
  batch(
    [],
    [BRIDGE_NS, ...pods.map((p) => p.ns)].map((ns) => `netns add ${ns}`),
  );
  batch(
    ['-n', BRIDGE_NS],
    [
      `link add ${BRIDGE} type bridge`,
      `link set ${BRIDGE} up`,
      'link set lo up',
      // Created inside the bridge namespace, so no interface ever appears on the host.
      ...pods.flatMap((pod, i) => [`link add v${i} type veth peer name eth0 netns ${pod.ns}`, `link set v${i} master ${BRIDGE} up`]),
    ],
  );
  for (const pod of pods) {
    batch(['-n', pod.ns], [`addr add ${pod.ip}/${SUBNET_PREFIX_LENGTH} dev eth0`, 'link set eth0 up', 'link set lo up', `route add ${SERVICE_CIDR} dev eth0`]);
    // The apps run unprivileged yet listen on port 80 (the kind pods use 8080 instead); the sysctl is
    // per network namespace, so the host keeps its own.
    sh('ip', ['netns', 'exec', pod.ns, 'sysctl', '-qw', `net.ipv4.ip_unprivileged_port_start=${UNPRIVILEGED_PORT_START}`]);
  }

  for (const pod of pods) {
    const dir = join(NETNS_ETC, pod.ns);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'hosts'), typeof hosts === 'string' ? hosts : hosts(pod));
    // No resolver inside the lab: names come from the hosts file; anything else fails fast on loopback.
    writeFileSync(join(dir, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
  }
}

/** Every lab namespace that exists now (from this run or an earlier one). */
export function labNamespaces(): string[] {
  const list = trySh('ip', ['netns', 'list']) ?? '';
  return list
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(`${PREFIX}-`));
}

/**
 * Kills every process living in a lab namespace, deletes the namespaces (their veths, routes and
 * iptables rules go with them) and their /etc/netns files. Safe to run when nothing is there.
 */
export function destroyNetwork(): { namespaces: number; processes: number } {
  const namespaces = labNamespaces();
  let processes = 0;
  for (const ns of namespaces) {
    const pids = (trySh('ip', ['netns', 'pids', ns]) ?? '').split('\n').filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
        processes += 1;
      } catch {
        // already gone
      }
    }
  }
  for (const ns of namespaces) trySh('ip', ['netns', 'del', ns]);
  for (const ns of namespaces) rmSync(join(NETNS_ETC, ns), { recursive: true, force: true });
  return { namespaces: namespaces.length, processes };
}
