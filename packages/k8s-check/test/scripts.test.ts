import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { standInPath } from '../src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPTS = [
  ...readdirSync(join(ROOT, 'scripts'))
    .filter((f) => f.endsWith('.sh'))
    .map((f) => `scripts/${f}`),
  'tools/dapr/build.sh',
  '.ci/run',
  'lab',
];

describe('shell scripts', () => {
  it.each(SCRIPTS)('%s passes shellcheck', (script) => {
    expect(() => execFileSync('shellcheck', [script], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' })).not.toThrow();
  });
});

describe('make kind-lab on a machine without Docker, kind, kubectl or helm', () => {
  it('stops at once, listing each missing prerequisite and how to get it', async () => {
    // A PATH with only the basic tools the scripts themselves use.
    const bin = pathWith({});
    const started = Date.now();
    const result = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(join(bin, 'bash'), [join(ROOT, 'scripts/kind.sh'), 'lab'], { env: { PATH: bin } }, (e, _o, stderr) => resolve({ code: e ? Number(e.code) : 0, stderr })),
    );
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.stderr).toContain('kind lab: 4 problem(s) to fix before the lab can run:');
    expect(result.stderr).toContain('  - docker: not installed. Install Docker Desktop (macOS, Windows with WSL2) or Docker Engine (Linux)');
    expect(result.stderr).toContain('  - kind: not installed. Install kind v0.31.0');
    expect(result.stderr).toContain('  - kubectl: not installed. Install kubectl 1.35');
    expect(result.stderr).toContain('  - helm: not installed. Install Helm 3 or 4');
  });
});

/** A PATH holding the basic tools the scripts use, plus the given stand-ins. */
const BASICS = ['bash', 'sh', 'grep', 'sed', 'awk', 'date', 'id', 'uname', 'df', 'cat', 'dirname', 'printf', 'mkdir', 'rm', 'mv', 'cut', 'du', 'sort', 'touch', 'openssl', 'git'];
const pathWith = (stubs: Record<string, string>) => standInPath(BASICS, stubs);

/**
 * Stand-ins for Docker (an engine of the given API version, CPUs, memory in bytes and OS, on arm64),
 * kind, kubectl and helm.
 */
const KIND_PATH_STUBS = (helmVersion = 'v4.1.0', kubectl = 'v1.35.0') => ({
  docker: `case "$1 $3" in
  "version {{.Server.APIVersion}}") echo "$API" ;;
  "version {{.Server.Os}}/{{.Server.Arch}}") echo linux/arm64 ;;
  "image --format") echo 270000000 ;;
esac
if [ "$1" = info ] && [ -n "$2" ]; then echo "29.1.0|\${CPUS:-8}|\${MEMORY:-16000000000}|aarch64|\${OS:-Docker Desktop}|/var/lib/docker"; fi
if [ "$1" = save ]; then while [ "$#" -gt 0 ]; do if [ "$1" = -o ]; then touch "$2"; fi; shift; done; fi`,
  kind: `case "$1 $2" in "get clusters") echo calculator-lab ;; "version ") echo "kind \${KIND:-v0.31.0} go1.26 linux/arm64" ;; esac`,
  kubectl: `case "$1" in version) echo "Client Version: ${kubectl}" ;; esac`,
  helm: `echo ${helmVersion}`,
});

function kindStep(
  step: string,
  env: Record<string, string>,
  stubs: Record<string, string> = KIND_PATH_STUBS(),
  script = 'scripts/kind.sh',
): { code: number; calls: string[]; output: string } {
  const bin = pathWith(stubs);
  const log = join(bin, 'calls.log');
  writeFileSync(log, '');
  let code = 0;
  let output = '';
  try {
    output = execFileSync(join(bin, 'bash'), [join(ROOT, script), ...(step ? [step] : [])], { env: { PATH: bin, LOG: log, ...env }, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    code = e.status;
    output = e.stdout + e.stderr;
  }
  return { code, calls: readFileSync(log, 'utf8').trim().split('\n'), output };
}

describe('make kind-images, with stand-ins for docker and kind that record what they are asked', () => {
  const IMAGES = [
    ...['dapr', 'mesh'].flatMap((v) => ['addition', 'subtraction', 'multiplication', 'division', 'percentage', 'mathfanboy'].map((s) => `calculator-lab/${v}-${s}:0.1.0`)),
    'calculator-lab/e2e:0.1.0',
  ];

  it("Docker API 1.48+: builds inside Docker, saves the thirteen images for the node's platform and loads the archive (never kind load docker-image)", () => {
    const { code, calls, output } = kindStep('images', { API: '1.52' });
    expect(code, output).toBe(0);
    const builds = calls.filter((c) => c.startsWith('docker build'));
    expect(builds).toHaveLength(13);
    // Inside Docker: the repository is the context, no host build is asked for.
    for (const build of builds) expect(build).toMatch(/ \.$/);
    expect(builds.some((b) => b.includes('SOURCE=host'))).toBe(false);
    expect(builds).toContainEqual(expect.stringContaining('--build-arg SERVICE=e2e --build-arg VARIANT=cli -t calculator-lab/e2e:0.1.0'));
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

describe('make kind-check: the preflight, before anything is created', () => {
  const inotify = (watches: number, instances: number) => {
    const dir = mkdtempSync(join(tmpdir(), 'inotify-'));
    writeFileSync(join(dir, 'max_user_watches'), String(watches));
    writeFileSync(join(dir, 'max_user_instances'), String(instances));
    return dir;
  };

  it('accepts Helm 3 and Helm 4, and names every tool with its version', () => {
    for (const version of ['v3.19.0', 'v4.1.0']) {
      const { code, output } = kindStep('check', { API: '1.52' }, KIND_PATH_STUBS(version));
      expect(code, output).toBe(0);
      expect(output).toContain(`kind lab preflight: docker 29.1.0 (Docker Desktop, aarch64, 8 CPUs, 16 GB), kind v0.31.0, kubectl v1.35.0, helm ${version}, openssl, git`);
      // On arm64 it says what it could not check itself.
      expect(output).toContain("! arm64: the project's images are built natively");
    }
  });

  it('lists every problem with its fix on one screen: Helm 2, an old kind and kubectl, too few CPUs and too little memory', () => {
    const { code, output } = kindStep('check', { API: '1.52', CPUS: '1', MEMORY: '4000000000', KIND: 'v0.29.0' }, KIND_PATH_STUBS('v2.17.0', 'v1.31.2'));
    expect(code).toBe(1);
    expect(output).toContain('kind lab: 5 problem(s) to fix before the lab can run:');
    expect(output).toContain('  - helm v2.17.0: the lab needs Helm 3 or 4');
    expect(output).toContain("  - kind v0.29.0: the pinned node image (Kubernetes 1.35.0) is kind v0.31.0's; install kind v0.31.0");
    expect(output).toContain("  - kubectl v1.31.2: the lab renders its manifests with kubectl's built-in kustomize, checked for kubectl 1.33 to 1.36; install kubectl 1.35");
    expect(output).toContain('  - Docker has 1 CPU: the lab needs 2 at least, 4 to be comfortable; give it more in Docker Desktop: Settings → Resources');
    expect(output).toContain('  - Docker has 4 GB of memory: the lab needs 6 GB at least, 8 to be comfortable');
    expect(output.split('\n').length).toBeLessThan(25);
  });

  it('on Linux with Docker Engine, asks for the inotify limits kind documents', () => {
    const low = kindStep('check', { API: '1.52', OS: 'Ubuntu 24.04', INOTIFY_DIR: inotify(8192, 128) });
    expect(low.code).toBe(1);
    expect(low.output).toContain('  - inotify: fs.inotify.max_user_watches is 8192; kind asks for 524288: sudo sysctl fs.inotify.max_user_watches=524288');
    expect(low.output).toContain('  - inotify: fs.inotify.max_user_instances is 128; kind asks for 512: sudo sysctl fs.inotify.max_user_instances=512');
    const enough = kindStep('check', { API: '1.52', OS: 'Ubuntu 24.04', INOTIFY_DIR: inotify(524288, 512) });
    expect(enough.code, enough.output).toBe(0);
  });

  it('needs no Node and no Go', () => {
    const { code, output } = kindStep('check', { API: '1.52' });
    expect(code, output).toBe(0);
    expect(output).not.toMatch(/\bnode\b|\bgo\b/i);
  });
});

describe('the kind path needs no shellcheck, no Go and no Node', () => {
  it("make kind-lab's recipe is the kind script alone: no build, no k8s-tools, no lint tools", () => {
    const recipe = execFileSync('make', ['-n', '-C', ROOT, 'kind-lab', 'KIND=true'], { encoding: 'utf8' });
    expect(recipe).not.toMatch(/lint-tools|shellcheck|k8s-tools|turbo|pnpm/);
    expect(
      recipe
        .trim()
        .split('\n')
        .filter((line) => !line.startsWith('make')),
    ).toEqual(['true lab']);
  });

  it.each(['kind-deploy', 'kind-e2e', 'kind-combined', 'kind-prefetch'])('make %s builds nothing on the host', (target) => {
    const recipe = execFileSync('make', ['-n', '-C', ROOT, target, 'KIND=true'], { encoding: 'utf8' });
    expect(recipe).not.toMatch(/k8s-tools|turbo|pnpm|tools\/bin\/kustomize/);
  });
});

describe('make kind-prefetch, with stand-ins for docker, helm and curl', () => {
  // What the charts render (the lines that name images), as Dapr's and Linkerd's do.
  const RENDERED = `        image: "ghcr.io/dapr/dapr:1.18.3"
          value: "ghcr.io/dapr/daprd:1.18.3"
        image: cr.l5d.io/linkerd/controller:edge-26.8.3
        image: cr.l5d.io/linkerd/proxy:edge-26.8.3
        image: cr.l5d.io/linkerd/policy-controller:edge-26.8.3`;
  const PUBLIC = [
    'cr.l5d.io/linkerd/controller:edge-26.8.3',
    'cr.l5d.io/linkerd/policy-controller:edge-26.8.3',
    'cr.l5d.io/linkerd/proxy:edge-26.8.3',
    'ghcr.io/dapr/dapr:1.18.3',
    'ghcr.io/dapr/daprd:1.18.3',
    'node:24.21.0-bookworm-slim',
    'redis:7.0.15-bookworm',
  ];
  const stubs = (singleArch = '') => {
    const base = KIND_PATH_STUBS();
    return {
      ...base,
      docker: `${base.docker}
if [ "$1" = manifest ]; then
  if [ "$3" = "${singleArch}" ]; then echo '{"architecture": "amd64", "os": "linux"}'; else printf '{"manifests": [{"platform": {"architecture": "amd64"}}, {"platform": {"architecture": "arm64"}}]}'; fi
fi`,
      helm: `case "$1" in
  version) echo v3.19.0 ;;
  pull) while [ "$#" -gt 0 ]; do [ "$1" = --destination ] && dest=$2; [ "$1" = --version ] && v=$2; shift; done; touch "$dest/chart-$v.tgz" ;;
  template) cat <<'YAML'
${RENDERED}
YAML
  ;;
esac`,
      curl: 'while [ "$#" -gt 0 ]; do [ "$1" = -o ] && touch "$2"; shift; done',
    };
  };

  it('pulls the charts and CRDs, checks each pinned image is published for the engine, pulls and saves the public ones, builds the project images', () => {
    const cache = mkdtempSync(join(tmpdir(), 'kind-cache-'));
    const { code, calls, output } = kindStep('', { API: '1.52', KIND_CACHE: cache }, stubs(), 'scripts/kind-prefetch.sh');
    expect(code, output).toBe(0);
    expect(calls).toContain(`helm pull dapr --repo https://dapr.github.io/helm-charts --version 1.18.3 --destination ${cache}/charts`);
    expect(calls).toContain(`helm pull linkerd-control-plane --repo https://helm.linkerd.io/edge --version 2026.8.3 --destination ${cache}/charts`);
    expect(calls).toContain(
      `curl -fsSL -o ${cache}/gateway-api-v1.5.1-standard-install.yaml.part https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml`,
    );
    const inspected = calls.filter((c) => c.startsWith('docker manifest inspect')).map((c) => c.split(' ')[3]);
    expect(inspected).toEqual(['kindest/node:v1.35.0@sha256:452d707d4862f52530247495d180205e029056831160e22870e37e3f6c1ac31f', ...PUBLIC]);
    for (const image of PUBLIC) expect(calls).toContain(`docker pull --quiet --platform linux/arm64 ${image}`);
    expect(calls).toContain(`docker save -o ${cache}/public-images.tar.part ${PUBLIC.join(' ')}`);
    expect(calls.filter((c) => c.startsWith('docker build'))).toHaveLength(13);
    expect(output).toContain('make kind-lab needs no network now');
  });

  it('stops before pulling anything when a pinned image is not published for the engine (Apple Silicon: arm64)', () => {
    const cache = mkdtempSync(join(tmpdir(), 'kind-cache-'));
    const { code, calls, output } = kindStep('', { API: '1.52', KIND_CACHE: cache }, stubs('cr.l5d.io/linkerd/proxy:edge-26.8.3'), 'scripts/kind-prefetch.sh');
    expect(code).toBe(1);
    expect(output).toContain('kind lab: images the lab cannot run on linux/arm64:\n  - cr.l5d.io/linkerd/proxy:edge-26.8.3: not published for arm64');
    expect(calls.some((c) => c.startsWith('docker pull'))).toBe(false);
  });

  it('make kind-lab then installs from what it saved', () => {
    const cache = mkdtempSync(join(tmpdir(), 'kind-cache-'));
    for (const dir of ['charts']) execFileSync('mkdir', ['-p', join(cache, dir)]);
    for (const file of [
      'charts/dapr-1.18.3.tgz',
      'charts/linkerd-crds-2026.8.3.tgz',
      'charts/linkerd-control-plane-2026.8.3.tgz',
      'gateway-api-v1.5.1-standard-install.yaml',
      'public-images.tar',
    ])
      writeFileSync(join(cache, file), 'saved');
    const images = kindStep('images', { API: '1.52', KIND_CACHE: cache });
    expect(images.code, images.output).toBe(0);
    expect(images.calls).toContain(`kind load image-archive --name calculator-lab ${cache}/public-images.tar`);
    const dapr = kindStep('dapr', { KIND_CACHE: cache });
    expect(dapr.calls).toContainEqual(expect.stringMatching(new RegExp(`^helm upgrade --install dapr ${cache}/charts/dapr-1\\.18\\.3\\.tgz --namespace`)));
    const linkerd = kindStep('linkerd', { KIND_CACHE: cache });
    expect(linkerd.calls).toContain(`kubectl apply --server-side -f ${cache}/gateway-api-v1.5.1-standard-install.yaml`);
    expect(linkerd.calls).toContainEqual(
      expect.stringMatching(new RegExp(`^helm upgrade --install linkerd-control-plane ${cache}/charts/linkerd-control-plane-2026\\.8\\.3\\.tgz `)),
    );
  });
});
