import type { ProcState } from './show-proc.ts';
import { hasExited } from './subprocess.ts';
import { PROC_POLL_INTERVAL_MS, PROC_POLL_MAX_INTERVAL_MS } from './timeouts.ts';

/** Whether a line of the master's stderr says it forked a new worker (at a start, and at each reload). */
export function workerForked(line: string): boolean {
  return /^\[NOTICE\] +\(\d+\) : New worker \(\d+\) forked$/.test(line);
}

/**
 * The pause between two reads of `show proc`, cut short when haproxy's
 * master says on stderr that it forked a new worker: a load of many
 * seconds is otherwise noticed up to a whole poll interval late.
 */
export class Wakeup {
  private wake: (() => void) | undefined;
  /** A wake-up that came while nobody slept: the next pause ends at once, so a read that just missed the worker is not followed by a full pause. */
  private pending = false;

  sleep(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /** Ends the pause in progress, or the next one. */
  now(): void {
    if (this.wake) this.wake();
    else this.pending = true;
  }
}

/**
 * Reads the master's `show proc` until `done` holds, the master exits,
 * `abort` says so or `timeoutMs` pass (then undefined); the pause between
 * reads grows from the first poll interval to the cap (see timeouts.ts),
 * and `sleep` may end it early.
 */
export async function pollMaster(
  read: () => Promise<ProcState | undefined>,
  done: (s: ProcState) => boolean,
  timeoutMs: number,
  proc: Bun.Subprocess,
  abort: () => boolean = () => false,
  sleep: (ms: number) => Promise<void> = Bun.sleep,
): Promise<ProcState | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = PROC_POLL_INTERVAL_MS; Date.now() < deadline && !hasExited(proc) && !abort(); pause = Math.min(pause * 1.25, PROC_POLL_MAX_INTERVAL_MS)) {
    const state = await read();
    if (state && done(state)) return state;
    await sleep(pause);
  }
  return undefined;
}
