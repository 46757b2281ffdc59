import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const RESULTS = fileURLToPath(new URL('../../../results/bench/', import.meta.url));
const SCENARIOS = ['dapr', 'dapr-mesh', 'direct', 'mesh'];

describe('make bench QUICK=1: the harness, for real (no timing is asserted)', () => {
  it('runs every phase for every scenario, every request answered, counts adding up, JSON, Markdown and chart written', async () => {
    const run = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(process.execPath, [CLI, '--quick'], { maxBuffer: 16 * 1024 * 1024 }, (e, stdout, stderr) => resolve({ code: e ? Number(e.code) : 0, out: stdout + stderr })),
    );
    expect(run.code, run.out).toBe(0);
    const report = JSON.parse(readFileSync(`${RESULTS}bench.json`, 'utf8'));
    expect(report.harness).toEqual({ pass: true, problems: [] });
    for (const phase of ['unloaded', 'loaded']) {
      const seen = report.records.filter((r: { phase: string }) => r.phase === phase).map((r: { scenario: string }) => r.scenario);
      expect([...new Set(seen)].sort(), phase).toEqual(SCENARIOS);
    }
    // Paired: every round has every scenario once.
    const unloaded = report.records.filter((r: { phase: string }) => r.phase === 'unloaded');
    for (let round = 0; round < report.settings.unloaded.rounds; round++)
      expect(
        unloaded
          .filter((r: { round: number }) => r.round === round)
          .map((r: { scenario: string }) => r.scenario)
          .sort(),
      ).toEqual(SCENARIOS);
    for (const r of report.records) {
      expect(r.result.completed).toBe(r.result.requests);
      expect(r.result.errors).toBe(0);
      for (const role of Object.keys(r.cpuMs)) expect(Number.isFinite(r.contextSwitches[role]), role).toBe(true);
    }
    expect(report.knees[0].rate).toBeGreaterThan(0);
    expect(report.unloaded[0].map((row: { scenario: string }) => row.scenario).sort()).toEqual(SCENARIOS);
    for (const row of report.unloaded[0].filter((r: { scenario: string }) => r.scenario !== 'direct')) expect(row.added.p50.n).toBe(report.settings.unloaded.rounds);
    // fortio, paired too: every round has every scenario once, every request answered.
    for (let round = 0; round < report.settings.fortio.rounds; round++)
      expect(
        report.fortio
          .filter((f: { round: number }) => f.round === round)
          .map((f: { scenario: string }) => f.scenario)
          .sort(),
      ).toEqual(SCENARIOS);
    expect(report.fortio.every((f: { errors: number; count: number }) => f.errors === 0 && f.count === report.settings.fortio.perSlice)).toBe(true);
    expect(report.crossCheck.map((c: { scenario: string }) => c.scenario).sort()).toEqual(['dapr', 'dapr-mesh', 'mesh']);
    const markdown = readFileSync(`${RESULTS}bench.md`, 'utf8');
    expect(markdown).toContain('## Unloaded: what the sidecars add when nothing queues');
    expect(markdown).toContain('| mesh (HAProxy stand-in) |');
    expect(markdown).not.toMatch(/\| mesh \|/);
    expect(readFileSync(`${RESULTS}latency.svg`, 'utf8')).toMatch(/^<svg[\s\S]*dapr-mesh[\s\S]*<\/svg>\n$/);
  });

  it('--compare says two invocations agree when they do, and which figure misses when not', async () => {
    const cli = (...args: string[]) =>
      new Promise<{ code: number; out: string }>((resolve) =>
        execFile(process.execPath, [CLI, ...args], (e, stdout, stderr) => resolve({ code: e ? Number(e.code) : 0, out: stdout + stderr })),
      );
    const same = await cli('--compare', `${RESULTS}bench.json`, `${RESULTS}bench.json`);
    expect(same.code, same.out).toBe(0);
    // µs, or ms from 1 ms up (a loaded machine): the format is not what this checks.
    expect(same.out).toMatch(/dapr +A \+[\d.]+ (µs|ms) .* 0 %, intervals overlap: agree/);
    // The run's report with one CPU row of its own (a loaded machine may saturate every QUICK loaded
    // rate, and then the run measures none), and a copy whose figure is half as large again: it must miss.
    const report = JSON.parse(readFileSync(`${RESULTS}bench.json`, 'utf8'));
    const withCpu = (cpuMs: number) => {
      const perRequest = { value: cpuMs, min: cpuMs, max: cpuMs };
      const row = { scenario: 'dapr', role: 'client daprd', rate: 100, cpuMsPer1000: perRequest, contextSwitchesPerRequest: perRequest };
      const file = join(mkdtempSync(join(tmpdir(), 'bench-')), 'bench.json');
      writeFileSync(file, JSON.stringify({ ...report, costsByRate: [[row]] }));
      return file;
    };
    const apart = await cli('--compare', withCpu(100), withCpu(150));
    expect(apart.code, apart.out).toBe(1);
    expect(apart.out).toMatch(/client daprd +100\/s +A 100 ms +B 150 ms +40 %: MISS/);
    const bad = await cli('--compare', `${RESULTS}bench.json`);
    expect(bad.code).toBe(2);
    // A bench.json cut short (as a log cut a Job's once): a message and the usage code, no stack.
    const cut = join(mkdtempSync(join(tmpdir(), 'bench-')), 'bench.json');
    writeFileSync(cut, readFileSync(`${RESULTS}bench.json`, 'utf8').slice(0, 1000));
    const broken = await cli('--compare', `${RESULTS}bench.json`, cut);
    expect(broken.code, broken.out).toBe(2);
    expect(broken.out).toContain(`${cut} is not a readable bench.json`);
    expect(broken.out).not.toMatch(/\n +at /);
  });
});
