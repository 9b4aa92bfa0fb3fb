/**
 * Every process the benchmark starts, so each is killed by its PID at the
 * end, on failure, and on Ctrl-C alike; and deadlines, so nothing waits
 * forever.
 */
import type { Subprocess } from 'bun';
import { readdirSync, readFileSync } from 'node:fs';

const live = new Map<number, string>();
/** haproxy processes are the router's children, not ours: found by their working dir when a router is killed. */
const runDirs = new Set<string>();

export function track<T extends Subprocess>(name: string, proc: T): T {
  live.set(proc.pid, name);
  void proc.exited.then(() => live.delete(proc.pid));
  return proc;
}

export function trackRunDir(runDir: string): void {
  runDirs.add(runDir);
}

/** PIDs of haproxy processes whose command line names `runDir` (master and workers). */
export function haproxyPids(runDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes('haproxy') && cmdline.includes(runDir)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** SIGKILL for everything still running: the benchmark is over or failed, nothing needs a graceful end. */
export function killAll(): void {
  for (const pid of live.keys()) kill(pid, 'SIGKILL');
  for (const dir of runDirs) for (const pid of haproxyPids(dir)) kill(pid, 'SIGKILL');
}

/** Stops one child: SIGTERM, then SIGKILL after `graceMs`; waits for it to exit. */
export async function stop(proc: Subprocess, graceMs = 10_000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  kill(proc.pid, 'SIGTERM');
  const timer = setTimeout(() => kill(proc.pid, 'SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(timer);
}

export function installExitHandlers(): void {
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

export class DeadlineError extends Error {}

/** `promise`, or a DeadlineError naming `what` once `ms` have passed. */
export function within<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`${what}: no result within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
