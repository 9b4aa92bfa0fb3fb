/**
 * Runs a scenario inside its own network namespace (`unshare -n`) with only
 * `lo` up, for tests that hand the router addresses outside 127.0.0.0/8:
 * whatever address slips through reaches nothing outside the namespace, not
 * even DNS. A scenario is a module whose default export runs in a fresh bun
 * process in the namespace; it starts its backends, router and clients
 * there, may configure the namespace's links with `ip`, and returns what the
 * test asserts on, which comes back as JSON through stdout. Needs root
 * (CI and this machine run tests as root).
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { resolve } from 'node:path';

const RUNNER = resolve(import.meta.dir, 'netns-runner.ts');
/** Prefixes of the runner's own stdout lines; anything else on stdout is the scenario's. */
export const NETNS_LINE = 'netns-id ';
export const RESULT_LINE = 'netns-result ';
/** Tells the runner the namespace it must not be in. */
export const PARENT_NETNS_VAR = 'ROUTER_TEST_PARENT_NETNS';

/** PIDs of the processes in network namespace `ns` (`net:[inode]`). */
function processesIn(ns: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/ns/net`) === ns) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/**
 * Runs `scenario` (a module path) in a new network namespace and resolves
 * with what its default export returned. Whatever the scenario leaves
 * running in the namespace (a haproxy it did not stop) is killed by PID
 * before this returns, and so is the scenario itself after `timeoutMs`.
 */
export async function runInNetns<T>(scenario: string, timeoutMs = 45_000, env: Readonly<Record<string, string>> = {}): Promise<T> {
  const proc = Bun.spawn(['unshare', '--net', '--', process.execPath, RUNNER, resolve(scenario)], {
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    env: { ...process.env, ...env, [PARENT_NETNS_VAR]: readlinkSync('/proc/self/ns/net') },
  });
  let ns: string | undefined;
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  try {
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    const lines = stdout.split('\n');
    ns = lines.find((l) => l.startsWith(NETNS_LINE))?.slice(NETNS_LINE.length);
    const result = lines.findLast((l) => l.startsWith(RESULT_LINE));
    if (code !== 0 || result === undefined) {
      throw new Error(`scenario ${scenario} failed (exit ${proc.signalCode ?? code}):\n${stderr.split('\n').slice(-40).join('\n')}`);
    }
    return JSON.parse(result.slice(RESULT_LINE.length)) as T;
  } finally {
    clearTimeout(timer);
    if (ns) for (const pid of processesIn(ns)) process.kill(pid, 'SIGKILL');
  }
}

/** Runs `ip ARGS` (inside a scenario: in its namespace) and throws with ip's words when it fails. */
export function ip(...args: string[]): void {
  const run = Bun.spawnSync(['ip', ...args], { stderr: 'pipe' });
  if (run.exitCode !== 0) throw new Error(`ip ${args.join(' ')}: ${run.stderr.toString().trim()}`);
}
