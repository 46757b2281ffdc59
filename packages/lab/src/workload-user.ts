import { spawnSync } from 'node:child_process';
import { LabError } from './errors.js';
import { PROXY_UIDS } from './mesh-proxy.js';

export interface WorkloadUser {
  uid: number;
  gid: number;
}

/** The user Dapr's images run as (dapr docker/Dockerfile: `USER 65532:65532`, distroless nonroot). */
const NONROOT = 65532;

/**
 * Apps, daprd and sentry run unprivileged, as on Kubernetes (runAsNonRoot): not root, no capabilities,
 * and never the proxy's uid, whose traffic the mesh's iptables rules exempt from interception (an app
 * running as it would bypass the mesh unseen). That is the user who started the lab through sudo, who
 * owns the checkout and so can read it; else 65532.
 */
export function workloadUser(env: NodeJS.ProcessEnv = process.env): WorkloadUser {
  const uid = Number(env.SUDO_UID);
  const gid = Number(env.SUDO_GID);
  const usable = Number.isInteger(uid) && uid > 0 && !PROXY_UIDS.includes(uid) && Number.isInteger(gid) && gid > 0;
  return usable ? { uid, gid } : { uid: NONROOT, gid: NONROOT };
}

/**
 * The command line that runs `command` as the user (or as root, for the proxy, which drops to its own
 * uid). Tied to the lab: a parent-death signal, so a lab killed outright (SIGKILL) takes the process
 * with it; not for a lab left up on purpose (--keep). The kernel clears that signal when a process
 * changes its uid, so HAProxy, which drops to the proxy's uid itself, outlives a killed lab.
 */
export function asWorkload(user: WorkloadUser | 'root', command: string[], tiedToLab = true): string[] {
  const identity = user === 'root' ? [] : [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--no-new-privs'];
  return ['setpriv', ...identity, ...(tiedToLab ? ['--pdeathsig=KILL'] : []), '--', ...command];
}

/** Fails early, with what to do, when the workload user cannot read what it must run. */
export function checkReadable(user: WorkloadUser, paths: string[]): void {
  for (const path of paths) {
    const check = spawnSync('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', 'test', '-r', path]);
    if (check.status !== 0) {
      throw new LabError(
        'UNREADABLE_CHECKOUT',
        `the lab's apps run as uid ${user.uid}, which cannot read ${path}: put the checkout where every user can read it (each parent directory o+rx), or start the lab through sudo as the checkout's owner`,
      );
    }
  }
}
