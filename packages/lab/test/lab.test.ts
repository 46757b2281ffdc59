import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLAIMS, PROBES } from '@calc/probe-matrix';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const FINDINGS = fileURLToPath(new URL('../../../results/lab/findings.json', import.meta.url));

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Processes left by a lab: anything naming the lab's work dir, or an app running in another network namespace. */
function labProcesses(): string[] {
  const ownNet = readlinkSync('/proc/self/ns/net');
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const elsewhere = readlinkSync(`/proc/${pid}/ns/net`) !== ownNet;
      if (cmdline.includes('.run/lab') || (elsewhere && /dist\/(dapr|mesh)\.js|daprd|sentry|haproxy/.test(cmdline))) found.push(`${pid} ${cmdline}`);
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

const labNamespaces = () =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.startsWith('calclab-'));

describe('make lab: the three variants for real, the probe matrix, findings', () => {
  let run: Awaited<ReturnType<typeof cli>>;
  let findings: any;
  beforeAll(async () => {
    // An earlier run's findings must not stand in for this one's: gone before, and a run that wrote
    // none fails every test below with its own error.
    rmSync(dirname(FINDINGS), { recursive: true, force: true });
    run = await cli('run');
    if (existsSync(FINDINGS)) findings = JSON.parse(readFileSync(FINDINGS, 'utf8'));
    else {
      // Every test that reads the findings fails with the run's own error.
      const error = new Error(`make lab wrote no findings (exit ${run.code}):\n${run.stderr || run.stdout.slice(-3000)}`);
      findings = new Proxy(
        {},
        {
          get: () => {
            throw error;
          },
        },
      );
    }
  });

  it('exits 0 with every cell as expected', () => {
    expect(run.stderr).toBe('');
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('==> every cell as expected');
  });

  // The raw observation against the matrix itself, not against text the lab's own judge wrote.
  it.each(PROBES.map((p) => [p.id, p] as const))('%s: observed as the matrix expects', (id, probe) => {
    const verdict = findings.verdicts.find((v: { id: string }) => v.id === id);
    expect(verdict, `${id} missing from findings.json`).toBeDefined();
    const { observed } = verdict;
    const expected = probe.expected;
    if ('outcome' in expected) expect(observed.outcome, JSON.stringify(observed)).toBe(expected.outcome);
    else if ('answer' in expected) expect([observed.outcome, observed.answer], JSON.stringify(observed)).toEqual(['answered', expected.answer]);
    else {
      expect(observed.status, JSON.stringify(observed)).toBe(expected.status);
      if (expected.code) expect(observed.code).toBe(expected.code);
      if (expected.emptyBody) expect([observed.bodyBytes, observed.proxyError]).toEqual([0, undefined]);
    }
    expect(verdict.pass).toBe(true);
  });

  it('holds every claim of the article, and the lab additions', () => {
    expect(findings.claims.map((c: { claim: string }) => c.claim).sort()).toEqual(Object.keys(CLAIMS).sort());
    expect(findings.claims.filter((c: { pass: boolean }) => !c.pass)).toEqual([]);
  });

  it('the Dapr set works through real daprd: percentage calls multiplication and division by app ID', () => {
    const dapr = findings.data.compositions.find((c: { variant: string }) => c.variant === 'dapr');
    expect(dapr).toMatchObject({ pass: true });
    expect(dapr.statuses).toContain(200);
    expect(dapr.statuses).toContain(502);
  });

  it('MathFanBoy made real calls in every variant and every result it printed is right', () => {
    expect(findings.data.fanboys.map((f: { variant: string }) => f.variant).sort()).toEqual(['dapr', 'dapr-mesh', 'mesh']);
    for (const fanboy of findings.data.fanboys) {
      expect(fanboy.calls).toBeGreaterThanOrEqual(20);
      expect(fanboy.faults).toEqual([]);
    }
  });

  it("writes the findings table in Markdown, and the README's excerpt is in it, row for row", () => {
    const markdown = readFileSync(FINDINGS.replace('.json', '.md'), 'utf8');
    const excerpt = readFileSync(join(REPO, 'README.md'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('| ✅ |'));
    expect(excerpt.length).toBeGreaterThan(10);
    for (const row of excerpt) expect(markdown, row).toContain(row);
    expect(markdown).toContain('| ✅ | dapr | intruder | pod IP : app port | multiplication | 200 | 200 | dapr-bypass |');
    expect(markdown).toContain('| ✅ | mesh | intruder | pod IP : app port | multiplication | 403 empty | 403 empty | mesh-denies-unmeshed |');
  });

  it("the stand-in denies as Linkerd's source says Linkerd does (linkerd.ts: 403, empty body, no l5d-proxy-error), and counts it in its own statistics", () => {
    const denied = PROBES.filter((p) => p.variant === 'mesh' && 'status' in p.expected && p.expected.status === 403);
    expect(
      denied
        .filter((p) => p.target === 'multiplication')
        .map((p) => p.id)
        .sort(),
    ).toEqual(['mesh-addition-pod-ip', 'mesh-addition-service', 'mesh-intruder-pod-ip', 'mesh-intruder-service']);
    for (const probe of denied) {
      const { observed } = findings.verdicts.find((v: { id: string }) => v.id === probe.id);
      expect(observed, probe.id).toMatchObject({ status: 403, bodyBytes: 0 });
      expect(observed.proxyError, probe.id).toBeUndefined();
    }
    // The proxy's own count matches the matrix's denials of multiplication: with Dapr in the pods too, a Dapr call
    // on daprd's gRPC port is one of them, denied by the same proxy.
    expect(findings.data.denials).toContainEqual(expect.objectContaining({ variant: 'mesh', pass: true, counted: 4, expected: 4 }));
    expect(findings.data.denials).toContainEqual(expect.objectContaining({ variant: 'dapr-mesh', pass: true, counted: 3, expected: 3 }));
  });

  it("reads every sidecar's own counters: percentage's deliberate 502s and the policy's denials, in both variants", () => {
    const section = findings.sections.find((s: { title: string }) => s.title.startsWith('What the sidecars saw'));
    expect(section.items.filter((i: { pass: boolean }) => !i.pass)).toEqual([]);
    const of = (variant: string, service: string) => findings.data.sidecars.find((s: { variant: string; service: string }) => s.variant === variant && s.service === service);
    for (const variant of ['dapr', 'mesh', 'dapr-mesh']) {
      const fanboy = findings.data.fanboys.find((f: { variant: string }) => f.variant === variant);
      // MathFanBoy's errors from percentage, plus the composition check's deliberate 502s: at least as many.
      expect(of(variant, 'percentage').failures, variant).toBeGreaterThanOrEqual(fanboy.byService.percentage.errors);
      expect(of(variant, 'percentage').failures, variant).toBeGreaterThan(0);
    }
    // daprd counts only the denial on its own route (addition through its daprd); the proxy counts all four.
    expect(of('dapr', 'multiplication')).toMatchObject({ sidecar: 'daprd', denials: 1 });
    expect(of('mesh', 'multiplication')).toMatchObject({ sidecar: 'HAProxy (stand-in)', denials: 4 });
    // Under the mesh, multiplication's daprd sees no denial: its proxy denied them all first.
    expect(of('dapr-mesh', 'multiplication')).toMatchObject({ sidecar: 'daprd', denials: 0 });
  });

  it("layer 4: percentage counted its calls in Redis, and Redis's proxy closed the connections it did not authorize", () => {
    const byVariant = Object.fromEntries(findings.data.layer4.map((r: { variant: string }) => [r.variant, r]));
    for (const variant of ['dapr', 'mesh', 'dapr-mesh']) {
      const fanboy = findings.data.fanboys.find((f: { variant: string }) => f.variant === variant);
      expect(byVariant[variant].counted, variant).toBeGreaterThanOrEqual(fanboy.byService.percentage.calls);
      expect(byVariant[variant].counted, variant).toBeGreaterThan(0);
    }
    expect(byVariant.mesh.denied).toEqual({ counted: 2, expected: 2 });
    expect(byVariant['dapr-mesh'].denied).toEqual({ counted: 1, expected: 1 });
    expect(byVariant.dapr.denied).toBeUndefined();
  });

  it("dapr/dapr#1852: the mesh sees Dapr's gRPC requests with Dapr's mTLS off, only connections with it on", () => {
    const off = findings.data.meshView.find((v: { daprMtls: boolean }) => !v.daprMtls);
    const on = findings.data.meshView.find((v: { daprMtls: boolean }) => v.daprMtls);
    expect(off.requests).toBeGreaterThan(0);
    // addition's call through its daprd, denied by the mesh on daprd's port.
    expect(off.denied).toBe(1);
    expect(on).toMatchObject({ requests: 0, denied: 0 });
    expect(on.connections).toBeGreaterThan(0);
    // The same port setting on both (no protocol hint): what the proxy found there, both ways.
    expect(off.connections).toBe(0);
  });

  it('shows what the injection did: interception rules in every meshed pod, none in Dapr pods or intruders', () => {
    const { injection } = findings.data;
    expect(injection.problems).toEqual([]);
    const of = (pod: string) => injection.pods.find((p: { pod: string }) => p.pod === pod);
    expect(of('mesh/multiplication').interception.inbound.length).toBeGreaterThan(0);
    expect(of('dapr-mesh/multiplication').interception.outbound.length).toBeGreaterThan(0);
    expect(of('dapr-mesh/multiplication').sidecars.sort()).toEqual(['daprd', 'proxy']);
    expect(of('dapr/multiplication')).toMatchObject({ interception: { inbound: [], outbound: [] }, sidecars: ['daprd'] });
    expect(of('mesh/intruder')).toMatchObject({ interception: { inbound: [], outbound: [] }, sidecars: [] });
  });

  it("draws report.html from the findings: every probe an arrow in its claim's figure, an entry in its variant's matrix, a row of evidence", () => {
    const html = readFileSync(FINDINGS.replace('findings.json', 'report.html'), 'utf8');
    for (const p of PROBES) {
      expect(html, p.id).toMatch(new RegExp(`<g class="probe (through|around) (allowed|denied) as-expected" data-probe="${p.id}">`));
      expect(html, p.id).toContain(`<li class="as-expected" data-probe="${p.id}"><a href="#probe-${p.id}">`);
      expect(html, p.id).toContain(`<tr id="probe-${p.id}" class="" data-probe="${p.id}">`);
    }
    // The evidence carries what the target's own sidecar counted over the run, read from it.
    const multiplication = html.slice(html.indexOf('<tr id="probe-dapr-addition-sidecar"'), html.indexOf('</tr>', html.indexOf('<tr id="probe-dapr-addition-sidecar"')));
    expect(multiplication).toMatch(/daprd: \d+ requests, [1-9]\d* denied, 0 5xx/);
  });

  it('runs apps, daprd and sentry unprivileged (not root, not the proxy uid, no capabilities), and every key file 0600', () => {
    const { hygiene } = findings.data;
    expect(hygiene.problems).toEqual([]);
    const names = new Set(hygiene.processes.map((p: { name: string }) => p.name));
    expect([...names].sort()).toEqual(['app', 'daprd', 'proxy', 'redis', 'sentry']);
    for (const p of hygiene.processes.filter((p: { name: string }) => p.name !== 'proxy')) {
      expect(p.uid, `${p.name} in ${p.pod}`).not.toBe(0);
      expect(p.uid, `${p.name} in ${p.pod}`).not.toBe(2102);
      expect(p.capEff, `${p.name} in ${p.pod}`).toMatch(/^0+$/);
    }
    // The three authorities' root and issuer keys (6), and each of the 19 meshed pods' key and bundle (.pem).
    expect(hygiene.keyFiles.length).toBe(6 + 2 * 19);
    expect(hygiene.keyFiles.filter((k: { mode: string }) => k.mode !== '600')).toEqual([]);
    expect(hygiene.keyFiles.map((k: { file: string }) => k.file)).toContain('pki/mesh/multiplication.pem');
  });

  it('leaves nothing behind: no lab namespace, no lab process', () => {
    expect(labNamespaces()).toEqual([]);
    expect(labProcesses()).toEqual([]);
  });
});

/**
 * Runs the lab as a terminal would and presses Ctrl-C (SIGINT to the whole process group) `delayMs`
 * after a progress line appears.
 */
function interruptedRun(marker: string, delayMs: number): Promise<{ code: number | string; stdout: string; stderr: string; pressed: boolean }> {
  const child = spawn(process.execPath, [CLI, 'run'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let pressed = false;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (!pressed && stdout.includes(marker)) {
      pressed = true;
      setTimeout(() => process.kill(-child.pid!, 'SIGINT'), delayMs);
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code: code ?? signal ?? '?', stdout, stderr, pressed })));
}

const netnsEtc = () => readdirSync('/etc/netns').filter((d) => d.startsWith('calclab-'));

describe('Ctrl-C during make lab, at any moment, leaves nothing behind and exits 130 with one line', () => {
  it.each([
    ['while clearing an earlier run', 'clearing what an earlier run left', 0],
    ['while creating the pods', 'pods (network namespaces) on a bridge', 0],
    ['while issuing the certificate authorities', 'issuing the Dapr and mesh', 0],
    ["while Dapr's control plane starts", "starting Dapr's control plane", 0],
    ['as the variants start', 'starting the variants', 200],
    ['while the variants start', 'starting the variants', 2000],
    ['during the probe matrix', 'running the probe matrix', 300],
    ["while MathFanBoy's calls are counted", 'letting MathFanBoy make', 100],
  ])('%s', async (_when, marker, delayMs) => {
    const run = await interruptedRun(marker, delayMs);
    expect(run.pressed, run.stdout).toBe(true);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(130);
    expect(run.stderr).toBe('\nlab: interrupted (Ctrl-C): removing everything this run made … done; nothing is left\n');
    expect(labNamespaces()).toEqual([]);
    expect(netnsEtc()).toEqual([]);
    expect(existsSync(join(REPO, '.run', 'lab')), 'keys and configuration in .run/lab').toBe(false);
    expect(existsSync(join(REPO, '.run', 'lab.lock')), 'the lock').toBe(false);
    expect(labProcesses()).toEqual([]);
  });
});

describe('calc-lab, the command', () => {
  it('make lab-down is safe to run twice', async () => {
    for (let i = 0; i < 2; i++) {
      const down = await cli('down');
      expect(down.code).toBe(0);
      expect(down.stdout).toMatch(/==> lab removed: 0 namespaces/);
    }
  });

  it('removes a namespace that a crashed run left behind', async () => {
    execFileSync('ip', ['netns', 'add', 'calclab-leftover']);
    const down = await cli('down');
    expect(down.stdout).toContain('==> lab removed: 1 namespaces');
    expect(labNamespaces()).toEqual([]);
  });

  it('refuses to run without root, with a clear message and exit 3', () => {
    let result: { status: number | null; stderr: string };
    try {
      execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, 'run'], { encoding: 'utf8', stdio: 'pipe' });
      result = { status: 0, stderr: '' };
    } catch (error) {
      result = error as { status: number; stderr: string };
    }
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('lab: error NOT_ROOT: the local lab needs root');
  });

  it('answers bad usage with the usage and exit 2', async () => {
    const bad = await cli('bogus');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('lab: error USAGE: unknown command bogus');
    const noDashes = await cli('exec', 'dapr/intruder', 'curl');
    expect([noDashes.code, noDashes.stderr]).toEqual([2, expect.stringContaining('the -- is needed')]);
    const badPolicy = await cli('policy', 'linkerd', 'off');
    expect([badPolicy.code, badPolicy.stderr]).toEqual([2, expect.stringContaining('usage: ./lab policy <dapr|mesh|dapr-mesh> <on|off>')]);
    const badPod = await cli('exec', 'dapr/nobody', '--', 'true');
    expect([badPod.code, badPod.stderr]).toEqual([2, expect.stringContaining('no pod named dapr/nobody: use <variant>/<pod>, one of dapr/addition')]);
    for (const interval of ['0', 'soon', '61']) {
      const badTop = await cli('top', '--interval', interval);
      expect([badTop.code, badTop.stderr]).toEqual([2, expect.stringContaining(`--interval ${interval}: not a number of seconds from 0.2 to 60`)]);
    }
  });

  it('says the lab is not up, with what to do, for the commands that need it (exit 3)', async () => {
    for (const args of [['pods'], ['probe'], ['metrics'], ['top', '--once'], ['policy', 'mesh', 'off'], ['exec', 'dapr/intruder', '--', 'true']]) {
      const result = await cli(...args);
      expect([result.code, result.stderr], args.join(' ')).toEqual([3, expect.stringContaining('lab: error LAB_NOT_UP: the lab is not up: start it with make lab-up')]);
    }
  });

  it('./lab at the repository root is the same command', () => {
    const help = execFileSync(join(REPO, 'lab'), ['--help'], { encoding: 'utf8' });
    expect(help).toContain('exec <variant>/<pod> -- CMD');
  });
});
