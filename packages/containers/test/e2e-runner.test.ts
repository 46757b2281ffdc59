// The kind lab's e2e runner as the cluster runs it (k8s-e2e/job/job.yaml): its image, its command, as
// uid 1000 on a read-only root with an emptyDir-like /work. Without a cluster it can show its plan
// and must fail fast and clearly when no API server answers.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseObjects } from '@calc/k8s-check';
import { MANAGED, removeLeftovers, useEngine } from '../src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const engine = useEngine();
if (!engine.available) console.warn(`\n!!! container tests NOT RUN: ${engine.reason}\n`);

const job = parseObjects(readFileSync(`${ROOT}k8s-e2e/job/job.yaml`, 'utf8')).find((o) => o.kind === 'Job')!;
const container = job.spec.template.spec.containers[0] as { image: string; command: string[] };
const securityContext = job.spec.template.spec.securityContext as { runAsUser: number; runAsGroup: number };

/** One run of the runner's image as the Job's pod runs it (plus `extra` arguments and environment). */
function runJob(extra: string[], env: Record<string, string> = {}, timeoutMs = 60_000) {
  const label = Object.entries(MANAGED).map(([k, v]) => `${k}=${v}`)[0]!;
  // No --rm: podman 4.3's Docker API then reports exit code 0 whatever the process returned.
  const name = `calculator-lab-e2e-runner-${process.pid}-${Date.now()}`;
  const args = ['run', '--name', name, '--label', label, '--read-only', '--tmpfs', '/work', '--user', `${securityContext.runAsUser}:${securityContext.runAsGroup}`];
  for (const [name, value] of Object.entries(env)) args.push('-e', `${name}=${value}`);
  const started = Date.now();
  const run = spawnSync('docker', [...args, container.image, ...container.command, ...extra], { encoding: 'utf8', timeout: timeoutMs });
  const seconds = (Date.now() - started) / 1000;
  spawnSync('docker', ['rm', '-f', name]);
  return { ...run, seconds };
}

describe.skipIf(!engine.available)("the e2e runner's image, run as its Job runs it", () => {
  beforeAll(() => removeLeftovers());

  it("prints the same plan as the host's build: the image carries the matrix and the probe", () => {
    const inImage = runJob(['--dry-run']);
    expect(inImage.status, inImage.stderr).toBe(0);
    const onHost = execFileSync(process.execPath, [`${ROOT}e2e/dist/cli.js`, '--dry-run'], { encoding: 'utf8' });
    expect(inImage.stdout).toBe(onHost);
    expect(inImage.stdout).toMatch(/^# \[/m);
  });

  it('with the pod environment but no API server answering, stops at once with exit 3 and the reason', () => {
    const run = runJob([], { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: '1' });
    expect(run.status, run.stdout + run.stderr).toBe(3);
    expect(run.stderr).toMatch(/^calc-e2e: error: the API server could not be asked for deployment dapr-calculator\/\w+: /m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    // It does not wait out the 180 s a rollout may take: an unanswered API server is not worth waiting for.
    expect(run.seconds).toBeLessThan(90);
  });
});
