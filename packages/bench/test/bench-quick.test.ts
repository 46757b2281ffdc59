import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const RESULTS = fileURLToPath(new URL('../../../results/bench/', import.meta.url));

describe('make bench QUICK=1: the harness, for real (no timing is asserted)', () => {
  it('runs every scenario at every rate, every request answered, counts adding up, JSON, Markdown and chart written', async () => {
    const run = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(process.execPath, [CLI, '--quick'], { maxBuffer: 16 * 1024 * 1024 }, (e, stdout, stderr) => resolve({ code: e ? Number(e.code) : 0, out: stdout + stderr })),
    );
    expect(run.code, run.out).toBe(0);
    const report = JSON.parse(readFileSync(`${RESULTS}bench.json`, 'utf8'));
    expect(report.harness).toEqual({ pass: true, problems: [] });
    expect(new Set(report.rows.map((r: { scenario: string }) => r.scenario))).toEqual(new Set(['direct', 'dapr', 'mesh', 'dapr+mesh']));
    for (const r of report.runs) {
      expect(r.result.completed).toBe(r.result.requests);
      expect(r.result.errors).toBe(0);
    }
    expect(report.fortio.map((f: { scenario: string }) => f.scenario).sort()).toEqual(['dapr', 'dapr+mesh', 'direct', 'mesh']);
    expect(report.fortio.every((f: { errors: number; count: number }) => f.errors === 0 && f.count > 0)).toBe(true);
    expect(readFileSync(`${RESULTS}bench.md`, 'utf8')).toContain('| scenario | p50 | p90 | p99 | p99.9 | max | added p50');
    expect(readFileSync(`${RESULTS}latency.svg`, 'utf8')).toMatch(/^<svg[\s\S]*dapr\+mesh[\s\S]*<\/svg>\n$/);
  });
});
