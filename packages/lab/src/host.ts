import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LabError, EXIT } from './errors.js';
import { hasCommand, trySh } from './shell.js';

/** Re-runs this command under sudo when not root and sudo needs no password; otherwise explains. */
export function ensureRoot(what: string): void {
  if (process.getuid?.() === 0) return;
  if (hasCommand('sudo') && spawnSync('sudo', ['-n', 'true']).status === 0) {
    const rerun = spawnSync('sudo', ['-n', `PATH=${process.env.PATH}`, process.execPath, ...process.argv.slice(1)], { stdio: 'inherit' });
    process.exit(rerun.status ?? EXIT.cannotRun);
  }
  throw new LabError('NOT_ROOT', `${what} needs root (network namespaces, iptables): run it as root, or with sudo`);
}

/** One lab or benchmark at a time: they share the namespace prefix. */
export function takeLock(lock: string): () => void {
  mkdirSync(dirname(lock), { recursive: true });
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8'));
    const alive = pid > 0 && pid !== process.pid && trySh('kill', ['-0', String(pid)]) !== undefined;
    if (alive) throw new LabError('LAB_BUSY', `another lab or benchmark run (pid ${pid}) is using the lab's namespaces; wait for it or stop it (make lab-down)`);
  }
  writeFileSync(lock, String(process.pid));
  return () => rmSync(lock, { force: true });
}
