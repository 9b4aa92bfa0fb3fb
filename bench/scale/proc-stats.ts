/** Figures read from /proc: resident memory, the haproxy processes of a router, the machine's load. */
import { readFileSync } from 'node:fs';
import { haproxyPids } from './children.ts';

function status(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return '';
  }
}

/** VmRSS in MiB (NaN when the process is gone). */
export function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status(pid))?.[1]);
  return kb / 1024;
}

/** VmHWM in MiB: the most resident memory the process has had so far, which a sample between reloads misses. */
export function peakRssMiB(pid: number): number {
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status(pid))?.[1]);
  return kb / 1024;
}

function parentOf(pid: number): number {
  return Number(/PPid:\s+(\d+)/.exec(status(pid))?.[1]);
}

export interface HaproxyMemory {
  masterMiB: number;
  /** One entry per worker, newest (highest PID) last; old workers still draining after a reload included. */
  workersMiB: number[];
}

/** A router's haproxy master (the one whose parent is not an haproxy of the same dir) and workers, oldest first. */
export function haproxyProcesses(runDir: string): { master: number | undefined; workers: number[] } {
  const pids = haproxyPids(runDir);
  const master = pids.find((p) => !pids.includes(parentOf(p)));
  return { master, workers: pids.filter((p) => p !== master).sort((a, b) => a - b) };
}

/** RSS of a router's haproxy master and workers. */
export function haproxyMemory(runDir: string): HaproxyMemory {
  const { master, workers } = haproxyProcesses(runDir);
  return { masterMiB: master === undefined ? Number.NaN : rssMiB(master), workersMiB: workers.map(rssMiB) };
}

export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** The open-file limit children inherit (soft/hard), from our own limits. */
export function fileLimit(): { soft: string; hard: string } {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files')) ?? '';
  const [soft = '?', hard = '?'] = line.replace('Max open files', '').trim().split(/\s+/);
  return { soft, hard };
}

/** CPU time (user + system, seconds) a process has used so far. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** CPU time (user + system, seconds) of a process's children it has waited for (e.g. each `haproxy -c`), so far. */
export function reapedChildrenCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * Resolves once the process used less than `quietMs` of CPU in a second
 * (the router has settled: status writes and background checks done), with
 * the ms waited; undefined if it never settles within `deadlineMs`.
 */
export async function untilIdle(pid: number, deadlineMs: number, quietMs = 50): Promise<number | undefined> {
  const t0 = performance.now();
  let last = cpuSeconds(pid);
  while (performance.now() - t0 < deadlineMs) {
    await Bun.sleep(1000);
    const now = cpuSeconds(pid);
    if (!Number.isFinite(now)) return undefined;
    if ((now - last) * 1000 < quietMs) return performance.now() - t0;
    last = now;
  }
  return undefined;
}

/** Until the process has used under `quietMs` of CPU in each of `seconds` seconds in a row; the wait in ms, or undefined past the deadline. */
export async function untilIdleFor(pid: number, seconds: number, deadlineMs: number, quietMs = 50): Promise<number | undefined> {
  const t0 = performance.now();
  let quiet = 0;
  let last = cpuSeconds(pid);
  while (performance.now() - t0 < deadlineMs) {
    await Bun.sleep(1000);
    const now = cpuSeconds(pid);
    if (!Number.isFinite(now)) return undefined;
    quiet = (now - last) * 1000 < quietMs ? quiet + 1 : 0;
    last = now;
    if (quiet >= seconds) return performance.now() - t0;
  }
  return undefined;
}
