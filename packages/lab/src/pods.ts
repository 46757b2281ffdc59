import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Observation } from '@calc/probe-matrix';
import { LabError } from './errors.js';
import { trySh } from './shell.js';
import type { PodRef } from './topology.js';
import { asWorkload, type WorkloadUser } from './workload-user.js';

const PROBE_SCRIPT = fileURLToPath(import.meta.resolve('@calc/probe-matrix/probe'));

export interface PodProcess<P extends PodRef = PodRef> {
  pod: P;
  name: string;
  child: ChildProcess;
  log: string;
}

/**
 * Starts and stops the processes of the lab's pods; every process's output goes to a log file.
 * Each runs as the workload user (see workload-user.ts), in a process group of its own: a Ctrl-C in
 * the terminal reaches only the lab, which stops them in order.
 */
export class PodRuntime<P extends PodRef = PodRef> {
  readonly processes: PodProcess<P>[] = [];
  private closed = false;

  constructor(
    private readonly logDir: string,
    readonly user: WorkloadUser,
    /** False when the pods are meant to outlive this process (a lab left up with --keep). */
    private readonly tiedToLab = true,
  ) {}

  /**
   * Runs a command inside the pod's network namespace (as `ip netns exec` does, with the pod's
   * /etc/hosts), as the workload user; `asRoot` only for a proxy that drops to its own uid itself;
   * `append` to keep the log of an earlier run of the same process.
   */
  start(pod: P, name: string, command: string[], env: Record<string, string> = {}, { asRoot = false, append = false } = {}): PodProcess<P> {
    if (this.closed) throw new LabError('INTERRUPTED', `not starting ${name} in ${pod.ns}: the lab is stopping`);
    const dir = join(this.logDir, pod.ns);
    mkdirSync(dir, { recursive: true });
    const log = join(dir, `${name}.log`);
    // A restarted process (a sidecar restarted for a new policy) carries on its log.
    const fd = openSync(log, append ? 'a' : 'w');
    const child = spawn('ip', ['netns', 'exec', pod.ns, ...asWorkload(asRoot ? 'root' : this.user, command, this.tiedToLab)], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    const started = { pod, name, child, log };
    this.processes.push(started);
    return started;
  }

  /** Runs the probe script inside the pod and returns what it observed. */
  async probe(pod: PodRef, spec: object): Promise<Observation> {
    return new Promise((resolve) => {
      const child = spawn('ip', ['netns', 'exec', pod.ns, process.execPath, PROBE_SCRIPT, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('close', () => {
        try {
          resolve(JSON.parse(out) as Observation);
        } catch {
          resolve({ outcome: 'error', detail: `probe failed in ${pod.ns}: ${err.trim() || out.trim() || 'no output'}` });
        }
      });
    });
  }

  /** Waits until `url`, fetched from inside `from`, answers 2xx; else fails with the pod's recent logs. */
  async waitForHttp(from: PodRef, url: string, owner: PodRef, timeoutMs = 30_000): Promise<void> {
    const observed = await this.probe(from, { kind: 'http', url, waitMs: timeoutMs, timeoutMs: 2000 });
    if (typeof observed.status === 'number' && observed.status < 300) return;
    const seen = observed.status ?? observed.outcome;
    throw new LabError('POD_NOT_READY', `${owner.ns} did not become ready: ${url} answered ${seen} after ${timeoutMs / 1000} s`, this.recentLogs(owner));
  }

  /** Waits until something in the pod listens on each TCP port (for processes with no HTTP endpoint of their own). */
  async waitForListening(pod: PodRef, ports: number[], name: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const listening = trySh('ip', ['netns', 'exec', pod.ns, 'ss', '-Hltn']) ?? '';
      if (ports.every((port) => new RegExp(`:${port}\\s`).test(listening))) return;
      const exited = this.processes.find((p) => p.pod === pod && p.name === name && p.child.exitCode !== null);
      if (exited || Date.now() > deadline) {
        const why = exited ? `${name} exited (${exited.child.exitCode})` : `nothing listens on ${ports.join(', ')} after ${timeoutMs / 1000} s`;
        throw new LabError('POD_NOT_READY', `${pod.ns} did not become ready: ${why}`, this.recentLogs(pod));
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The last lines of every log of a pod, for error reports. */
  recentLogs(pod: PodRef, lines = 15): string[] {
    return this.processes.filter((p) => p.pod === pod).flatMap((p) => [`--- ${p.log}`, ...readFileSync(p.log, 'utf8').trimEnd().split('\n').slice(-lines)]);
  }

  /** Gives a file (a private key) to the workload user, so the process that needs it can read it and no other user can. */
  handOver(path: string): void {
    chownSync(path, this.user.uid, this.user.gid);
  }

  /** From now on nothing starts; what runs is stopped (the lab is being interrupted). */
  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
  }

  /** SIGTERM to the named processes, SIGKILL after timeoutMs; resolves with their exit codes. */
  async stop(selected: PodProcess<P>[] = this.processes, timeoutMs = 5000): Promise<void> {
    await Promise.all(
      selected.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
            const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
            p.child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            p.child.kill('SIGTERM');
          }),
      ),
    );
  }
}
