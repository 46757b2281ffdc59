import { createServer } from 'node:http';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { entryOf, launch, LaunchError, startMeshSet } from '../src/index.js';
import { freePort, postJson } from './helpers.js';

describe('start-up errors end the process with a clear message', () => {
  it('a missing URL variable names the variable (exit 2, no stack trace)', async () => {
    const run = spawnSync(process.execPath, [entryOf('percentage', 'agnostic')], { env: { PATH: process.env.PATH, PORT: '0' }, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('error: MULTIPLICATION_URL is not set: the base URL of multiplication, e.g. http://multiplication:80\n');
  });

  it('a bad setting names the setting', async () => {
    const env = { PATH: process.env.PATH, PORT: '0', MULTIPLICATION_URL: 'http://m', DIVISION_URL: 'http://d', PERCENTAGE_FAULT_RATE: 'often' };
    const run = spawnSync(process.execPath, [entryOf('percentage', 'agnostic')], { env, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('PERCENTAGE_FAULT_RATE="often" is not a number between 0 and 1');
  });

  it('a bad LOG_LEVEL names it, in one line (it used to crash with a stack trace)', () => {
    const run = spawnSync(process.execPath, [entryOf('addition', 'agnostic')], { env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'loud' }, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('error: LOG_LEVEL="loud" is not one of fatal, error, warn, info, debug, trace, silent\n');
  });

  it("the Dapr-aware edge's settings are read with the service's: a bad DAPR_HTTP_PORT is one line, before anything listens", () => {
    const run = spawnSync(process.execPath, [entryOf('addition', 'dapr')], { env: { PATH: process.env.PATH, PORT: '0', DAPR_HTTP_PORT: 'daprd' }, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('error: DAPR_HTTP_PORT="daprd" is not a number between 1 and 65535\n');
  });

  it('a port already taken is reported as such (exit 1)', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const error = await launch({
        name: 'addition',
        command: [entryOf('addition', 'agnostic')],
        env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) },
        waitForListening: true,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LaunchError);
      expect((error as Error).message).toBe(`addition exited (1) before listening: error: port ${port} on 127.0.0.1 is already in use (set PORT to another)`);
    } finally {
      blocker.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM, finishes the request in flight, then exits 0', async () => {
    // A slow stand-in for multiplication, so a percentage request is in flight when SIGTERM lands;
    // it says when the request has reached it, so SIGTERM is sent on that event, not after a guessed delay.
    let reached: () => void = () => {};
    const arrived = new Promise<void>((resolve) => (reached = resolve));
    const slow = createServer((_req, res) => {
      reached();
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"result": 2000}'), 400);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const set = await startMeshSet({ env: { PERCENTAGE_FAULT_RATE: '0' } });
    const percentage = await launch({
      name: 'percentage',
      command: [entryOf('percentage', 'agnostic')],
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        PERCENTAGE_FAULT_RATE: '0',
        MULTIPLICATION_URL: `http://127.0.0.1:${(slow.address() as { port: number }).port}`,
        DIVISION_URL: set.urlOf('division'),
      },
      waitForListening: true,
    });
    try {
      const inFlight = postJson(`http://127.0.0.1:${percentage.port}/percentage`, '{"op1": 40, "op2": 50}');
      await arrived;
      const exit = percentage.stop();
      const res = await inFlight;
      expect([res.status, res.json]).toEqual([200, { result: 20 }]);
      expect(await exit).toBe(0);
      await expect(fetch(`http://127.0.0.1:${percentage.port}/healthz`)).rejects.toThrow();
    } finally {
      slow.close();
      await set.stop();
    }
  });
});

describe('make demo', () => {
  it('runs the set on the given ports, shows MathFanBoy calls, and stops by itself with --duration', async () => {
    const ports = await Promise.all(['ADDITION', 'DIVISION', 'MULTIPLICATION', 'SUBTRACTION', 'PERCENTAGE'].map(async (s) => [`${s}_PORT`, String(await freePort())]));
    const demo = fileURLToPath(new URL('../dist/demo.js', import.meta.url));
    const run = spawnSync(process.execPath, [demo, '--duration', '3'], {
      env: { ...process.env, ...Object.fromEntries(ports), MATHFANBOY_INTERVAL_MS: '50' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^==> starting the mesh-agnostic set on 127\.0\.0\.1: addition :\d+/);
    expect(run.stdout).toMatch(/^(addition|subtraction|multiplication|division|percentage)\(\d+, \d+\) = /m);
    expect(run.stdout).toMatch(/^summary: \d+ calls/m);
    expect(run.stdout).toContain('==> 3 s elapsed: stopping');
    expect(run.stdout).toContain('==> stopped; service logs in');
  });

  it('rejects a bad option with usage and exit 2', () => {
    const demo = fileURLToPath(new URL('../dist/demo.js', import.meta.url));
    const run = spawnSync(process.execPath, [demo, '--duration', 'soon'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--duration must be a number of seconds');
  });
});

/** `make demo` as a user runs it, on free ports; resolves once its services run, with their pids. */
async function startDemo(env: NodeJS.ProcessEnv = {}) {
  const ports = Object.fromEntries(
    await Promise.all(['ADDITION', 'DIVISION', 'MULTIPLICATION', 'SUBTRACTION', 'PERCENTAGE'].map(async (s) => [`${s}_PORT`, String(await freePort())])),
  );
  const demo = fileURLToPath(new URL('../dist/demo.js', import.meta.url));
  const child = spawn(process.execPath, [demo], { env: { ...process.env, ...ports, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
  await until(
    () => /==> running: .*\n/.test(stdout),
    15_000,
    () => stdout,
  );
  const pids = Object.fromEntries([...stdout.matchAll(/(\w+) pid (\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
  return { child, ports, pids, output: () => stdout, demo };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(condition: () => boolean, timeoutMs: number, show: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out; output so far:\n${show()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('make demo: its services never outlive it', () => {
  it.each(['SIGKILL', 'SIGHUP'] as const)('the launcher killed by %s takes its five services with it, and the next demo gets the ports', async (signal) => {
    const { child, ports, pids, demo } = await startDemo();
    expect(Object.keys(pids).sort()).toEqual(['addition', 'division', 'multiplication', 'percentage', 'subtraction']);
    child.kill(signal);
    await until(
      () => Object.values(pids).every((pid) => !alive(pid)),
      5000,
      () =>
        `still running: ${Object.entries(pids)
          .filter(([, p]) => alive(p))
          .map(([s]) => s)}`,
    );
    const next = spawnSync(process.execPath, [demo, '--duration', '1'], { env: { ...process.env, ...ports }, encoding: 'utf8', timeout: 30_000 });
    expect(next.status, next.stderr).toBe(0);
  });
});

describe('make demo: a service that dies is restarted, as a kubelet would', () => {
  it('kill multiplication: percentage answers 502 while it is down, then computes again', async () => {
    const { child, pids, output } = await startDemo({ MATHFANBOY_INTERVAL_MS: '20', PERCENTAGE_FAULT_RATE: '0' });
    try {
      process.kill(pids.multiplication!, 'SIGKILL');
      await until(() => output().includes('==> multiplication is back'), 10_000, output);
      const after = output().slice(output().indexOf('==> multiplication is back'));
      await until(() => /^percentage\(\d+, \d+\) = /m.test(output().slice(output().indexOf('==> multiplication is back'))), 10_000, output);
      const text = output();
      expect(text).toContain(`==> multiplication (pid ${pids.multiplication}) exited unexpectedly (SIGKILL); restarting it in 1 s`);
      const down = text.slice(text.indexOf('exited unexpectedly'), text.indexOf('==> multiplication is back'));
      expect(down).toMatch(/^percentage\(\d+, \d+\) -> 502 DOWNSTREAM_UNAVAILABLE: multiplication could not be reached/m);
      expect(after).toMatch(/==> multiplication is back \(pid \d+\)/);
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('close', resolve));
    }
  });
});
