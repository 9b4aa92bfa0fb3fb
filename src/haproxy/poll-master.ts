import type { ProcState } from './show-proc.ts';
import { hasExited } from './subprocess.ts';
import { PROC_POLL_INTERVAL_MS, PROC_POLL_MAX_INTERVAL_MS } from './timeouts.ts';

/**
 * Reads the master's `show proc` until `done` holds, the master exits,
 * `abort` says so or `timeoutMs` pass (then undefined); the pause between
 * reads grows from the first poll interval to the cap (see timeouts.ts).
 */
export async function pollMaster(
  read: () => Promise<ProcState | undefined>,
  done: (s: ProcState) => boolean,
  timeoutMs: number,
  proc: Bun.Subprocess,
  abort: () => boolean = () => false,
): Promise<ProcState | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = PROC_POLL_INTERVAL_MS; Date.now() < deadline && !hasExited(proc) && !abort(); pause = Math.min(pause * 1.25, PROC_POLL_MAX_INTERVAL_MS)) {
    const state = await read();
    if (state && done(state)) return state;
    await Bun.sleep(pause);
  }
  return undefined;
}
