// make kind-lab as a workshop participant runs it: a PATH holding docker (the real CLI, on this
// machine's engine), make, git and openssl, stand-ins for kind, kubectl and helm (kind cannot run
// here), the shell's basic tools — and no Node, npm or Go. It runs every step up to the point where
// a real cluster answers: the preflight, the images saved and handed to `kind load`, the charts and
// CRDs asked for, the overlays rendered by kubectl's kustomize, the e2e Job applied and its findings
// cut out of its log.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { KUBECTL_KUSTOMIZE, kustomizeOf, parseObjects, standInPath, kindNodeImage } from '@calc/k8s-check';
import { useEngine } from '../src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const engine = useEngine();
if (!engine.available) console.warn(`\n!!! container tests NOT RUN: ${engine.reason}\n`);

// What bash, make and the scripts call besides the lab's prerequisites (all of them on macOS and WSL2's Ubuntu).
const BASICS =
  'bash sh env cat mkdir rm mv cp ln touch chmod sed grep awk tr cut head tail sort uniq wc tee date sleep seq id uname df du dirname basename mktemp find xargs sha256sum printf test tar'.split(
    ' ',
  );
const KUBECTL_MINOR = '1.35';

/** The stand-ins: each records its arguments in $LOG and answers as the real tool does for this path. */
function standIns(state: string): Record<string, string> {
  return {
    kind: `case "$1 $2" in
  "version "*) echo "kind v0.31.0 go1.25.5 linux/amd64" ;;
  "get clusters") [ -f "${state}/cluster" ] && echo calculator-lab ;;
  "create cluster") touch "${state}/cluster" ;;
  "load image-archive") tar -xOf "$5" manifest.json > "${state}/loaded-$(basename "$5").json" ;;
esac`,
    // kubectl: apply -k renders with the kustomize inside kubectl ${KUBECTL_MINOR}; the e2e Job "succeeds" with the log given.
    kubectl: `case "$1" in
  version) echo "Client Version: v1.35.0"; echo "Kustomize Version: v5.7.1" ;;
  apply) if [ "$2" = -k ]; then "${kustomizeOf(KUBECTL_KUSTOMIZE[KUBECTL_MINOR]!)}" build "$3" > "${state}/applied-$(echo "$3" | tr / _).yaml"; fi ;;
  get) case "$*" in *exitCode*) echo 0 ;; *phase*) echo Succeeded ;; esac ;;
  logs) cat "${state}/e2e.log" ;;
esac`,
    helm: `case "$1" in version) echo v3.19.0 ;; esac`,
  };
}

const participantPath = (state: string) => standInPath([...BASICS, 'docker', 'make', 'git', 'openssl'], standIns(state));

/** A findings pair as the e2e Job's log carries it (e2e/src/findings-frame.ts's format), after its progress lines. */
const FINDINGS_MD = '# Findings\n\n----- not a frame line -----\n| ✅ | dapr | addition | pod IP : app port | multiplication | 200 | 200 |\n';
const FINDINGS_JSON = '{\n  "platform": "kind",\n  "pass": true\n}\n';
const JOB_LOG = `==> waiting for 11 deployments
----- BEGIN findings.md -----
${FINDINGS_MD.trimEnd()}
----- END findings.md -----
----- BEGIN findings.json -----
${FINDINGS_JSON.trimEnd()}
----- END findings.json -----

==> every cell as expected; findings in results/kind/findings.md
`;

describe.skipIf(!engine.available)('make kind-lab with only Docker, kind, kubectl, helm, make, git and openssl on the PATH', () => {
  const state = mkdtempSync(join(tmpdir(), 'kind-lab-'));
  const results = join(ROOT, 'results', 'kind');
  let run: { status: number | null; stdout: string; stderr: string };
  let calls: string[];
  let bin: string;

  beforeAll(() => {
    bin = participantPath(state);
    const inotify = join(state, 'inotify');
    mkdirSync(inotify);
    // This machine's own limits are below kind's; the preflight's inotify check has its own test.
    writeFileSync(join(inotify, 'max_user_watches'), '524288');
    writeFileSync(join(inotify, 'max_user_instances'), '512');
    writeFileSync(join(state, 'e2e.log'), JOB_LOG);
    rmSync(results, { recursive: true, force: true });
    // TOOLCHAIN points away from tools/node, which a participant's fresh clone does not have.
    // DOCKER_CGROUP_VERSION: this machine mounts cgroup v1, most laptops' Docker v2; the v1 path has its own test (scripts.test.ts).
    const env = { PATH: bin, HOME: state, LOG: join(state, 'calls.log'), DOCKER_HOST: process.env.DOCKER_HOST ?? '', INOTIFY_DIR: inotify, DOCKER_CGROUP_VERSION: '2' };
    run = spawnSync(join(bin, 'make'), ['--no-print-directory', '-C', ROOT, 'kind-lab', 'TOOLCHAIN=.absent'], { env, encoding: 'utf8', timeout: 900_000 });
    calls = readFileSync(join(state, 'calls.log'), 'utf8').trim().split('\n');
  }, 900_000);

  it('runs to the end without Node, npm or Go', () => {
    expect(run.status, run.stdout + run.stderr).toBe(0);
    for (const tool of ['node', 'npm', 'go', 'pnpm']) expect(spawnSync('sh', ['-c', `PATH=${bin} command -v ${tool}`]).status, tool).not.toBe(0);
    expect(run.stderr).not.toMatch(/command not found/);
  });

  it('starts with the preflight, which finds every tool, before anything is created', () => {
    expect(run.stdout).toMatch(/^kind lab preflight: docker .*kind v0\.31\.0, kubectl v1\.35\.0, helm v3\.19\.0, openssl, git/m);
    expect(run.stdout.indexOf('==> ready')).toBeLessThan(run.stdout.indexOf('==> creating kind cluster'));
  });

  it('creates the cluster from the pinned node image, loads one archive with all thirteen project images', () => {
    expect(calls).toContain(`kind create cluster --name calculator-lab --image ${kindNodeImage()} --wait 180s`);
    const loaded = JSON.parse(readFileSync(join(state, 'loaded-images.tar.json'), 'utf8')) as { RepoTags: string[] }[];
    const tags = loaded.flatMap((image) => image.RepoTags).map((tag) => tag.replace(/^docker\.io\//, ''));
    expect(tags).toHaveLength(13);
    expect(tags).toContain('calculator-lab/e2e:0.1.0');
    // Every project image a deployable overlay names is in it, under the name the kubelet looks for.
    const applied = ['k8s-dapr', 'k8s-linkerd', 'k8s-e2e'].flatMap((overlay) => parseObjects(readFileSync(join(state, `applied-${overlay}.yaml`), 'utf8')));
    const named = applied
      .flatMap((object) => [...(object.spec?.template?.spec?.containers ?? []), ...(object.spec?.containers ?? [])])
      .map((container: { image: string }) => container.image)
      .filter((image: string) => image.startsWith('calculator-lab/'));
    expect(new Set(named).size).toBe(13);
    for (const image of named) expect(tags, image).toContain(image);
    // No public image was made a file of without make kind-prefetch: the node pulls them.
    expect(existsSync(join(state, 'loaded-public-images.tar.json'))).toBe(false);
  });

  it('installs Dapr and Linkerd from their repositories, with a Linkerd trust anchor made by openssl', () => {
    expect(calls).toContainEqual(
      expect.stringMatching(
        /^helm upgrade --install dapr dapr --repo https:\/\/dapr\.github\.io\/helm-charts --version 1\.18\.3 .*--values k8s-dapr\/dapr-values\.yaml --set global\.mtls\.enabled=true/,
      ),
    );
    expect(calls).toContain('kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml');
    expect(calls).toContainEqual(
      expect.stringMatching(/^helm upgrade --install linkerd-control-plane linkerd-control-plane --repo https:\/\/helm\.linkerd\.io\/edge --version 2026\.8\.3 /),
    );
    const pki = join(ROOT, '.run', 'kind', 'linkerd-pki');
    expect(execFileSync('openssl', ['verify', '-CAfile', join(pki, 'ca.crt'), join(pki, 'issuer.crt')], { encoding: 'utf8' })).toContain('OK');
    expect(execFileSync('openssl', ['x509', '-in', join(pki, 'issuer.crt'), '-noout', '-text'], { encoding: 'utf8' })).toMatch(/NIST CURVE: P-256[\s\S]*CA:TRUE, pathlen:0/);
  });

  it("applies the overlays with kubectl's kustomize, then the e2e Job, and copies the findings out of its log", () => {
    const applies = calls.filter((c) => c.startsWith('kubectl apply -k'));
    expect(applies).toEqual(['kubectl apply -k k8s-dapr', 'kubectl apply -k k8s-linkerd', 'kubectl apply -k k8s-e2e']);
    expect(calls).toContain('kubectl logs --follow --namespace calculator-lab-e2e job/e2e');
    expect(readFileSync(join(results, 'findings.md'), 'utf8')).toBe(FINDINGS_MD);
    expect(readFileSync(join(results, 'findings.json'), 'utf8')).toBe(FINDINGS_JSON);
    // The terminal shows the Job's progress, not the framed files.
    expect(run.stdout).toContain('==> every cell as expected');
    expect(run.stdout).not.toContain('----- BEGIN');
  });

  it('then make kind-combined: Dapr reinstalled with mTLS off, dapr-calculator meshed, and the e2e run for the dapr-mesh rows into results/kind-combined', () => {
    const env = { PATH: bin, HOME: state, LOG: join(state, 'calls.log'), DOCKER_HOST: process.env.DOCKER_HOST ?? '' };
    const combined = spawnSync(join(bin, 'make'), ['--no-print-directory', '-C', ROOT, 'kind-combined', 'TOOLCHAIN=.absent'], { env, encoding: 'utf8', timeout: 300_000 });
    expect(combined.status, combined.stdout + combined.stderr).toBe(0);
    const after = readFileSync(join(state, 'calls.log'), 'utf8').trim().split('\n').slice(calls.length);
    expect(after).toContainEqual(expect.stringMatching(/^helm upgrade --install dapr .*--set global\.mtls\.enabled=false/));
    expect(after.filter((c) => c.startsWith('kubectl apply -k'))).toEqual(['kubectl apply -k k8s-dapr/overlays/with-linkerd', 'kubectl apply -k k8s-e2e/combined']);
    const job = parseObjects(readFileSync(join(state, 'applied-k8s-e2e_combined.yaml'), 'utf8')).find((o) => o.kind === 'Job')!;
    expect(job.spec.template.spec.containers[0].command).toEqual([
      'node',
      'main.js',
      '--results',
      '/work/results',
      '--print-findings',
      '--variant',
      'dapr-mesh',
      '--variant',
      'mesh',
    ]);
    expect(readFileSync(join(ROOT, 'results', 'kind-combined', 'findings.md'), 'utf8')).toBe(FINDINGS_MD);
  });

  it('then make kind-restore: Dapr with mTLS on again, dapr-calculator deleted and made anew from k8s-dapr alone', () => {
    const before = readFileSync(join(state, 'calls.log'), 'utf8').trim().split('\n').length;
    const env = { PATH: bin, HOME: state, LOG: join(state, 'calls.log'), DOCKER_HOST: process.env.DOCKER_HOST ?? '' };
    const restore = spawnSync(join(bin, 'make'), ['--no-print-directory', '-C', ROOT, 'kind-restore', 'TOOLCHAIN=.absent'], { env, encoding: 'utf8', timeout: 300_000 });
    expect(restore.status, restore.stdout + restore.stderr).toBe(0);
    const after = readFileSync(join(state, 'calls.log'), 'utf8').trim().split('\n').slice(before);
    expect(after).toContainEqual(expect.stringMatching(/^helm upgrade --install dapr .*--set global\.mtls\.enabled=true/));
    expect(after).toContain('kubectl delete namespace dapr-calculator --ignore-not-found --wait');
    expect(after.filter((c) => c.startsWith('kubectl apply -k'))).toEqual(['kubectl apply -k k8s-dapr']);
    // What is applied is the main run's: no Linkerd injection asked for, no Server in dapr-calculator.
    const applied = parseObjects(readFileSync(join(state, 'applied-k8s-dapr.yaml'), 'utf8'));
    expect(applied.filter((o) => o.metadata?.namespace === 'dapr-calculator' && o.kind === 'Server')).toEqual([]);
    expect(JSON.stringify(applied)).not.toContain('linkerd.io/inject');
  });
});
