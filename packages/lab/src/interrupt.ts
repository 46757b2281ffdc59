import { EXIT } from './errors.js';

/**
 * One teardown, whoever asks first. A signal (Ctrl-C, SIGTERM, SIGHUP) starts it at once and ends
 * the process with exit 130 once it is done; the main path, from its next checkpoint on, goes no
 * further and leaves the exit to the signal. So an interrupt at any moment leaves nothing behind,
 * and two teardowns never race (the cause of half-removed labs).
 */
export class Interruptible {
  private signal: NodeJS.Signals | undefined;
  private teardown: Promise<void> | undefined;

  constructor(
    /** What the process is, for the last line: "lab", "bench". */
    private readonly what: string,
    private readonly tearDownWork: () => Promise<void>,
  ) {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => this.interrupt(signal));
  }

  get interrupted(): boolean {
    return this.signal !== undefined;
  }

  /** Tears down once; every caller waits for that one teardown. */
  tearDown(): Promise<void> {
    this.teardown ??= this.tearDownWork();
    return this.teardown;
  }

  /**
   * Call between steps and before leaving run(). Resolves at once when not interrupted; once
   * interrupted it never resolves, and the signal path exits. A signal that came during synchronous
   * work is seen here: the event loop handles it before this checks.
   */
  async checkpoint(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.interrupted) await new Promise(() => {});
  }

  private interrupt(signal: NodeJS.Signals): void {
    if (this.signal) return;
    this.signal = signal;
    const name = signal === 'SIGINT' ? 'Ctrl-C' : signal;
    process.stderr.write(`\n${this.what}: interrupted (${name}): removing everything this run made … `);
    this.tearDown().then(
      () => {
        process.stderr.write('done; nothing is left\n');
        process.exit(EXIT.interrupted);
      },
      (error: unknown) => {
        process.stderr.write(`failed: ${error instanceof Error ? error.message : String(error)} (make lab-down removes the rest)\n`);
        process.exit(EXIT.interrupted);
      },
    );
  }
}
