import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Section } from '@calc/probe-matrix';
import { PROXY_UIDS } from './mesh-proxy.js';
import type { PodProcess } from './pods.js';

export interface HygieneReport {
  pass: boolean;
  /** Each running process: who it runs as, read from /proc (the pid is the program itself: `ip netns exec` and setpriv exec it). */
  processes: Array<{ pod: string; name: string; uid: number; capEff: string }>;
  /** Every file under the work dir that holds a private key, with its mode. */
  keyFiles: Array<{ file: string; mode: string }>;
  problems: string[];
}

/** Apps, daprd and sentry unprivileged (not root, not the proxy's uid, no capabilities); the proxy as its uid; every key 0600. */
export function checkHygiene(processes: PodProcess[], workDir: string): HygieneReport {
  const problems: string[] = [];
  const seen = processes.flatMap((p) => {
    const status = statusOf(p.child.pid);
    if (!status) return [];
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
    const capEff = /^CapEff:\s+(\S+)/m.exec(status)?.[1] ?? '?';
    const where = `${p.name} in ${p.pod.ns}`;
    if (p.name === 'proxy') {
      if (!PROXY_UIDS.includes(uid)) problems.push(`${where} runs as uid ${uid}, not a proxy's (${PROXY_UIDS.join(', ')})`);
    } else if (uid === 0 || PROXY_UIDS.includes(uid) || !/^0+$/.test(capEff)) {
      problems.push(`${where} runs as uid ${uid} with capabilities ${capEff}`);
    }
    return [{ pod: p.pod.ns, name: p.name, uid, capEff }];
  });
  const keyFiles = filesUnder(workDir)
    .filter((file) => readFileSync(file, 'utf8').includes('PRIVATE KEY'))
    .map((file) => ({ file: relative(workDir, file), mode: (statSync(file).mode & 0o777).toString(8) }));
  for (const key of keyFiles) if (key.mode !== '600') problems.push(`${key.file} holds a private key and has mode ${key.mode}`);
  if (seen.length === 0) problems.push('no running process to check');
  return { pass: problems.length === 0, processes: seen, keyFiles, problems };
}

export function hygieneSection(report: HygieneReport): Section {
  const uids = [...new Set(report.processes.filter((p) => p.name !== 'proxy').map((p) => p.uid))].join(', ');
  return {
    title: "The lab's own hygiene",
    items: [
      {
        pass: report.pass,
        text: `${report.processes.length} processes checked: apps, daprd and sentry as uid ${uids} with no capabilities, the proxies as uid ${PROXY_UIDS.join(', ')}; ${report.keyFiles.length} files holding a private key, ${report.keyFiles.filter((k) => k.mode === '600').length} of them mode 0600${report.problems.length ? `; problems: ${report.problems.join('; ')}` : ''}`,
      },
    ],
  };
}

function statusOf(pid: number | undefined): string | undefined {
  try {
    return pid === undefined ? undefined : readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}
