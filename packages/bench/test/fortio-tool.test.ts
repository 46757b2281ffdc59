// The benchmark downloads nothing: fortio is installed before, by make bench-tools (a prerequisite of
// make bench and make test), and a run without it stops at once, saying so.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe('make bench without fortio installed', () => {
  it('stops with MISSING_TOOL and the make target that installs it, and installs nothing itself', async () => {
    const run = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(process.execPath, [CLI, '--quick'], { env: { ...process.env, FORTIO_BIN: '/nonexistent/fortio' } }, (e, stdout, stderr) =>
        resolve({ code: e ? Number(e.code) : 0, out: stdout + stderr }),
      ),
    );
    expect(run.code, run.out).toBe(3);
    expect(run.out).toContain('bench: error MISSING_TOOL: fortio v1.66.0 is not at /nonexistent/fortio: make bench-tools installs it');
    expect(run.out).not.toMatch(/installing fortio|go install/);
    expect(run.out).not.toContain('bringing up the four scenarios');
  });
});
