import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LabError, type PodRef } from '@calc/lab';
import type { LoadResult, Slice } from './loadgen.js';

const LOADGEN = fileURLToPath(new URL('./loadgen-main.js', import.meta.url));

/**
 * A load generator that lives in a client pod for the whole benchmark (`loadgen-main.js --serve`)
 * and runs one slice at a time when asked: the benchmark alternates short slices of every scenario.
 */
export class Generator {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffered = '';
  private waiting: Array<{ resolve: (r: LoadResult) => void; reject: (e: Error) => void }> = [];
  private stderr = '';

  constructor(readonly client: PodRef) {
    this.child = spawn('ip', ['netns', 'exec', client.ns, process.execPath, LOADGEN, '--serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.buffered += chunk;
      for (let newline = this.buffered.indexOf('\n'); newline >= 0; newline = this.buffered.indexOf('\n')) {
        const line = this.buffered.slice(0, newline);
        this.buffered = this.buffered.slice(newline + 1);
        this.waiting.shift()?.resolve(JSON.parse(line) as LoadResult);
      }
    });
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.child.on('exit', (code) => {
      for (const w of this.waiting.splice(0)) w.reject(new LabError('COMMAND_FAILED', `the load generator in ${client.ns} exited (${code}): ${this.stderr.trim()}`));
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  run(slice: Slice): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(`${JSON.stringify(slice)}\n`);
    });
  }

  stop(): void {
    this.child.stdin.end();
    this.child.kill('SIGTERM');
  }
}
