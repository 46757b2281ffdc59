import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PINNED } from '@calc/probe-matrix';
import type { DaprBinaries } from './dapr-variant.js';
import { LabError } from './errors.js';
import { hasCommand, trySh } from './shell.js';

export const DAPR_VERSION = PINNED.dapr;
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BUILT_DIR = join(REPO_ROOT, 'tools', 'dapr', 'bin');

/** Commands the lab runs (curl: for the walkthrough's calls from inside the pods; Redis: the TCP workload), and the Debian package that brings each. */
const SYSTEM_TOOLS: Record<string, string> = {
  'redis-server': 'redis-server',
  'redis-cli': 'redis-tools',
  ip: 'iproute2',
  ss: 'iproute2',
  iptables: 'iptables',
  'iptables-restore': 'iptables',
  haproxy: 'haproxy',
  openssl: 'openssl',
  curl: 'curl',
};

/** Installs what is missing with apt-get (Debian/Ubuntu); elsewhere says what to install. */
export function ensureSystemTools(log: (line: string) => void): void {
  const missing = Object.keys(SYSTEM_TOOLS).filter((tool) => !hasCommand(tool));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((tool) => SYSTEM_TOOLS[tool]!))];
  if (!hasCommand('apt-get')) {
    throw new LabError('MISSING_TOOL', `missing ${missing.join(', ')}: install the packages ${packages.join(', ')} with your package manager`);
  }
  log(`installing ${packages.join(', ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8' });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8' });
  const stillMissing = Object.keys(SYSTEM_TOOLS).filter((tool) => !hasCommand(tool));
  if (stillMissing.length > 0) {
    const why = (install.stderr || update.stderr || '').trim().split('\n').slice(-3).join(' ');
    throw new LabError('MISSING_TOOL', `could not install ${packages.join(', ')} (still missing: ${stillMissing.join(', ')}): ${why}`);
  }
}

function versionOf(daprd: string): string | undefined {
  return trySh(daprd, ['--version'])?.trim();
}

/**
 * daprd and sentry: the project's own build (tools/dapr/bin), else a Dapr CLI install (PATH or
 * ~/.dapr/bin) of the pinned minor version, else built now from the Go module (minutes the first time).
 */
export function ensureDaprBinaries(log: (line: string) => void): DaprBinaries {
  const pinnedMinor = DAPR_VERSION.split('.').slice(0, 2).join('.');
  const candidates = [BUILT_DIR, ...(process.env.PATH ?? '').split(':'), join(homedir(), '.dapr', 'bin')];
  for (const dir of candidates) {
    const daprd = join(dir, 'daprd');
    const sentry = join(dir, 'sentry');
    if (!dir || !existsSync(daprd) || !existsSync(sentry)) continue;
    const version = versionOf(daprd);
    if (version?.startsWith(`${pinnedMinor}.`)) {
      log(`using daprd and sentry ${version} from ${dir}`);
      return { daprd, sentry };
    }
    log(`ignoring daprd ${version ?? '(no version)'} in ${dir}: the lab pins ${DAPR_VERSION}`);
  }
  if (!hasCommand('go')) {
    throw new LabError(
      'DAPR_BUILD_FAILED',
      `no daprd ${pinnedMinor}.x found and Go is not installed to build it: install Go (https://go.dev/dl/) or the Dapr CLI ${DAPR_VERSION} (dapr init --slim)`,
    );
  }
  log(`building daprd and sentry ${DAPR_VERSION} from source (first time only: ~100 MB of Go modules to download, then a few minutes of compiling)`);
  const build = spawnSync(join(REPO_ROOT, 'tools', 'dapr', 'build.sh'), [], { stdio: 'inherit' });
  const daprd = join(BUILT_DIR, 'daprd');
  if (build.status !== 0 || !existsSync(daprd)) {
    throw new LabError('DAPR_BUILD_FAILED', `building daprd failed (tools/dapr/build.sh exited ${build.status ?? build.signal}); see its output above`);
  }
  return { daprd, sentry: join(BUILT_DIR, 'sentry') };
}
