import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasLinkerdOutput, imagesOf, kindNodeImage, LINKERD_OUTPUT_DIR, linkerdControlPlane, NO_LINKERD_OUTPUT, parseObjects, standInPath } from '../src/index.js';

const NODE_IMAGE = kindNodeImage();

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

describe('a clone made with Git for Windows (core.autocrlf true)', () => {
  it("still checks out every script with LF line ends (a CRLF script fails in bash: $'\\r': command not found)", () => {
    const attributes = execFileSync('git', ['check-attr', 'eol', 'text', '--', ...SCRIPTS, 'Makefile', 'versions.env'], { cwd: ROOT, encoding: 'utf8' });
    const eol = attributes.split('\n').filter((line) => line.includes(': eol: '));
    expect(eol).toHaveLength(SCRIPTS.length + 2);
    for (const line of eol) expect(line).toMatch(/: eol: lf$/);
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
    // Before anything else: no step ran (a wait or a retry would show as more than the preflight's lines).
    expect(result.stderr).not.toContain('==>');
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(result.stderr).toContain('kind lab: 4 problem(s) to fix before the lab can run:');
    expect(result.stderr).toContain('  - docker: not installed. Install Docker Desktop (macOS, Windows with WSL2) or Docker Engine (Linux)');
    expect(result.stderr).toContain('  - kind: not installed. Install kind v0.31.0');
    expect(result.stderr).toContain('  - kubectl: not installed. Install kubectl 1.35');
    expect(result.stderr).toContain('  - helm: not installed. Install Helm 3 or 4');
  });
});

/** A PATH holding the basic tools the scripts use, plus the given stand-ins. */
const BASICS = [
  'bash',
  'sh',
  'grep',
  'sed',
  'awk',
  'date',
  'id',
  'uname',
  'df',
  'cat',
  'dirname',
  'printf',
  'mkdir',
  'rm',
  'mv',
  'cut',
  'du',
  'sort',
  'touch',
  'tee',
  'openssl',
  'git',
];
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
if [ "$1" = info ]; then case "$3" in
  *ServerVersion*) echo "29.1.0|\${CPUS:-8}|\${MEMORY:-16000000000}|aarch64|\${OS:-Docker Desktop}|/var/lib/docker|\${CGROUP:-2}" ;;
  *CgroupVersion*) echo "\${CGROUP:-2}" ;;
esac; fi
if [ "$1" = save ]; then while [ "$#" -gt 0 ]; do if [ "$1" = -o ]; then touch "$2"; fi; shift; done; fi`,
  // NO_CLUSTER: none is up yet.
  kind: `case "$1 $2" in "get clusters") [ -n "\${NO_CLUSTER:-}" ] || echo calculator-lab ;; "version ") echo "kind \${KIND:-v0.31.0} go1.26 linux/arm64" ;; esac`,
  kubectl: `case "$1 $2 $3 $4" in
  version*) echo "Client Version: ${kubectl}" ;;
  "-n dapr-calculator get deployments") echo deployment.apps/addition; echo deployment.apps/multiplication ;;
  get*) case "$*" in *exitCode*) echo 0 ;; *phase*) echo Succeeded ;; esac ;;
esac`,
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
  // Standard output, then standard error: a step's warnings go to the latter.
  const run = spawnSync(join(bin, 'bash'), [join(ROOT, script), ...(step ? [step] : [])], { env: { PATH: bin, LOG: log, ...env }, encoding: 'utf8' });
  return { code: run.status ?? 1, calls: readFileSync(log, 'utf8').trim().split('\n'), output: run.stdout + run.stderr };
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
    expect(builds).toContainEqual(expect.stringContaining('--build-arg SERVICE=e2e --build-arg ENTRY=cli -t calculator-lab/e2e:0.1.0'));
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

describe("make kind-up on a cgroup v1 host (WSL2 with a distribution's dockerd, RHEL 8, Ubuntu 20.04, Amazon Linux 2)", () => {
  // Kubernetes 1.35's kubelet refuses cgroup v1 unless failCgroupV1 is false (k8s.io/kubernetes
  // pkg/kubelet/apis/config/v1beta1/defaults.go), and kind v0.31.0's config never sets it (kubernetes-sigs/kind#4077).
  const up = (cgroup: string) => {
    const run = mkdtempSync(join(tmpdir(), 'kind-run-'));
    return { run, ...kindStep('up', { CGROUP: cgroup, NO_CLUSTER: '1', KIND_RUN_DIR: run }) };
  };

  it('tells the kubelet to accept cgroup v1, through a kind config', () => {
    const { run, code, calls, output } = up('1');
    expect(code, output).toBe(0);
    expect(calls).toContain(`kind create cluster --name calculator-lab --image ${NODE_IMAGE} --config ${run}/kind-config.yaml --wait 180s`);
    const config = parseObjects(readFileSync(join(run, 'kind-config.yaml'), 'utf8'))[0]!;
    expect(config).toMatchObject({ kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4' });
    expect(parseObjects(config.kubeadmConfigPatches[0])[0]).toEqual({ kind: 'KubeletConfiguration', failCgroupV1: false });
  });

  it('on cgroup v2, kind as it comes', () => {
    const { code, calls, output } = up('2');
    expect(code, output).toBe(0);
    expect(calls).toContain(`kind create cluster --name calculator-lab --image ${NODE_IMAGE} --wait 180s`);
  });

  it('the preflight warns of it, and goes on', () => {
    const { code, output } = kindStep('check', { API: '1.52', CGROUP: '1' });
    expect(code, output).toBe(0);
    expect(output).toContain("! cgroup v1 on Docker's machine: Kubernetes 1.35's kubelet refuses it by default; make kind-up tells it to accept it (failCgroupV1: false)");
    expect(kindStep('check', { API: '1.52' }).output).not.toContain('cgroup v1');
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

  it("on Linux with Docker Engine, lets a stock Ubuntu laptop through (128 instances), with kind's suggestion as a warning", () => {
    const stock = kindStep('check', { API: '1.52', OS: 'Ubuntu 24.04', INOTIFY_DIR: inotify(8192, 128) });
    expect(stock.code, stock.output).toBe(0);
    expect(stock.output).toContain(
      "  ! inotify: fs.inotify.max_user_instances is 128: enough for this lab's one cluster (measured); kind suggests 512 for larger ones (sudo sysctl fs.inotify.max_user_instances=512)",
    );
    expect(stock.output).toContain('  ! inotify: fs.inotify.max_user_watches is 8192: enough');
    const enough = kindStep('check', { API: '1.52', OS: 'Ubuntu 24.04', INOTIFY_DIR: inotify(524288, 512) });
    expect(enough.code, enough.output).toBe(0);
    expect(enough.output).not.toContain('inotify');
  });

  it('stops below what one cluster of this lab was measured to hold (26 instances, 670 watches as root), with headroom', () => {
    const low = kindStep('check', { API: '1.52', OS: 'Ubuntu 24.04', INOTIFY_DIR: inotify(1024, 32) });
    expect(low.code).toBe(1);
    expect(low.output).toContain(
      '  - inotify: fs.inotify.max_user_instances is 32; one cluster of this lab holds about 26 (measured), and the lab asks for 64 at least: sudo sysctl fs.inotify.max_user_instances=512',
    );
    expect(low.output).toContain('  - inotify: fs.inotify.max_user_watches is 1024; one cluster of this lab holds about 670 (measured)');
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

  it.each(['kind-deploy', 'kind-e2e', 'kind-combined', 'kind-restore', 'kind-prefetch'])('make %s builds nothing on the host', (target) => {
    const recipe = execFileSync('make', ['-n', '-C', ROOT, target, 'KIND=true'], { encoding: 'utf8' });
    expect(recipe).not.toMatch(/k8s-tools|turbo|pnpm|tools\/bin\/kustomize/);
  });
});

describe('make kind-prefetch, with stand-ins for docker, helm and curl', () => {
  // helm template answers with what Dapr's and Linkerd's own code render: Dapr 1.18.3's chart rendered
  // by Helm's engine (dapr-inject --template, from Dapr's module), and Linkerd's control plane as
  // `linkerd install` made it (../shared/linkerd). Like a Helm built with Helm's own default
  // Kubernetes version (1.20, pkg/chartutil/capabilities.go), it refuses Linkerd's chart
  // (kubeVersion ">=1.31.0-0") unless --kube-version says the cluster's.
  const DAPR_TEMPLATE = `${ROOT}tools/dapr/bin/dapr-inject --template --chart ${ROOT}tools/dapr/.build/dapr-v1.18.3/charts/dapr`;
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
  template)
    release=$2; kube=1.20.0; values=''
    while [ "$#" -gt 0 ]; do [ "$1" = --kube-version ] && kube=$2; [ "$1" = --values ] && values=$2; shift; done
    case "$release" in
      dapr) ${DAPR_TEMPLATE} --values "$values" ;;
      linkerd-control-plane)
        case "$kube" in 1.2*|1.30*) echo "Error: chart requires kubeVersion: >=1.31.0-0 which is incompatible with Kubernetes v$kube" >&2; exit 1 ;; esac
        cat "${LINKERD_OUTPUT_DIR}/control-plane.yaml" ;;
    esac ;;
esac`,
      curl: 'while [ "$#" -gt 0 ]; do [ "$1" = -o ] && touch "$2"; shift; done',
    };
  };
  const prefetch = (cache: string, stubSet = stubs(), env: Record<string, string> = {}) =>
    kindStep('', { API: '1.52', KIND_CACHE: cache, KIND_RUN_DIR: mkdtempSync(join(tmpdir(), 'kind-run-')), ...env }, stubSet, 'scripts/kind-prefetch.sh');

  // CI always has ../shared: there, its absence fails this file instead of skipping these tests.
  if (!hasLinkerdOutput() && process.env.CI === 'true') throw new Error(NO_LINKERD_OUTPUT);
  if (!hasLinkerdOutput()) console.warn(NO_LINKERD_OUTPUT);

  it.runIf(hasLinkerdOutput())(
    'pulls the charts and CRDs, checks each image the charts run is published for the engine, pulls and saves them for its platform alone, builds the project images',
    () => {
      const cache = mkdtempSync(join(tmpdir(), 'kind-cache-'));
      const { code, calls, output } = prefetch(cache);
      expect(code, output).toBe(0);
      expect(calls).toContain(`helm pull dapr --repo https://dapr.github.io/helm-charts --version 1.18.3 --destination ${cache}/charts`);
      expect(calls).toContain(`helm pull linkerd-control-plane --repo https://helm.linkerd.io/edge --version 2026.8.3 --destination ${cache}/charts`);
      expect(calls).toContain(
        `curl -fsSL -o ${cache}/gateway-api-v1.5.1-standard-install.yaml.part https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml`,
      );
      // Every image Dapr's rendered chart runs, its sidecar (the injector's SIDECAR_IMAGE), Linkerd's
      // control plane's (its proxy-init runs from the proxy image), and the two the manifests name.
      const daprChart = parseObjects(execFileSync('sh', ['-c', `${DAPR_TEMPLATE} --values ${ROOT}k8s-dapr/dapr-values.yaml`], { encoding: 'utf8' }));
      const injector = daprChart.find((o) => o.kind === 'Deployment' && o.metadata.name === 'dapr-sidecar-injector')!;
      const sidecar = injector.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'SIDECAR_IMAGE').value as string;
      const dapr = [...new Set([...imagesOf(daprChart), sidecar])];
      expect(dapr.sort()).toEqual(['daprd', 'injector', 'operator', 'placement', 'scheduler', 'sentry'].map((n) => `ghcr.io/dapr/${n}:1.18.3`));
      expect(imagesOf(linkerdControlPlane())).toEqual(['cr.l5d.io/linkerd/controller:edge-26.8.3', 'cr.l5d.io/linkerd/proxy:edge-26.8.3']);
      const PUBLIC = [...[...imagesOf(linkerdControlPlane()), ...dapr].sort(), 'node:24.21.0-bookworm-slim', 'redis:7.0.15-bookworm'];
      const inspected = calls.filter((c) => c.startsWith('docker manifest inspect')).map((c) => c.split(' ')[3]);
      expect(inspected).toEqual([NODE_IMAGE, ...PUBLIC]);
      for (const image of PUBLIC) expect(calls).toContain(`docker pull --quiet --platform linux/arm64 ${image}`);
      expect(calls).toContain(`docker save --platform linux/arm64 -o ${cache}/public-images.tar.part ${PUBLIC.join(' ')}`);
      expect(readFileSync(`${cache}/public-images.tar.platform`, 'utf8').trim()).toBe('linux/arm64');
      expect(calls.filter((c) => c.startsWith('docker build'))).toHaveLength(13);
      expect(output).toContain('make kind-lab needs no network now');
    },
  );

  it.runIf(hasLinkerdOutput())("renders the charts for the lab's Kubernetes: a Helm whose default is older still takes Linkerd's chart", () => {
    const { code, calls, output } = prefetch(mkdtempSync(join(tmpdir(), 'kind-cache-')));
    expect(code, output).toBe(0);
    const templates = calls.filter((c) => c.startsWith('helm template'));
    expect(templates).toHaveLength(2);
    for (const call of templates) expect(call).toContain('--kube-version 1.35.0');
  });

  it.runIf(hasLinkerdOutput())('an archive an older prefetch saved (every platform, no word of which) is saved anew, and kind-images does not load one', () => {
    const cache = mkdtempSync(join(tmpdir(), 'kind-cache-'));
    writeFileSync(join(cache, 'public-images.tar'), 'an older prefetch');
    // make kind-images before prefetching again: said, not loaded (kind load would fail on it).
    const images = kindStep('images', { API: '1.52', KIND_CACHE: cache, KIND_RUN_DIR: mkdtempSync(join(tmpdir(), 'kind-run-')) });
    expect(images.code, images.output).toBe(0);
    expect(images.calls.some((c) => c.includes('public-images.tar') && c.startsWith('kind load'))).toBe(false);
    expect(images.output).toContain(`${cache}/public-images.tar was not saved for linux/arm64 by this version of make kind-prefetch: not loaded`);
    const { code, calls, output } = prefetch(cache);
    expect(code, output).toBe(0);
    expect(output).toContain('public-images.tar was not saved for linux/arm64: saving it anew');
    expect(calls).toContainEqual(expect.stringMatching(new RegExp(`^docker save --platform linux/arm64 -o ${cache}/public-images\\.tar\\.part `)));
  });

  it.runIf(hasLinkerdOutput())('stops before pulling anything when a pinned image is not published for the engine (Apple Silicon: arm64)', () => {
    const { code, calls, output } = prefetch(mkdtempSync(join(tmpdir(), 'kind-cache-')), stubs('cr.l5d.io/linkerd/proxy:edge-26.8.3'));
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
    writeFileSync(join(cache, 'public-images.tar.platform'), 'linux/arm64\n');
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

describe('make kind-restore: back to the main run after make kind-combined', () => {
  it('reinstalls Dapr with mTLS on, deletes dapr-calculator (the meshed pods, the extra Servers, multiplication-acl), applies k8s-dapr and waits for every rollout', () => {
    const { code, calls, output } = kindStep('restore', { KIND_RUN_DIR: mkdtempSync(join(tmpdir(), 'kind-run-')) });
    expect(code, output).toBe(0);
    const steps = calls.filter((c) => /^helm upgrade|^kubectl (delete|apply|-n dapr-calculator)/.test(c));
    expect(steps).toEqual([
      expect.stringMatching(/^helm upgrade --install dapr .*--set global\.mtls\.enabled=true --wait/),
      'kubectl delete namespace dapr-calculator --ignore-not-found --wait',
      'kubectl apply -k k8s-dapr',
      'kubectl -n dapr-calculator get deployments -o name',
      'kubectl -n dapr-calculator rollout status deployment.apps/addition --timeout=300s',
      'kubectl -n dapr-calculator rollout status deployment.apps/multiplication --timeout=300s',
    ]);
  });

  it('make kind-combined redeploys the same way, from the Dapr + Linkerd overlay, with Dapr mTLS off', () => {
    const { calls } = kindStep('combined', { KIND_RUN_DIR: mkdtempSync(join(tmpdir(), 'kind-run-')) });
    const steps = calls.filter((c) => /^helm upgrade|^kubectl (delete namespace|apply -k k8s-dapr)/.test(c));
    expect(steps).toEqual([
      expect.stringMatching(/^helm upgrade --install dapr .*--set global\.mtls\.enabled=false --wait/),
      'kubectl delete namespace dapr-calculator --ignore-not-found --wait',
      'kubectl apply -k k8s-dapr/overlays/with-linkerd',
    ]);
  });
});

describe('another cluster (CONTEXT=…): the benchmark runs there, and nothing is installed there unless named twice', () => {
  // A kubeconfig with the lab's context and a "prod" one; NO_DAPR: no Dapr injector there.
  const stubs = (): Record<string, string> => {
    const base = KIND_PATH_STUBS();
    return {
      ...base,
      kubectl: `case "$*" in
  "config get-contexts -o name") echo kind-calculator-lab; echo prod ;;
  "config view --minify --flatten --context prod") echo "current-context: prod" ;;
  "get mutatingwebhookconfiguration dapr-sidecar-injector") [ -z "\${NO_DAPR:-}" ] || exit 1 ;;
  "get nodes"*) echo amd64; echo amd64 ;;
esac
${base.kubectl}`,
    };
  };
  const step = (name: string, env: Record<string, string>) => kindStep(name, { KIND_RUN_DIR: mkdtempSync(join(tmpdir(), 'kind-run-')), ...env }, stubs());

  it('make kind-dapr CONTEXT=prod stops before Helm, naming the flag that allows it', () => {
    const { code, calls, output } = step('dapr', { CONTEXT: 'prod' });
    expect(code).toBe(1);
    expect(output).toContain(
      "kind lab: CONTEXT=prod is not the lab's kind cluster: installing Dapr 1.18.3 there (cluster-wide, with the lab's values) needs INSTALL_INTO=prod as well",
    );
    expect(calls.filter((c) => c.startsWith('helm upgrade'))).toEqual([]);
  });

  it("with INSTALL_INTO=prod it installs, through a kubeconfig of that context alone: the user's current context is not switched", () => {
    const { code, calls, output } = step('dapr', { CONTEXT: 'prod', INSTALL_INTO: 'prod' });
    expect(code, output).toBe(0);
    expect(calls).toContain('kubectl config view --minify --flatten --context prod');
    expect(calls.filter((c) => c.startsWith('helm upgrade --install dapr'))).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith('kubectl config use-context'))).toEqual([]);
    // Naming another context does not count.
    expect(step('linkerd', { CONTEXT: 'prod', INSTALL_INTO: 'kind-calculator-lab' }).code).toBe(1);
  });

  it('the lab-only steps refuse another context, and an unknown context is named', () => {
    const e2e = step('e2e', { CONTEXT: 'prod' });
    expect(e2e.code).toBe(1);
    expect(e2e.output).toContain("CONTEXT=prod: this step runs on the lab's kind cluster only");
    const unknown = step('bench', { CONTEXT: 'staging' });
    expect(unknown.code).toBe(1);
    expect(unknown.output).toContain('the kubectl context staging (kubectl config get-contexts lists them)');
  });

  it('make kind-bench CONTEXT=prod needs REGISTRY for the images, and names what to install when a sidecar is missing', () => {
    const noRegistry = step('bench', { CONTEXT: 'prod' });
    expect(noRegistry.code).toBe(1);
    expect(noRegistry.output).toContain("CONTEXT=prod: its nodes cannot see this machine's images; REGISTRY=<host>[:port]/<path> pushes them where they can pull");
    const noDapr = step('bench', { CONTEXT: 'prod', REGISTRY: 'registry.example:5000/lab', NO_DAPR: '1' });
    expect(noDapr.code).toBe(1);
    expect(noDapr.output).toContain('no Dapr in prod: install it (make kind-dapr CONTEXT=prod INSTALL_INTO=prod)');
    expect(noDapr.calls.filter((c) => c.startsWith('docker push'))).toEqual([]);
  });
});

describe('scripts/push-images.sh: the images by digest, as the registry stored them', () => {
  const DIGEST = `sha256:${'ab12'.repeat(16)}`;
  // docker push says the registry's digest; the engine's own RepoDigests (podman's) name another.
  const stubs = (arches: string): Record<string, string> => {
    const base = KIND_PATH_STUBS();
    return {
      ...base,
      docker: `case "$1" in
  push) echo "The push refers to repository [$2]"; echo "0.1.0: digest: ${DIGEST} size: 902"; exit 0 ;;
  tag|build) exit 0 ;;
  version) case "$3" in *Arch*) echo amd64; exit 0 ;; esac ;;
esac
${base.docker}`,
      kubectl: `case "$*" in "get nodes"*) printf '%s\n' ${arches} ;; esac`,
    };
  };
  const push = (arches: string, ...images: string[]) => {
    const out = join(mkdtempSync(join(tmpdir(), 'push-')), 'images.sed');
    const bin = pathWith(stubs(arches));
    const log = join(bin, 'calls.log');
    writeFileSync(log, '');
    const run = spawnSync(join(bin, 'bash'), [join(ROOT, 'scripts/push-images.sh'), 'registry.example:5000/lab/', out, ...images], {
      env: { PATH: bin, LOG: log, API: '1.52' },
      encoding: 'utf8',
    });
    return { code: run.status ?? 1, output: run.stdout + run.stderr, calls: readFileSync(log, 'utf8').trim().split('\n'), out };
  };

  it('pushes each image under the registry and rewrites its manifests to <registry>/<image>@<digest>', () => {
    const { code, output, calls, out } = push('amd64 amd64', 'calculator-lab/e2e:0.1.0', 'calculator-lab/mesh-multiplication:0.1.0');
    expect(code, output).toBe(0);
    expect(calls).toContain('docker push registry.example:5000/lab/calculator-lab/e2e:0.1.0');
    const manifest = '        image: calculator-lab/e2e:0.1.0\n        image: calculator-lab/mesh-multiplication:0.1.0\n        image: ghcr.io/dapr/daprd:1.18.3\n';
    const rewritten = execFileSync('sed', ['-f', out], { input: manifest, encoding: 'utf8' });
    expect(rewritten).toBe(
      `        image: registry.example:5000/lab/calculator-lab/e2e@${DIGEST}\n        image: registry.example:5000/lab/calculator-lab/mesh-multiplication@${DIGEST}\n        image: ghcr.io/dapr/daprd:1.18.3\n`,
    );
  });

  it("builds for the nodes' architecture when it is not the engine's, and refuses nodes of several", () => {
    const arm = push('arm64', 'calculator-lab/e2e:0.1.0');
    expect(arm.code, arm.output).toBe(0);
    expect(arm.calls.some((c) => c.startsWith('docker build') && c.includes('--platform linux/arm64'))).toBe(true);
    const mixed = push('amd64 arm64', 'calculator-lab/e2e:0.1.0');
    expect(mixed.code).toBe(1);
    expect(mixed.output).toContain('the nodes have several architectures (amd64 arm64)');
    expect(mixed.calls.filter((c) => c.startsWith('docker push'))).toEqual([]);
  });
});

describe("Linkerd's trust anchor and issuer (make kind-linkerd)", () => {
  const pki = (run: string) => kindStep('pki', { KIND_RUN_DIR: run }, {});
  const x509 = (file: string, ...args: string[]) => execFileSync('openssl', ['x509', '-in', file, '-noout', ...args], { encoding: 'utf8' });
  const verify = (dir: string) => execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca.crt'), join(dir, 'issuer.crt')], { encoding: 'utf8' });

  it('start a day back (a Docker VM whose clock lags), last a year, and chain: an ECDSA P-256 anchor, an issuer with pathlen 0', () => {
    const run = mkdtempSync(join(tmpdir(), 'kind-run-'));
    const { code, output } = pki(run);
    expect(code, output).toBe(0);
    const dir = join(run, 'linkerd-pki');
    expect(verify(dir)).toContain('OK');
    for (const file of ['ca.crt', 'issuer.crt']) {
      const notBefore = Date.parse(x509(join(dir, file), '-startdate').replace('notBefore=', ''));
      const notAfter = Date.parse(x509(join(dir, file), '-enddate').replace('notAfter=', ''));
      expect((Date.now() - notBefore) / 3_600_000, file).toBeGreaterThan(23);
      expect((notAfter - Date.now()) / 86_400_000, file).toBeGreaterThan(360);
    }
    expect(x509(join(dir, 'issuer.crt'), '-text')).toMatch(/NIST CURVE: P-256[\s\S]*CA:TRUE, pathlen:0/);
    expect(x509(join(dir, 'ca.crt'), '-subject')).toContain('root.linkerd.cluster.local');
    // Key identifiers chain them, as the certificates Linkerd's own docs make (step) do.
    const keyId = (file: string, name: string) => new RegExp(`${name}: *\\n *([0-9A-F:]+)`).exec(x509(join(dir, file), '-text'))?.[1];
    expect(keyId('issuer.crt', 'Authority Key Identifier')).toBe(keyId('ca.crt', 'Subject Key Identifier'));
    expect(keyId('ca.crt', 'Subject Key Identifier')).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2})+$/);
  });

  it('are kept on a rerun, and made anew when any of them is missing (not only the issuer key)', () => {
    const run = mkdtempSync(join(tmpdir(), 'kind-run-'));
    pki(run);
    const dir = join(run, 'linkerd-pki');
    const anchor = readFileSync(join(dir, 'ca.crt'), 'utf8');
    pki(run);
    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toBe(anchor);
    rmSync(join(dir, 'ca.crt'));
    const again = pki(run);
    expect(again.code, again.output).toBe(0);
    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).not.toBe(anchor);
    expect(verify(dir)).toContain('OK');
  });
});

describe("make kind-linkerd where proxy-init's nft mode fails (some WSL2 kernels)", () => {
  // helm --wait times out: Linkerd's own control-plane pods are meshed, and their linkerd-init fails.
  const failing = (mode = '') => {
    const base = KIND_PATH_STUBS();
    return kindStep(
      'linkerd',
      { KIND_RUN_DIR: mkdtempSync(join(tmpdir(), 'kind-run-')), LINKERD_IPTABLES_MODE: mode },
      {
        ...base,
        helm: `case "$1 $3" in "upgrade linkerd-control-plane") echo "Error: resource Deployment/linkerd/linkerd-destination not ready. status: InProgress, message: Available: 0/1" >&2; exit 1 ;; esac`,
        kubectl: `case "$1" in get) echo "iptables-nft-save v1.8.9: Could not fetch rule set generation id: Invalid argument" ;; esac`,
      },
    );
  };

  it("prints linkerd-init's own message and the switch to legacy mode", () => {
    const { code, output } = failing();
    expect(code).toBe(1);
    expect(output).toContain("linkerd-init, in Linkerd's own pods, said:\niptables-nft-save v1.8.9: Could not fetch rule set generation id");
    expect(output).toContain('make kind-linkerd LINKERD_IPTABLES_MODE=legacy');
  });

  it('LINKERD_IPTABLES_MODE=legacy reaches the chart', () => {
    const { calls } = failing('legacy');
    expect(calls).toContainEqual(expect.stringMatching(/^helm upgrade --install linkerd-control-plane .* --set proxyInit\.iptablesMode=legacy --wait/));
    const { calls: byDefault } = failing();
    expect(byDefault.some((c) => c.includes('iptablesMode'))).toBe(false);
  });
});

describe('the Debian mirror a debootstrap uses (scripts/debian-mirror.sh)', () => {
  const mirror = (files: Record<string, string>, env: Record<string, string> = {}) => {
    const apt = mkdtempSync(join(tmpdir(), 'apt-'));
    execFileSync('mkdir', ['-p', join(apt, 'sources.list.d')]);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(apt, name), text);
    return spawnSync('bash', ['-c', `source ${ROOT}scripts/debian-mirror.sh && debian_mirror`], { env: { PATH: process.env.PATH, APT_DIR: apt, ...env }, encoding: 'utf8' });
  };

  it("is the first one apt's sources name, deb822 or one-line", () => {
    expect(mirror({ 'sources.list.d/debian.sources': 'Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm\n' }).stdout.trim()).toBe('http://mirror.example/debian');
    expect(mirror({ 'sources.list': 'deb [arch=amd64] http://other.example/debian/ bookworm main\n' }).stdout.trim()).toBe('http://other.example/debian');
  });

  it('where apt names none, stops and names the variable to set (no mirror of our own choosing)', () => {
    const none = mirror({});
    expect(none.status).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain("no Debian mirror in apt's sources");
    expect(none.stderr).toContain('set DEBIAN_MIRROR');
    expect(mirror({}, { DEBIAN_MIRROR: 'http://set.example/debian' }).stdout.trim()).toBe('http://set.example/debian');
  });
});
