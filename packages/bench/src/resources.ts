import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU time in a /proc/<pid>/stat line, in milliseconds (user + system); NaN if it is not one. */
export function cpuMsOfStat(stat: string): number {
  if (!stat.includes(')')) return Number.NaN;
  // Fields after the command name, which may contain spaces, closed by the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Context switches in a /proc/<pid>/task/<tid>/status text (or several, one after the other): voluntary + involuntary. */
export function switchesOfStatus(status: string): number {
  let total = 0;
  for (const m of status.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)$/gm)) total += Number(m[1]);
  return total;
}

/** CPU time a process has used so far, in milliseconds (user + system, from /proc/<pid>/stat). */
export function cpuMs(pid: number): number {
  try {
    return cpuMsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return Number.NaN;
  }
}

/** Peak resident memory of a process in MB (VmHWM), and its current RSS. */
export function memoryMb(pid: number): { peak: number; current: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { peak: kb('VmHWM') / 1024, current: kb('VmRSS') / 1024 };
  } catch {
    return { peak: Number.NaN, current: Number.NaN };
  }
}

/**
 * Context switches a process has made so far, over all its threads (Go's daprd runs many):
 * voluntary + involuntary, from /proc/<pid>/task/<tid>/status.
 */
export function contextSwitches(pid: number): number {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return Number.NaN;
  }
  let total = 0;
  for (const tid of tids) {
    try {
      total += switchesOfStatus(readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'));
    } catch {
      // a thread that ended meanwhile: its switches are gone with it
    }
  }
  return total;
}
