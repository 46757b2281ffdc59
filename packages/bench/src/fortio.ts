import { execFile } from 'node:child_process';
import type { PodRef } from '@calc/lab';

/** fortio's answer to the same question, in µs, for the cross-check. */
export interface FortioResult {
  scenario: string;
  /** The cross-check round it belongs to. */
  round?: number;
  actualQps: number;
  count: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

interface FortioJson {
  ActualQPS: number;
  DurationHistogram: { Count: number; Max: number; Percentiles: Array<{ Percentile: number; Value: number }> };
  RetCodes: Record<string, number>;
}

/**
 * fortio from inside the client pod, one request at a time on one connection (`-qps 0 -c 1 -n N`:
 * closed loop, as the unloaded phase), with 10 µs histogram buckets (-r 0.00001; its default of
 * 1 ms is coarser than what is measured here).
 */
export function runFortio(bin: string, client: PodRef, scenario: string, url: string, body: string, o: { count: number }): Promise<FortioResult> {
  const args = [
    'netns',
    'exec',
    client.ns,
    bin,
    'load',
    '-quiet',
    '-qps',
    '0',
    '-c',
    '1',
    '-n',
    String(o.count),
    '-r',
    '0.00001',
    '-p',
    '50,90,99,99.9',
    '-payload',
    body,
    '-content-type',
    'application/json',
    '-json',
    '-',
    url,
  ];
  return new Promise((resolve, reject) => {
    execFile('ip', args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`fortio failed for ${scenario}: ${stderr.trim().split('\n').slice(-2).join(' ')}`));
      const json = JSON.parse(stdout) as FortioJson;
      const at = (p: number) => Math.round((json.DurationHistogram.Percentiles.find((x) => x.Percentile === p)?.Value ?? Number.NaN) * 1e6);
      const ok = json.RetCodes['200'] ?? 0;
      resolve({
        scenario,
        actualQps: json.ActualQPS,
        count: json.DurationHistogram.Count,
        errors: json.DurationHistogram.Count - ok,
        p50: at(50),
        p90: at(90),
        p99: at(99),
        p999: at(99.9),
        max: Math.round(json.DurationHistogram.Max * 1e6),
      });
    });
  });
}
