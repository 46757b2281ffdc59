// Running as root, and one run at a time: what the lab and the benchmark need of the machine.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabError, EXIT } from './errors.js';
import { hasCommand, trySh } from './shell.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The project's own Node (tools/node, installed by make), and what root's PATH holds when re-run: nothing from the caller's. */
const PROJECT_NODE = join(REPO_ROOT, 'tools', 'node', 'node_modules', 'node', 'bin', 'node');
const ROOT_PATH = [
  join(REPO_ROOT, 'tools', 'node', 'node_modules', '.bin'),
  '/usr/local/sbin',
  '/usr/local/bin',
  '/usr/sbin',
  '/usr/bin',
  '/sbin',
  '/bin',
  '/usr/local/go/bin',
].join(':');

/**
 * Re-runs this command under sudo when not root and sudo needs no password; otherwise explains.
 * As root it runs the project's own Node when there is one, with a PATH of the project's tools and the
 * system's directories only (never the caller's PATH or home), and says which Node it runs.
 */
export function ensureRoot(what: string): void {
  if (process.getuid?.() === 0) return;
  if (hasCommand('sudo') && spawnSync('sudo', ['-n', 'true']).status === 0) {
    const { args, announce } = sudoRerun(what);
    process.stderr.write(`${announce}\n`);
    const rerun = spawnSync('sudo', args, { stdio: 'inherit' });
    process.exit(rerun.status ?? EXIT.cannotRun);
  }
  throw new LabError('NOT_ROOT', `${what} needs root (network namespaces, iptables): run it as root, or with sudo`);
}

/** sudo's arguments to run this command again as root, and the line that says which Node runs it. */
export function sudoRerun(what: string, argv: string[] = process.argv, projectNode: string = PROJECT_NODE): { args: string[]; announce: string } {
  const node = existsSync(projectNode) ? projectNode : process.execPath;
  const origin = node === projectNode ? "the project's, tools/node" : 'the one running this command; make installs its own into tools/node';
  return {
    args: ['-n', `PATH=${ROOT_PATH}`, node, ...argv.slice(1)],
    announce: `==> ${what} needs root: re-running with sudo, Node ${node} (${origin})`,
  };
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
