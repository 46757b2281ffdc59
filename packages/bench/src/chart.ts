import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadResult } from './loadgen.js';

const COLORS = ['#4c78a8', '#f58518', '#54a24b', '#e45756'];

/**
 * Latency by percentile, one line per scenario, log scale: an SVG with no dependency.
 * Series: name → [percentile, µs] points.
 */
export function latencyChart(title: string, series: Array<{ name: string; points: LoadResult['distribution'] }>): string {
  const width = 760;
  const height = 420;
  const m = { top: 40, right: 150, bottom: 50, left: 70 };
  const percentiles = series[0]?.points.map(([p]) => p) ?? [];
  const values = series.flatMap((s) => s.points.map(([, v]) => v)).filter((v) => v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const x = (i: number) => m.left + (i * (width - m.left - m.right)) / Math.max(1, percentiles.length - 1);
  const y = (v: number) => m.top + ((Math.log10(hi) - Math.log10(Math.max(v, lo))) * (height - m.top - m.bottom)) / (Math.log10(hi) - Math.log10(lo));
  const grid: string[] = [];
  for (let d = lo; d <= hi; d *= 10) {
    const label = d >= 1000 ? `${d / 1000} ms` : `${d} µs`;
    grid.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${y(d)}" y2="${y(d)}" stroke="#ddd"/><text x="${m.left - 8}" y="${y(d) + 4}" text-anchor="end">${label}</text>`);
  }
  const ticks = percentiles.map((p, i) => `<text x="${x(i)}" y="${height - m.bottom + 20}" text-anchor="middle">${p === 100 ? 'max' : `p${p}`}</text>`);
  const lines = series.map((s, k) => {
    const color = COLORS[k % COLORS.length];
    const path = s.points.map(([, v], i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    const dots = s.points.map(([, v], i) => `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${color}"/>`).join('');
    const legend = `<rect x="${width - m.right + 16}" y="${m.top + k * 22}" width="14" height="4" fill="${color}"/><text x="${width - m.right + 36}" y="${m.top + k * 22 + 6}">${s.name}</text>`;
    return `<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>${dots}${legend}`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${m.left}" y="22" font-size="15" font-weight="bold">${title}</text>
${grid.join('\n')}
${ticks.join('\n')}
<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${height - m.bottom}" stroke="#333"/>
${lines.join('\n')}
<text x="${(width - m.right + m.left) / 2}" y="${height - 10}" text-anchor="middle">percentile (latency from the intended send time)</text>
</svg>
`;
}

/** Of several measured runs of one scenario, the one whose p50 is the median: its line is a real measured distribution. */
export function medianDistribution(results: readonly LoadResult[]): LoadResult['distribution'] {
  const sorted = [...results].sort((a, b) => a.latencyUs.p50 - b.latencyUs.p50);
  return sorted[Math.floor(sorted.length / 2)]?.distribution ?? [];
}

/** latency.svg in dir, and latency.png when rsvg-convert is there (Debian: librsvg2-bin); the SVG is the chart of record. */
export function writeLatencyChart(dir: string, title: string, series: Array<{ name: string; points: LoadResult['distribution'] }>): void {
  writeFileSync(
    join(dir, 'latency.svg'),
    latencyChart(
      title,
      series.filter((s) => s.points.length > 0),
    ),
  );
  try {
    execFileSync('rsvg-convert', [join(dir, 'latency.svg'), '-o', join(dir, 'latency.png')], { stdio: 'ignore' });
  } catch {
    // no converter: SVG only
  }
}
