import { setPriority } from 'node:os';
import { dirname } from 'node:path';
import { CHECK_ABANDONED } from './abandoned.ts';
import { configArgs } from './config-args.ts';
import { scheduleIdle } from './idle-scheduling.ts';
import { haproxyEnv } from './haproxy-env.ts';
import { errorMessage } from '../errors.ts';
import { CONFIG_CHECK_TIMEOUT_MS } from './timeouts.ts';

export interface CheckResult {
  ok: boolean;
  /** haproxy's own lines (alerts and warnings), for the log. */
  output: string[];
}

/**
 * The niceness of a check nothing waits for (of a generation the runtime
 * path wrote, BackgroundCheck): `haproxy -c` of a large configuration
 * takes seconds of CPU (about 1.3 s at 10,000 routes), and at the default
 * priority it took a core from haproxy and the router while they applied
 * changes, lengthening their tail (BENCHMARKS.md). Such a check also runs
 * in the idle scheduling class (scheduleIdle): at nice 19 alone, changes
 * made while it ran still waited tens of milliseconds more. The niceness
 * stays for whatever else looks at it (ps, top), and where the class
 * cannot be set.
 */
export const BACKGROUND_NICE = 19;

/**
 * Runs `haproxy -c` on a candidate so a config haproxy rejects never
 * replaces the running one; at `nice` (0: the router's own priority).
 */
export async function checkConfig(haproxyBinary: string, configPath: string, nice = 0, signal?: AbortSignal): Promise<CheckResult> {
  if (signal?.aborted) return { ok: false, output: [CHECK_ABANDONED] };
  let proc: Bun.Subprocess<'ignore', 'pipe', 'pipe'>;
  try {
    proc = Bun.spawn([haproxyBinary, '-c', ...configArgs(configPath)], {
      // haproxy goes back to the directory it started in after each file (default-path config): that must be one
      // it may enter, which the router's own may not be (a user's home, a temporary clone).
      cwd: dirname(configPath),
      env: haproxyEnv(),
      stdout: 'pipe',
      stderr: 'pipe',
      stdin: 'ignore',
      timeout: CONFIG_CHECK_TIMEOUT_MS,
      // A stop gives up a check in flight: what it checks will not be loaded.
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    return { ok: false, output: [`cannot run ${haproxyBinary}: ${errorMessage(err)}`] };
  }
  if (nice !== 0) lowerPriority(proc.pid, nice);
  if (nice === BACKGROUND_NICE) scheduleIdle(proc.pid);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (signal?.aborted) return { ok: false, output: [CHECK_ABANDONED] };
  const output = `${stderr}\n${stdout}`
    .split('\n')
    .map((l) => l.trimEnd())
    // The version and path notices are noise in a failure report.
    .filter((l) => /^\[(ALERT|WARNING)\]/.test(l));
  return { ok: code === 0, output };
}

function lowerPriority(pid: number, nice: number): void {
  try {
    setPriority(pid, nice);
  } catch {
    // Already exited (ESRCH): nothing left to yield.
  }
}
