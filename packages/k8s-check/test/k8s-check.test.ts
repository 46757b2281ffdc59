import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PINNED } from '@calc/probe-matrix';
import { hasLinkerdOutput, NO_LINKERD_OUTPUT } from '../src/index.js';

// CI always has ../shared (Linkerd's CRDs): there, its absence fails this file instead of skipping a test.
if (!hasLinkerdOutput() && process.env.CI === 'true') throw new Error(NO_LINKERD_OUTPUT);
if (!hasLinkerdOutput()) console.warn(NO_LINKERD_OUTPUT);

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const OPENAPI = fileURLToPath(new URL(`../../../tools/k8s/kubernetes-openapi-v${PINNED.kubernetes}.json`, import.meta.url));
const KUSTOMIZE = fileURLToPath(new URL('../../../tools/bin/kustomize', import.meta.url));

function check(...args: Array<string | Record<string, string>>): Promise<{ code: number; out: string }> {
  const env = { ...process.env, ...(args.find((a) => typeof a === 'object') as Record<string, string> | undefined) };
  const argv = args.filter((a): a is string => typeof a === 'string');
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...argv], { env }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, out: stdout + stderr }));
  });
}

describe(`make k8s-check (real kustomize, the Kubernetes ${PINNED.kubernetes} OpenAPI document, the real Dapr and Linkerd CRDs)`, () => {
  it(`has its tools (installed by make k8s-tools): kustomize v5.8.2 that runs, and the Kubernetes ${PINNED.kubernetes} OpenAPI document`, () => {
    expect(existsSync(OPENAPI), `${OPENAPI} is missing: run make k8s-tools`).toBe(true);
    // The document says "unversioned"; 1.35 is told by what it defines (resource.k8s.io/v1 is new in 1.34).
    const openapi = JSON.parse(readFileSync(OPENAPI, 'utf8')) as { definitions: Record<string, unknown> };
    expect(Object.keys(openapi.definitions)).toContain('io.k8s.api.apps.v1.Deployment');
    expect(Object.keys(openapi.definitions)).toContain('io.k8s.api.resource.v1.ResourceClaim');
    expect(execFileSync(KUSTOMIZE, ['version'], { encoding: 'utf8' })).toContain('v5.8.2');
  });

  it('renders every overlay and finds every object valid', async () => {
    const { code, out } = await check();
    expect(out).toContain('all valid');
    expect(code, out).toBe(0);
    for (const overlay of [
      'k8s-base',
      'k8s-dapr',
      'k8s-dapr/overlays/networkpolicy',
      'k8s-dapr/overlays/with-linkerd',
      'k8s-linkerd',
      'k8s-linkerd/overlays/server-authorization',
      'k8s-linkerd/overlays/no-policy',
      'k8s-e2e',
      'k8s-bench/kind',
      'k8s-bench/airgap',
      'k8s-bench/combined',
    ]) {
      expect(out).toMatch(new RegExp(`✓ ${overlay}: \\d+ objects valid`));
    }
  });

  it.runIf(hasLinkerdOutput())("checks Dapr's and Linkerd's kinds against their own CRDs, read where they are", async () => {
    const { out } = await check('k8s-dapr/overlays/with-linkerd');
    expect(out).toContain(`all valid (Kubernetes ${PINNED.kubernetes}; CRDs: Dapr ${PINNED.dapr}, Linkerd ${PINNED.linkerd})`);
    expect(out).not.toContain('NOT');
  });

  it("says loudly which kinds it could not check when a project's CRDs are missing, and checks the rest", async () => {
    const { code, out } = await check('k8s-dapr/overlays/with-linkerd', { LINKERD_OUTPUT_DIR: '/nonexistent' });
    expect(out).toContain("!!! Linkerd edge-26.8.3's CRDs are not at /nonexistent/crds.yaml");
    expect(out).toContain('its kinds (*.linkerd.io) are NOT checked');
    expect(out).toContain('CRDs: Dapr 1.18.3, Linkerd edge-26.8.3 NOT CHECKED');
    // Dapr's kinds still are: a broken Configuration is still caught.
    expect(code, out).toBe(0);
    const broken = await check('--file', fixture('broken-dapr-configuration.yaml'), { LINKERD_OUTPUT_DIR: '/nonexistent' });
    expect(broken.code).toBe(1);
  });

  it('rejects a Deployment with a misspelt field and a mistyped port', async () => {
    const { code, out } = await check('--file', fixture('broken-deployment.yaml'));
    expect(code).toBe(1);
    expect(out).toContain('Deployment/multiplication /spec: must NOT have additional properties (replicass)');
    expect(out).toContain('/spec/template/spec/containers/0/ports/0/containerPort: must be integer');
  });

  it('rejects a Dapr Configuration that the real CRD would not accept', async () => {
    const { code, out } = await check('--file', fixture('broken-dapr-configuration.yaml'));
    expect(code).toBe(1);
    expect(out).toContain('Configuration/multiplication /spec/accessControl/policies/0: must NOT have additional properties (appID)');
  });

  it('rejects Linkerd policy objects that the real CRDs would not accept', async () => {
    const { code, out } = await check('--file', fixture('broken-linkerd-policy.yaml'));
    expect(code).toBe(1);
    expect(out).toContain('Server/multiplication-http /spec/port: must be string');
    expect(out).toContain("AuthorizationPolicy/multiplication-callers /spec: must have required property 'targetRef'");
  });

  it("flags a workload that breaks the project's conventions", async () => {
    const { code, out } = await check('--file', fixture('unpinned-pod.yaml'));
    expect(code).toBe(1);
    expect(out).toContain('image must be pinned to a tag, not latest: busybox:latest');
    expect(out).toContain('must run as non-root');
    expect(out).toContain('readOnlyRootFilesystem must be true');
  });

  it('reports an overlay kustomize cannot build', async () => {
    const { code, out } = await check('packages/k8s-check/test/fixtures');
    expect(code).toBe(1);
    expect(out).toContain('kustomize build');
  });
});
