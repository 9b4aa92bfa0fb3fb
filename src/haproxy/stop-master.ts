import type { Logger } from '../log.ts';
import { hasExited } from './subprocess.ts';
import { DRAIN_SIGNAL_RETRY_MS, STOP_TERM_RETRY_MS, STOP_TERM_TIMEOUT_MS } from './timeouts.ts';

/** Shared by a stop and whoever escalates it: `now` skips the drain, `hurry` cuts a drain in progress short. */
export interface StopMode {
  now: boolean;
  hurry?: () => void;
}

/**
 * Stops an haproxy master we spawned: SIGUSR1 (workers stop listening and
 * finish their connections) for up to `drainMs`, unless the stop is or
 * becomes urgent; then SIGTERM (the master ends its workers at once), and
 * SIGKILL for the whole process group if it is still there after STOP_TERM_TIMEOUT_MS.
 */
export async function stopMaster(proc: Bun.Subprocess, drainMs: number, mode: StopMode, log: Logger): Promise<void> {
  if (!mode.now) {
    log.info(`stopping haproxy (master pid ${proc.pid}): draining connections for up to ${drainMs} ms`);
    const hurried = new Promise<'hurried'>((resolve) => (mode.hurry = () => resolve('hurried')));
    const drainEnds = Date.now() + drainMs;
    let outcome: 'exited' | 'timeout' | 'hurried';
    // Again every second while it lingers: a master re-executing itself for a reload (a stop does not wait for one to
    // end) blocks signals meanwhile and loses one sent then, and its new worker would take connections all along.
    do {
      proc.kill('SIGUSR1');
      outcome = await settle(proc.exited, Math.max(0, Math.min(DRAIN_SIGNAL_RETRY_MS, drainEnds - Date.now())), hurried);
    } while (outcome === 'timeout' && Date.now() < drainEnds);
    if (outcome === 'exited') return;
    log.warn(outcome === 'hurried' ? 'stop hurried: ending haproxy without waiting for the drain' : `haproxy still running after ${drainMs} ms of draining`);
  }
  log.info(`sending SIGTERM to haproxy (master pid ${proc.pid})`);
  const deadline = Date.now() + STOP_TERM_TIMEOUT_MS;
  // Again while it lingers: a master re-executing itself for a reload can lose the signal and carry on.
  do proc.kill('SIGTERM');
  while ((await settle(proc.exited, Math.min(STOP_TERM_RETRY_MS, deadline - Date.now()))) !== 'exited' && Date.now() < deadline);
  if (hasExited(proc)) return;
  log.warn(`haproxy still running ${STOP_TERM_TIMEOUT_MS} ms after SIGTERM; sending SIGKILL to it and its workers`);
  try {
    // Its own process group (it is spawned detached): workers go with the master.
    process.kill(-proc.pid, 'SIGKILL');
  } catch {
    proc.kill('SIGKILL');
  }
  await proc.exited;
}

async function settle(exited: Promise<unknown>, ms: number, hurried?: Promise<'hurried'>): Promise<'exited' | 'timeout' | 'hurried'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  const outcome = await Promise.race([exited.then(() => 'exited' as const), timeout, ...(hurried ? [hurried] : [])]);
  clearTimeout(timer);
  return outcome;
}
