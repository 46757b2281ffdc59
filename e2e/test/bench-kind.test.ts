import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/bench-kind.js', import.meta.url));
const dryRun = (...args: string[]) =>
  new Promise<string>((resolve, reject) => execFile(process.execPath, [CLI, '--dry-run', ...args], (e, stdout) => (e ? reject(e) : resolve(stdout))));

describe('make bench-kind DRY_RUN=1: the in-cluster benchmark plan, with no cluster', () => {
  it('runs the bundled generator inside the caller pods for direct, dapr and mesh', async () => {
    const plan = await dryRun();
    expect(plan).toContain('LOADGEN=packages/bench/dist/loadgen.bundle.js');
    expect(plan).toContain(
      `kubectl -n dapr-calculator exec -i pod/intruder -c intruder -- node --input-type=module - "{\\"url\\":\\"http://$(kubectl -n dapr-calculator get pod -l app=multiplication -o jsonpath='{.items[0].status.podIP}'):8080/multiply\\",\\"rate\\":1000`,
    );
    expect(plan).toContain(
      `kubectl -n dapr-calculator exec -i deploy/percentage -c app -- node --input-type=module - '{"url":"http://127.0.0.1:3500/v1.0/invoke/multiplication/method/multiply","rate":200`,
    );
    expect(plan).toContain(
      `kubectl -n rest-calculator exec -i deploy/percentage -c app -- node --input-type=module - '{"url":"http://multiplication.rest-calculator.svc.cluster.local:5003/multiply"`,
    );
    expect(plan).not.toContain('dapr-mesh');
  });

  it('runs dapr-mesh on the combined deployment', async () => {
    expect(await dryRun('--combined')).toContain('# dapr-mesh at 1000 rps, from percentage in dapr-calculator');
  });
});

describe('the bundled generator, as a pod runs it (script on stdin)', () => {
  it('runs with no node_modules around it and reports a result', async () => {
    const { readFileSync } = await import('node:fs');
    const bundle = readFileSync(fileURLToPath(import.meta.resolve('@calc/bench/loadgen-bundle')), 'utf8');
    const out = await new Promise<string>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--input-type=module', '-', JSON.stringify({ url: 'http://127.0.0.1:1/', rate: 50, durationS: 0.2, warmupS: 0, connections: 1 })],
        { cwd: '/' },
        (_e, stdout) => resolve(stdout),
      );
      child.stdin?.end(bundle);
    });
    expect(JSON.parse(out)).toMatchObject({ requests: 10, completed: 10, errors: 10 });
  });
});
