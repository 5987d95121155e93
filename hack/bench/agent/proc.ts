// What the benchmark reads about the agent process from /proc (Linux): resident memory and CPU time.
import { readFileSync } from 'node:fs';

/** VmRSS of a process in MiB (from /proc/<pid>/status). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = status.match(/^VmRSS:\s+(\d+)\s+kB$/m);
  if (!m) throw new Error(`/proc/${pid}/status has no VmRSS line (process exited?)`);
  return Number(m[1]) / 1024;
}

/**
 * VmRSS split into anonymous memory (JS heap, buffers, malloc) and file-backed pages (mostly the
 * ~125 MB node binary's touched code), in MiB, formatted "total (anon + file)".
 */
export function rssDetail(pid: number): string {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number =>
    Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm'))?.[1] ?? NaN);
  const mib = (v: number): string => (v / 1024).toFixed(0);
  return `${mib(kb('VmRSS'))} MiB (anon ${mib(kb('RssAnon'))} + file ${mib(kb('RssFile'))})`;
}

/** utime + stime of a process in seconds (fields 14 and 15 of /proc/<pid>/stat, clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces and parentheses: split after its closing paren.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so utime (14) is fields[11] and stime (15) fields[12].
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The 1/5/15-minute load averages, formatted like uptime prints them. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
