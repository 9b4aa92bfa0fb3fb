import { errorMessage } from '../errors.ts';
import { readdirSync, readFileSync } from 'node:fs';
import type { Logger } from '../log.ts';
import { socketCommand } from './runtime-api/socket-command.ts';
import { parseShowProc } from './show-proc.ts';
import { PREDECESSOR_LOAD_WAIT_MS, PROC_POLL_INTERVAL_MS, PROC_POLL_MAX_INTERVAL_MS, STOP_TERM_TIMEOUT_MS, TAKEOVER_PROBE_TIMEOUT_MS } from './timeouts.ts';

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
 * ours: its workers finish their connections (SIGUSR1, sent again though a
 * take-over's -sf asked already: a master mid-reload loses signals) until
 * `deadline`, or until `hurry` says so, then SIGTERM and SIGKILL.
 */
export async function drainPredecessor(pid: number, masterSocketPath: string, deadline: number, log: Logger, hurry: () => boolean = () => false): Promise<void> {
  if (!isOurMaster(pid, masterSocketPath)) return;
  signal(pid, 'SIGUSR1');
  if (await goneWithin(pid, Math.max(0, deadline - Date.now()), hurry)) return;
  if (!isOurMaster(pid, masterSocketPath)) return;
  log.info(`stopping the haproxy master (pid ${pid}) a previous router left: ${hurry() ? 'the stop is hurried' : 'its connections did not end in time'}`);
  await stopPredecessor(pid, log);
}

/** Drains every master of this working dir but `except` (older ones, taken over and still finishing their connections, included). */
export function drainOtherMasters(masterSocketPath: string, except: number | undefined, deadline: number, log: Logger, hurry?: () => boolean): Promise<void> {
  const others = mastersOf(masterSocketPath, except === undefined ? [] : [except]);
  return Promise.all(others.map((m) => drainPredecessor(m.pid, masterSocketPath, deadline, log, hurry))).then(() => {});
}

/** Whether the worker's admin socket answers: `-x` fetches the listening sockets through it. */
export async function adminSocketAnswers(adminSocketPath: string): Promise<boolean> {
  try {
    return (await socketCommand(adminSocketPath, 'show info', TAKEOVER_PROBE_TIMEOUT_MS)).includes('Pid:');
  } catch {
    return false;
  }
}

/**
 * Whether the master `pid` answers on its socket, waiting up to
 * PREDECESSOR_LOAD_WAIT_MS while it runs but does not answer (a reload's
 * load); one stopped (SIGSTOP, a debugger) is not waited for.
 */
async function masterAnswersSoon(masterSocketPath: string, pid: number, stopping: () => boolean, log: Logger): Promise<boolean> {
  if (await masterAnswers(masterSocketPath, pid)) return true;
  if (!isRunning(pid) || isStopped(pid)) return false;
  log.info(`haproxy master pid ${pid} does not answer on ${masterSocketPath} yet (a reload under way?): waiting up to ${PREDECESSOR_LOAD_WAIT_MS} ms to take it over`);
  const deadline = Date.now() + PREDECESSOR_LOAD_WAIT_MS;
  while (Date.now() < deadline && !stopping() && isRunning(pid) && !isStopped(pid)) {
    await Bun.sleep(PROC_POLL_MAX_INTERVAL_MS);
    if (await masterAnswers(masterSocketPath, pid)) return true;
  }
  return false;
}

/** Stopped by a signal (SIGSTOP) or traced: it answers nothing until someone lets it go on. */
function isStopped(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'T' || state === 't';
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
  const since = procStat(predecessor)?.startTicks;
  if (since === undefined) return [];
  return mastersOf(masterSocketPath, [predecessor]).flatMap((m) => (m.startTicks > since ? [m.pid] : []));
}

/** The haproxy masters of this working dir (not their workers) but `except`, with when each started. */
export function mastersOf(masterSocketPath: string, except: readonly number[]): { pid: number; startTicks: number }[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || except.includes(pid) || pid === process.pid || !isOurMaster(pid, masterSocketPath)) return [];
    const stat = procStat(pid);
    // A worker is its master's fork, with the same command line: its parent is a master of ours.
    if (stat === undefined || isOurMaster(stat.ppid, masterSocketPath)) return [];
    return [{ pid, startTicks: stat.startTicks }];
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


/** Resolves true once `pid` is no longer running, false if it still is after `ms` or once `hurry` says so. Not our child: there is no exit event to await. */
export async function goneWithin(pid: number, ms: number, hurry: () => boolean = () => false): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isRunning(pid)) {
    if (Date.now() >= deadline || hurry()) return false;
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
  // that worker accepting on the sockets beside the new one. One in the middle of a reload (its router killed then)
  // answers once it has loaded: waited for, rather than cutting its connections.
  const silent = !(await adminSocketAnswers(paths.adminSocketPath))
    ? paths.adminSocketPath
    : !(await masterAnswersSoon(paths.masterSocketPath, predecessor, stopping, log))
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
