import { errorMessage } from '../errors.ts';
import { readdirSync, readFileSync } from 'node:fs';
import type { Logger } from '../log.ts';
import { socketCommand } from './runtime-api/socket-command.ts';
import { parseShowProc } from './show-proc.ts';
import { PROC_POLL_INTERVAL_MS, STOP_TERM_TIMEOUT_MS, TAKEOVER_PROBE_TIMEOUT_MS } from './timeouts.ts';

/**
 * Whether a command line (/proc/<pid>/cmdline, NUL-separated) is an haproxy
 * master whose master socket (`-S <path>[,options]`) is exactly `masterSocketPath`:
 * only a master started for this working dir names it.
 */
export function isMasterOn(cmdline: string, masterSocketPath: string): boolean {
  const args = cmdline.split('\0');
  return args.some((arg, i) => i > 0 && args[i - 1] === '-S' && arg.split(',')[0] === masterSocketPath);
}

/** Running, as opposed to gone or a zombie nobody has reaped yet (whose ports are already closed). */
export function isRunning(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // The state follows the command name, which is in parentheses and may itself contain them.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

/**
 * The haproxy master a previous router of this working dir left running
 * (after a hand-over, or when that router was killed): the pid file names
 * it, and its command line must name our master socket, so a recycled pid
 * is never mistaken for it.
 */
export function findPredecessor(pidFile: string, masterSocketPath: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  return isOurMaster(pid, masterSocketPath) ? pid : undefined;
}

/** Whether `pid` runs, as an haproxy master of this working dir (its command line names `masterSocketPath`): never a recycled pid. */
export function isOurMaster(pid: number, masterSocketPath: string): boolean {
  if (!Number.isInteger(pid) || pid <= 1 || !isRunning(pid)) return false;
  try {
    return isMasterOn(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), masterSocketPath);
  } catch {
    return false;
  }
}

/**
 * Ends a master of this working dir that is not our child as a stop ends
 * ours: its workers finish their connections (SIGUSR1; already asked, for a
 * master taken over) until `deadline`, then SIGTERM and SIGKILL.
 */
export async function drainPredecessor(pid: number, masterSocketPath: string, deadline: number, log: Logger, asked = false): Promise<void> {
  if (!isOurMaster(pid, masterSocketPath)) return;
  if (!asked) signal(pid, 'SIGUSR1');
  if (await goneWithin(pid, Math.max(0, deadline - Date.now()))) return;
  if (!isOurMaster(pid, masterSocketPath)) return;
  log.info(`stopping the haproxy master (pid ${pid}) a previous router left: its connections did not end in time`);
  await stopPredecessor(pid, log);
}

/** Whether the worker's admin socket answers: `-x` fetches the listening sockets through it. */
export async function adminSocketAnswers(adminSocketPath: string): Promise<boolean> {
  try {
    return (await socketCommand(adminSocketPath, 'show info', TAKEOVER_PROBE_TIMEOUT_MS)).includes('Pid:');
  } catch {
    return false;
  }
}

/** Whether the master socket answers `show proc`, as the master `pid`. */
export async function masterAnswers(masterSocketPath: string, pid: number): Promise<boolean> {
  try {
    return parseShowProc(await socketCommand(masterSocketPath, 'show proc', TAKEOVER_PROBE_TIMEOUT_MS))?.masterPid === pid;
  } catch {
    return false;
  }
}

/**
 * Masters of this working dir started after `predecessor` (the one the pid
 * file names): a take-over a router began and was killed in before the new
 * master wrote the pid file. Each would serve beside the one taken over.
 * Older ones are masters taken over before, still finishing their
 * connections: left alone.
 */
export function strayMasters(masterSocketPath: string, predecessor: number): number[] {
  const since = startTime(predecessor);
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  if (since === undefined) return [];
  return entries.flatMap((entry) => {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === predecessor || pid === process.pid || !isOurMaster(pid, masterSocketPath)) return [];
    const stat = procStat(pid);
    // A worker is its master's fork, with the same command line: its parent is a master of ours.
    if (stat === undefined || stat.startTicks <= since || isOurMaster(stat.ppid, masterSocketPath)) return [];
    return [pid];
  });
}

/** Parent and start time (clock ticks since boot) of `pid`, from /proc/<pid>/stat (fields 4 and 22). */
function procStat(pid: number): { ppid: number; startTicks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    const startTicks = Number(fields[19]);
    return Number.isFinite(ppid) && Number.isFinite(startTicks) ? { ppid, startTicks } : undefined;
  } catch {
    return undefined;
  }
}

function startTime(pid: number): number | undefined {
  return procStat(pid)?.startTicks;
}

/** Resolves true once `pid` is no longer running, false if it still is after `ms`. Not our child: there is no exit event to await. */
export async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isRunning(pid)) {
    if (Date.now() >= deadline) return false;
    await Bun.sleep(PROC_POLL_INTERVAL_MS);
  }
  return true;
}

/** Hard-stops a master that is not our child (SIGTERM, then SIGKILL), so its ports are free for a fresh start. */
export async function stopPredecessor(pid: number, log: Logger): Promise<void> {
  signal(pid, 'SIGTERM');
  if (await goneWithin(pid, STOP_TERM_TIMEOUT_MS)) return;
  log.warn(`haproxy master pid ${pid} still running ${STOP_TERM_TIMEOUT_MS} ms after SIGTERM; sending SIGKILL`);
  signal(pid, 'SIGKILL');
  await goneWithin(pid, STOP_TERM_TIMEOUT_MS);
}

/** A process that ended meanwhile is what we wanted anyway. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // ESRCH: already gone.
  }
}

/**
 * Starts haproxy through `launch`, taking over from `predecessor` when there
 * is one: its listening sockets pass to the new master, which soft-stops it.
 * One whose admin socket does not answer, or whose takeover fails, is
 * stopped first instead, and the log says so: its connections are cut.
 */
export async function takeOverOrStart(
  predecessor: number | undefined,
  paths: { adminSocketPath: string; masterSocketPath: string },
  launch: (takeOverFrom?: number) => Promise<void>,
  stopping: () => boolean,
  log: Logger,
): Promise<void> {
  if (predecessor === undefined) return launch();
  const replaced = `haproxy master pid ${predecessor}, left serving by a previous router of this working dir`;
  // Its master must answer too: -sf reaches the old worker through it, and a master that stands still would leave
  // that worker accepting on the sockets beside the new one.
  const silent = !(await adminSocketAnswers(paths.adminSocketPath))
    ? paths.adminSocketPath
    : !(await masterAnswers(paths.masterSocketPath, predecessor))
      ? paths.masterSocketPath
      : undefined;
  if (silent !== undefined) {
    log.warn(`${replaced}, does not answer on ${silent}: stopping it and starting afresh (its connections are cut)`);
    await stopPredecessor(predecessor, log);
    return launch();
  }
  log.info(`taking over from ${replaced}: the new master receives its listening sockets, and it finishes its connections`);
  try {
    await launch(predecessor);
  } catch (err) {
    if (stopping() || !isRunning(predecessor)) throw err;
    log.warn(`taking over from ${replaced} failed (${errorMessage(err)}): stopping it and starting afresh (its connections are cut)`);
    await stopPredecessor(predecessor, log);
    await launch();
  }
}
