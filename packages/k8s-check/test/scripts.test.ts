import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPTS = [...readdirSync(join(ROOT, 'scripts')).filter((f) => f.endsWith('.sh')).map((f) => `scripts/${f}`), 'tools/dapr/build.sh', '.ci/run'];

describe('shell scripts', () => {
  it.each(SCRIPTS)('%s passes shellcheck', (script) => {
    expect(() => execFileSync('shellcheck', [script], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' })).not.toThrow();
  });
});

describe('make kind-lab on a machine without Docker, kind, kubectl or helm', () => {
  it('stops at once, listing each missing prerequisite and how to get it', async () => {
    // A PATH with only the basic tools the script itself uses.
    const bin = mkdtempSync(join(tmpdir(), 'kind-path-'));
    for (const tool of ['bash', 'grep', 'dirname', 'printf', 'openssl']) {
      const found = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
      if (found.startsWith('/')) symlinkSync(found, join(bin, tool));
    }
    const started = Date.now();
    const result = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(join(bin, 'bash'), [join(ROOT, 'scripts/kind.sh'), 'lab'], { env: { PATH: bin } }, (e, _o, stderr) => resolve({ code: e ? Number(e.code) : 0, stderr })),
    );
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.stderr).toContain('kind lab: missing prerequisites:');
    expect(result.stderr).toContain('  - docker: install Docker Engine');
    expect(result.stderr).toContain('  - kind v0.31.0: go install sigs.k8s.io/kind@v0.31.0');
    expect(result.stderr).toContain('  - kubectl: https://kubernetes.io/docs/tasks/tools/');
    expect(result.stderr).toContain('  - helm 3: https://helm.sh/docs/intro/install/');
  });
});
