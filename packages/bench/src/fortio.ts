import { execFile } from 'node:child_process';
import type { PodRef } from '@calc/lab';

/** fortio's answer to the same question, in µs, for the cross-check. */
export interface FortioResult {
  scenario: string;
  rate: number;
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
 * fortio load at a fixed rate from inside the client pod, with 10 µs histogram buckets
 * (-r 0.00001; its default of 1 ms is coarser than what is measured here).
 */
export function runFortio(bin: string, client: PodRef, scenario: string, url: string, body: string, rate: number, durationS: number, connections: number): Promise<FortioResult> {
  // -uniform: spread the connections' sends over time; by default fortio's connections fire in
  // lockstep, bursts the single-threaded app queues, and that measures the bursts, not the sidecars.
  // Pinned to CPU 0, as the project's generator is for the cross-check, so both clients get the same core.
  const args = [
    'netns',
    'exec',
    client.ns,
    'taskset',
    '-c',
    '0',
    bin,
    'load',
    '-quiet',
    '-uniform',
    '-qps',
    String(rate),
    '-c',
    String(connections),
    '-t',
    `${durationS}s`,
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
        rate,
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
