// ./lab top: a live view of what each sidecar saw, refreshed every interval (1 s by default), on a
// lab left up by make lab-up. --once prints one frame (two readings an interval apart) and exits.
import { topInterval, watchTop } from '@calc/probe-matrix';
import { EXIT, LabError } from './errors.js';
import { WORK_DIR } from './paths.js';
import { say } from './run.js';
import { requireUp } from './running-lab.js';
import { readTopReadings } from './sidecar-metrics.js';

export const TOP_USAGE = 'usage: ./lab top [--once] [--interval SECONDS]   (SECONDS from 0.2 to 60; default 1)';

/** The interval option, checked: a number of seconds within reason. */
export function intervalOf(text: string | undefined): number {
  const interval = topInterval(text);
  if (typeof interval !== 'number') throw new LabError('USAGE', `${interval.error}\n${TOP_USAGE}`);
  return interval;
}

export async function top(o: { once: boolean; interval: number }): Promise<number> {
  requireUp();
  if (!o.once) say(`==> reading every sidecar each ${o.interval} s; Ctrl-C stops`);
  await watchTop(() => readTopReadings(WORK_DIR), { ...o, title: 'the local lab' });
  return EXIT.ok;
}
