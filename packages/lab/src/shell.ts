import { execFileSync } from 'node:child_process';
import { LabError } from './errors.js';

/**
 * Each command runs in a session of its own (setsid): a Ctrl-C in the terminal reaches only the lab,
 * which then tears down in order, instead of killing a half-done `ip` or `iptables-restore` under it.
 */
const OWN_SESSION = 'setsid';

/** Runs a command to completion and returns its stdout; a failure becomes a LabError with its stderr. */
export function sh(command: string, args: readonly string[], input?: string): string {
  try {
    return execFileSync(OWN_SESSION, [command, ...args], { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new LabError('COMMAND_FAILED', `${command} ${args.join(' ')} failed: ${(stderr || message).trim()}`);
  }
}

/** Like sh, but a failure is returned as undefined: for clean-up steps that may find nothing to clean. */
export function trySh(command: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync(OWN_SESSION, [command, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

export function hasCommand(name: string): boolean {
  return trySh('sh', ['-c', `command -v ${name}`]) !== undefined;
}
