import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CALLERS_ZERO, DELIBERATE, judgeSoak, MAX_RSS_MB } from '../src/soak.js';
import type { LoadResult } from '../src/loadgen.js';

const CLI = fileURLToPath(new URL('../dist/soak.js', import.meta.url));
const RESULTS = fileURLToPath(new URL('../../../results/soak/', import.meta.url));

describe('make soak, the 30-second version: the mesh-agnostic set at 1,000 requests per second', () => {
  it('answers every request; no error but the deliberate ones; no service above 150 MB or growing over 10 % in the second half', async () => {
    const run = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(process.execPath, [CLI, '--duration', '30'], { maxBuffer: 16 * 1024 * 1024 }, (e, stdout, stderr) =>
        resolve({ code: e ? Number(e.code) : 0, out: stdout + stderr }),
      ),
    );
    const report = JSON.parse(readFileSync(`${RESULTS}soak.json`, 'utf8'));
    expect(report.problems, run.out).toEqual([]);
    expect(run.code, run.out).toBe(0);
    expect(report.requests).toBe(30_000);
    expect(report.completed).toBe(30_000);
    for (const key of Object.keys(report.errors)) expect([DELIBERATE, CALLERS_ZERO]).toContain(key);
    expect(report.errors[DELIBERATE]).toBeGreaterThan(2000);
    expect(Object.keys(report.rssMb).sort()).toEqual(['addition', 'division', 'multiplication', 'percentage', 'subtraction']);
    for (const rss of Object.values(report.rssMb) as Array<{ start: number; half: number; end: number; peak: number }>) {
      expect(rss.start).toBeGreaterThan(20);
      expect(rss.peak).toBeLessThanOrEqual(MAX_RSS_MB);
    }
    expect(readFileSync(`${RESULTS}soak.md`, 'utf8')).toContain('| service | RSS start (MB) | halfway | end | peak |');
  });
});

describe('the soak verdict', () => {
  const result = { requests: 1000, completed: 1000 } as LoadResult;
  const flat = { start: 80, half: 90, end: 91, peak: 95 };
  const rssMb = { addition: flat, subtraction: flat, multiplication: flat, division: flat, percentage: flat };
  const judge = (over: Partial<Parameters<typeof judgeSoak>[0]>) =>
    judgeSoak({ durationS: 30, rate: 1000, result, errors: { [DELIBERATE]: 100 }, percentageCalls: 200, rssMb, ...over });

  it("passes the deliberate faults at the fault rate, and division's 422 for a zero divisor the caller chose", () => {
    expect(judge({ errors: { [DELIBERATE]: 100, [CALLERS_ZERO]: 3 } })).toMatchObject({ pass: true, problems: [] });
  });

  it.each([
    ['any other error', { errors: { [DELIBERATE]: 100, 'percentage 502 DOWNSTREAM_UNAVAILABLE': 1 } }, /1 × percentage 502 DOWNSTREAM_UNAVAILABLE/],
    ['a fault rate far from the one set', { errors: { [DELIBERATE]: 20 } }, /fault rate was 10\.0 %/],
    ['a service above 150 MB', { rssMb: { ...rssMb, percentage: { ...flat, peak: 151 } } }, /percentage peaked at 151 MB/],
    ['growth over 10 % in the second half', { rssMb: { ...rssMb, division: { ...flat, end: 100 } } }, /division grew 11\.1 %/],
    ['requests left unanswered', { result: { requests: 1000, completed: 990 } as LoadResult }, /10 requests never completed/],
  ])('fails on %s', (_name, over, problem) => {
    const verdict = judge(over);
    expect(verdict.pass).toBe(false);
    expect(verdict.problems.join('; ')).toMatch(problem);
  });
});
