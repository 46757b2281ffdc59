import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPTS = [
  ...readdirSync(join(ROOT, 'scripts'))
    .filter((f) => f.endsWith('.sh'))
    .map((f) => `scripts/${f}`),
  'tools/dapr/build.sh',
  '.ci/run',
];

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
    expect(result.stderr).toContain('  - helm 3 or 4: https://helm.sh/docs/intro/install/');
  });
});

/** A PATH holding the basic tools a script uses, plus the given stand-ins (shell scripts). */
function pathWith(stubs: Record<string, string>): string {
  const bin = mkdtempSync(join(tmpdir(), 'kind-stubs-'));
  for (const tool of ['bash', 'sh', 'grep', 'sed', 'date', 'id', 'dirname', 'printf', 'mkdir', 'rm', 'cat', 'touch', 'openssl']) {
    const found = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    if (found.startsWith('/')) symlinkSync(found, join(bin, tool));
  }
  for (const [name, body] of Object.entries(stubs)) writeFileSync(join(bin, name), `#!${join(bin, 'bash')}\necho "${name} $*" >> "$LOG"\n${body}\n`, { mode: 0o755 });
  return bin;
}

/** Stand-ins for Docker (answering as an engine of the given API version on arm64), kind and kubectl. */
const KIND_PATH_STUBS = (helmVersion = 'v4.1.0') => ({
  docker: `case "$1 $3" in
  "version {{.Server.APIVersion}}") echo "$API" ;;
  "version {{.Server.Os}}/{{.Server.Arch}}") echo linux/arm64 ;;
  "image --format") echo 270000000 ;;
esac
if [ "$1" = save ]; then while [ "$#" -gt 0 ]; do if [ "$1" = -o ]; then touch "$2"; fi; shift; done; fi`,
  kind: `case "$1 $2" in "get clusters") echo calculator-lab ;; "version ") echo "kind v0.31.0 go1.26 linux/arm64" ;; esac`,
  kubectl: '',
  helm: `echo ${helmVersion}`,
  node: 'echo 20',
  npm: '',
  go: '',
});

function kindStep(step: string, env: Record<string, string>, stubs: Record<string, string> = KIND_PATH_STUBS()): { code: number; calls: string[]; output: string } {
  const bin = pathWith(stubs);
  const log = join(bin, 'calls.log');
  writeFileSync(log, '');
  let code = 0;
  let output = '';
  try {
    output = execFileSync(join(bin, 'bash'), [join(ROOT, 'scripts/kind.sh'), step], { env: { PATH: bin, LOG: log, ...env }, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    code = e.status;
    output = e.stdout + e.stderr;
  }
  return { code, calls: readFileSync(log, 'utf8').trim().split('\n'), output };
}

describe('make kind-images, with stand-ins for docker and kind that record what they are asked', () => {
  const IMAGES = ['dapr', 'mesh'].flatMap((v) =>
    ['addition', 'subtraction', 'multiplication', 'division', 'percentage', 'mathfanboy'].map((s) => `calculator-lab/${v}-${s}:0.1.0`),
  );

  it("Docker API 1.48+: saves the twelve images for the node's platform and loads the archive (never kind load docker-image)", () => {
    const { code, calls, output } = kindStep('images', { API: '1.52' });
    expect(code, output).toBe(0);
    expect(calls.filter((c) => c.startsWith('docker build'))).toHaveLength(12);
    expect(calls).toContain(`docker save --platform linux/arm64 -o .run/kind/images.tar ${IMAGES.join(' ')}`);
    expect(calls).toContain('kind load image-archive --name calculator-lab .run/kind/images.tar');
    expect(calls.some((c) => c.startsWith('kind load docker-image'))).toBe(false);
    // Public images are the node's to pull: nothing public is pulled, saved or loaded here.
    expect(calls.some((c) => /node:24|docker pull/.test(c))).toBe(false);
  });

  it('Docker API below 1.48 (podman here serves 1.41): a plain docker save, without --platform', () => {
    const { code, calls, output } = kindStep('images', { API: '1.41' });
    expect(code, output).toBe(0);
    expect(calls).toContain(`docker save -o .run/kind/images.tar ${IMAGES.join(' ')}`);
    expect(calls).toContain('kind load image-archive --name calculator-lab .run/kind/images.tar');
  });
});

describe('make kind-check: every tool the kind path uses, up front', () => {
  it('accepts Helm 3 and Helm 4', () => {
    for (const version of ['v3.19.0', 'v4.1.0']) {
      const { code, output } = kindStep('check', { API: '1.52' }, KIND_PATH_STUBS(version));
      expect(code, output).toBe(0);
      expect(output).toContain(`helm ${version}`);
    }
  });

  it('refuses Helm 2, and names Node and Go when they are missing', () => {
    const stubs: Record<string, string> = KIND_PATH_STUBS('v2.17.0');
    delete stubs.node;
    delete stubs.go;
    const { code, output } = kindStep('check', { API: '1.52' }, stubs);
    expect(code).toBe(1);
    expect(output).toContain('  - helm 3 or 4: found v2.17.0');
    expect(output).toContain('  - Node 18 or later with npm');
    expect(output).toContain('  - Go (it builds the pinned kustomize)');
  });
});

describe('the kind path needs no shellcheck', () => {
  it('make k8s-tools, which kind-deploy runs, succeeds on a PATH with no shellcheck and no apt-get', () => {
    const bin = pathWith({});
    // Its pinned tools are installed by make test already, so nothing needs Go or the network here.
    expect(() => execFileSync(join(bin, 'bash'), [join(ROOT, 'scripts/k8s-tools.sh')], { env: { PATH: bin }, stdio: 'pipe' })).not.toThrow();
  });

  it("make kind-lab's recipe does not install lint tools", () => {
    const recipe = execFileSync('make', ['-n', '-C', ROOT, 'kind-lab', 'KIND=true'], { encoding: 'utf8' });
    expect(recipe).not.toMatch(/lint-tools|shellcheck/);
    expect(recipe).toContain('scripts/k8s-tools.sh');
  });
});
