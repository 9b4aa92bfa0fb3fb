import type { Logger } from '../log.ts';
import { errorMessage } from '../errors.ts';
import { haproxyMessages, pipeLines } from './log-lines.ts';
import { masterCommand, masterDirectory, startFailure } from './master-command.ts';
import { RELOAD_ABANDONED } from './abandoned.ts';
import { drainOtherMasters, findPredecessor, stopPredecessor, strayMasters, takeOverOrStart } from './predecessor.ts';
import { parseShowProc, type ProcState } from './show-proc.ts';
import { socketCommand } from './runtime-api/socket-command.ts';
import { stopMaster, type StopMode } from './stop-master.ts';
import { hasExited } from './subprocess.ts';
import { haproxyEnv } from './haproxy-env.ts';
import { pollMaster, Wakeup, workerForked } from './poll-master.ts';
import { RELOAD_TIMEOUT_MS, RESTART_BACKOFF_INITIAL_MS, RESTART_BACKOFF_MAX_MS, RESTART_BACKOFF_RESET_AFTER_MS, START_TIMEOUT_MS } from './timeouts.ts';

/** What a test may do between a new master listing its first worker and the supervisor counting it as started. */
export interface SupervisorHooks {
  beforeConfirm?: (started: { masterPid: number; workerPids: number[]; exited: Promise<number> }) => Promise<void>;
  /** Awaited before the master is asked to reload (the old worker alone answers until then). */
  beforeReload?: () => Promise<void>;
  /** Awaited once the master lists the reload's new worker, before the reload counts as done. */
  afterReload?: (workerPid: number) => Promise<void>;
}

export interface SupervisorOptions {
  haproxyBinary: string;
  /** Aborted: no haproxy is started or taken over from then on (a process stopping before its start was done). */
  abandoned?: AbortSignal;
  /** The stable path (through the `conf` symlink) haproxy loads on start and on every reload. */
  configPath: string;
  masterSocketPath: string;
  /** The worker's admin socket, declared with `expose-fd listeners`: a takeover fetches the listening sockets through it. */
  adminSocketPath: string;
  pidFile: string;
  /** How long a graceful stop lets workers finish their connections before SIGTERM (ROUTER_MAX_SHUTDOWN_TIMEOUT). */
  drainTimeoutMs: number;
  logger: Logger;
  /** haproxy's stdout, its access log, which the caller reads (log-fifo.ts); without it, logged here at debug level. */
  logFd?: number;
  /** Called when haproxy, restarted after it died, is serving again (not after a start the caller asked for). */
  onRestarted?: () => void;
  /** Called as each master is spawned, before it has read its configuration. */
  onLaunch?: () => void;
  /** Awaited before each master is spawned: the files at `configPath` must be complete by then. */
  beforeLaunch?: () => Promise<void>;
  /** Tests only. */
  hooks?: SupervisorHooks;
}

export type ReloadResult = { ok: true; workerPid: number } | { ok: false; message: string };

/** One master we spawned; `confirmed` once it served, `exitSeen` if it died before that was noted. */
interface Master {
  proc: Bun.Subprocess<'ignore', 'pipe' | number, 'pipe'>;
  confirmed: boolean;
  exitSeen: boolean;
}

/**
 * Runs haproxy as the router's own child in master-worker mode and keeps it
 * running: takes over from a master a previous router left serving, reloads
 * through the master CLI, restarts with backoff whenever the master dies,
 * and stops it (drain, TERM, KILL) or leaves it serving on a hand-over.
 * While it is ours, haproxy does not outlive the router process: an exit
 * through any other path sends it SIGTERM.
 */
export class HaproxySupervisor {
  private current: Master | undefined;
  /** The master that reached ready; only its death triggers a restart (a failed start is the caller's to handle). */
  private ready: Master | undefined;
  /** The start in flight, if any (settled, never rejecting): stop() waits for it. */
  private starting: Promise<void> | undefined;
  /** Set by stop(), stopNow() and release(): nothing starts or restarts after it. */
  private stopping = false;
  /** A stop began: a reload in flight is not waited for (see abandonReloads). */
  private reloadsAbandoned = false;
  private stopMode: StopMode = { now: false };
  private stopped: Promise<void> | undefined;
  private backoffMs = RESTART_BACKOFF_INITIAL_MS;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private startedAt = 0;
  private readonly log: Logger;
  private readonly haproxyLog: Logger;
  /** haproxy's stderr: its own messages. */
  private readonly haproxyMessage: (line: string) => void;
  private readyListeners: (() => void)[] = [];
  /** The start in progress is a restart after haproxy died (see onRestarted). */
  private restarting = false;
  /** The worker the master started or reloaded last (the one new connections go to); undefined before. */
  private lastWorker: number | undefined;
  private readonly wakeup = new Wakeup();
  private readonly pause = (ms: number) => this.wakeup.sleep(ms);
  private readonly onProcessExit = () => {
    const proc = this.current?.proc;
    if (!proc || hasExited(proc)) return;
    try {
      // The whole group (haproxy is spawned detached): a master re-executing itself for a reload can miss a signal.
      process.kill(-proc.pid, 'SIGTERM');
    } catch {
      proc.kill('SIGTERM');
    }
  };

  constructor(private readonly opts: SupervisorOptions) {
    this.log = opts.logger.withTag('supervisor');
    this.haproxyLog = opts.logger.withTag('haproxy');
    this.haproxyMessage = haproxyMessages(this.haproxyLog);
  }

  /** The master that reached ready and is still alive; a master still starting does not count. */
  get masterPid(): number | undefined {
    return this.ready && !hasExited(this.ready.proc) ? this.ready.proc.pid : undefined;
  }

  get running(): boolean {
    return this.masterPid !== undefined;
  }

  /** True from the first successful start until stop(): haproxy is ours to keep alive, even while it restarts. */
  get supervising(): boolean {
    return this.ready !== undefined || this.restartTimer !== undefined;
  }

  /**
   * Starts haproxy and resolves once its first worker is up; rejects with
   * haproxy's own alerts if it cannot start. A master a previous router of
   * this working dir left serving is taken over, not stopped.
   */
  servingPredecessor(): boolean {
    return findPredecessor(this.opts.pidFile, this.opts.masterSocketPath) !== undefined;
  }

  /** The worker new connections go to: the one the last start or reload made. */
  get workerPid(): number | undefined {
    return this.lastWorker;
  }

  start(): Promise<void> {
    if (this.opts.abandoned?.aborted) return Promise.reject(new Error('the router is stopping: haproxy is not started'));
    const predecessor = this.stopping ? undefined : findPredecessor(this.opts.pidFile, this.opts.masterSocketPath);
    const starting = this.stopStrays(predecessor).then(() =>
      takeOverOrStart(predecessor, { adminSocketPath: this.opts.adminSocketPath, masterSocketPath: this.opts.masterSocketPath }, (from) => this.launch(from), () => this.stopping, this.log),
    );
    this.starting = starting.catch(() => {});
    return starting;
  }

  /** Masters of this working dir newer than the one the pid file names (a router killed while its take-over loaded) would serve beside ours: stopped. */
  private async stopStrays(predecessor: number | undefined): Promise<void> {
    if (predecessor === undefined) return;
    for (const pid of strayMasters(this.opts.masterSocketPath, predecessor)) {
      this.log.warn(`haproxy master pid ${pid} of this working dir is not the one its pid file names: stopping it (a router was stopped while it started it)`);
      await stopPredecessor(pid, this.log);
    }
  }

  private async launch(takeOverFrom?: number): Promise<void> {
    // stop() is final: a start (or crash restart) that raced it must not bring haproxy back.
    if (this.stopping || this.opts.abandoned?.aborted) throw new Error('haproxy supervisor is stopped');
    // A start's alerts are what its failure says; they are logged on their own only if it succeeds anyway.
    let alerts: string[] | undefined = [];
    await this.opts.beforeLaunch?.();
    if (this.stopping) throw new Error('haproxy supervisor is stopped');
    const proc = Bun.spawn(masterCommand({ ...this.opts, takeOverFrom }), {
      cwd: masterDirectory(this.opts),
      env: haproxyEnv(),
      stdin: 'ignore',
      stdout: this.opts.logFd ?? 'pipe',
      stderr: 'pipe',
      // Its own process group: a Ctrl-C meant for the router must not kill haproxy mid-request; the router drains it.
      detached: true,
    });
    this.opts.onLaunch?.();
    const master: Master = { proc, confirmed: false, exitSeen: false };
    this.current = master;
    process.off('exit', this.onProcessExit);
    process.on('exit', this.onProcessExit);
    this.startedAt = Date.now();
    if (proc.stdout instanceof ReadableStream) void pipeLines(proc.stdout, (line) => this.haproxyLog.debug(line));
    void pipeLines(proc.stderr, (line) => {
      if (workerForked(line)) this.wakeup.now();
      if (alerts && /^\[ALERT\]/.test(line)) alerts.push(line);
      else this.haproxyMessage(line);
    });
    void proc.exited.then((code) => this.onExit(master, code));
    // Until the new master binds the master socket, a predecessor's may still answer there: only our master's word counts.
    const state = await pollMaster(() => this.procState(), (s) => s.masterPid === proc.pid && s.workerPids.length > 0, START_TIMEOUT_MS, proc, () => this.stopping, this.pause);
    if (this.stopping) {
      proc.kill('SIGKILL');
      await proc.exited;
      throw new Error('haproxy supervisor stopped while haproxy was starting');
    }
    if (!state) {
      if (!hasExited(proc)) proc.kill('SIGKILL');
      await proc.exited;
      throw new Error(startFailure(alerts ?? [], START_TIMEOUT_MS));
    }
    for (const alert of alerts ?? []) this.haproxyMessage(alert);
    alerts = undefined;
    await this.opts.hooks?.beforeConfirm?.({ masterPid: proc.pid, workerPids: state.workerPids, exited: proc.exited });
    this.confirm(master, state);
  }

  /** From here the master is ours to keep alive: its death, even one that already happened, leads to a restart. */
  private confirm(master: Master, state: ProcState): void {
    master.confirmed = true;
    this.ready = master;
    if (master.exitSeen) return this.lost(master, 'right after it started');
    this.restartTimer = undefined;
    if (this.restarting) {
      this.restarting = false;
      // Before `running` is read as true by anyone else: nothing may talk to the new worker before the caller knows it is new.
      this.opts.onRestarted?.();
    }
    this.lastWorker = state.workerPids.at(-1);
    this.log.info(`haproxy started (master pid ${master.proc.pid}, worker pid ${state.workerPids.join(',')})`);
    this.notifyReady();
  }

  /**
   * Asks the master to reload the config at `configPath`. haproxy 2.6 answers
   * a reload with nothing, so success is read from `show proc`: the reload
   * counter moved and the failed counter did not.
   */
  async reload(): Promise<ReloadResult> {
    const proc = this.ready?.proc;
    if (!proc || hasExited(proc)) return { ok: false, message: 'haproxy is not running' };
    if (this.reloadsAbandoned) return { ok: false, message: RELOAD_ABANDONED };
    const before = await this.procState();
    if (!before) return { ok: false, message: 'master socket did not answer show proc' };
    await this.opts.hooks?.beforeReload?.();
    this.log.debug(`reloading haproxy (master pid ${proc.pid})`);
    await socketCommand(this.opts.masterSocketPath, 'reload').catch(() => '');
    const after = await pollMaster(() => this.procState(), (s) => s.reloads > before.reloads, RELOAD_TIMEOUT_MS, proc, () => this.reloadsAbandoned, this.pause);
    if (!after) {
      if (this.reloadsAbandoned) return { ok: false, message: RELOAD_ABANDONED };
      return { ok: false, message: hasExited(proc) ? 'haproxy exited during the reload' : `no reload observed within ${RELOAD_TIMEOUT_MS} ms` };
    }
    if (after.failedReloads > before.failedReloads) return { ok: false, message: 'haproxy failed to load the new configuration' };
    const worker = after.workerPids.find((pid) => !before.workerPids.includes(pid));
    if (worker === undefined) return { ok: false, message: 'reload left no new worker' };
    this.lastWorker = worker;
    await this.opts.hooks?.afterReload?.(worker);
    return { ok: true, workerPid: worker };
  }

  /**
   * A stop has begun: a reload in flight is no longer waited for, nor a new
   * one asked for. The stop drains haproxy next whatever it was loading, and
   * a load of many routes can outlast a stop's time (systemd's
   * TimeoutStopSec, which then kills the router and leaves haproxy behind).
   */
  abandonReloads(): void {
    this.reloadsAbandoned = true;
    this.wakeup.now();
  }

  /** Graceful stop: workers finish their connections (SIGUSR1) for up to drainTimeoutMs, then TERM, then KILL. */
  stop(): Promise<void> {
    this.stopped ??= this.stopSequence();
    return this.stopped;
  }

  /** Stops haproxy without (or without any more) draining: SIGTERM now, KILL if it lingers. Also hurries a stop() in progress. */
  stopNow(): Promise<void> {
    this.stopMode.now = true;
    this.stopMode.hurry?.();
    return this.stop();
  }

  /**
   * Hand-over: stops supervising and leaves haproxy serving, for the next
   * router on this working dir to take over. Resolves with the master left running.
   */
  async release(): Promise<number | undefined> {
    this.stopping = true;
    this.cancelRestart();
    await this.starting;
    process.off('exit', this.onProcessExit);
    return this.masterPid;
  }

  private async stopSequence(): Promise<void> {
    this.stopping = true;
    this.cancelRestart();
    await this.starting;
    const deadline = Date.now() + this.opts.drainTimeoutMs;
    const proc = this.current?.proc;
    // Masters taken over (by this router or those before it) still finishing their connections get the same time as
    // ours, no more: none may outlive the unit's stop.
    const predecessorStopped = drainOtherMasters(this.opts.masterSocketPath, proc?.pid, this.stopMode.now ? 0 : deadline, this.log, () => this.stopMode.now);
    if (proc && !hasExited(proc)) {
      await stopMaster(proc, this.opts.drainTimeoutMs, this.stopMode, this.log);
      this.log.info(`haproxy stopped (master pid ${proc.pid})`);
    }
    await predecessorStopped;
    process.off('exit', this.onProcessExit);
  }

  /** Resolves the next time haproxy becomes ready (after a start or a restart). */
  nextReady(): Promise<void> {
    return new Promise((resolve) => this.readyListeners.push(resolve));
  }

  async procState(): Promise<ProcState | undefined> {
    try {
      return parseShowProc(await socketCommand(this.opts.masterSocketPath, 'show proc'));
    } catch {
      return undefined;
    }
  }

  private notifyReady(): void {
    const listeners = this.readyListeners;
    this.readyListeners = [];
    for (const l of listeners) l();
  }

  private onExit(master: Master, code: number | null): void {
    if (this.stopping) return;
    // A master still starting: the start sees the exit, or (if it already saw a worker) confirm() does.
    if (!master.confirmed) master.exitSeen = true;
    else if (master === this.ready) this.lost(master, `unexpectedly (${master.proc.signalCode ?? `code ${code}`})`);
  }

  private lost(master: Master, how: string): void {
    this.ready = undefined;
    if (Date.now() - this.startedAt > RESTART_BACKOFF_RESET_AFTER_MS) this.backoffMs = RESTART_BACKOFF_INITIAL_MS;
    this.scheduleRestart(`haproxy master (pid ${master.proc.pid}) exited ${how}`);
  }

  private scheduleRestart(reason: string): void {
    if (this.stopping) return;
    const wait = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, RESTART_BACKOFF_MAX_MS);
    this.log.error(`${reason}; restarting in ${wait} ms`);
    this.restartTimer = setTimeout(() => {
      this.restarting = true;
      this.start().catch((err: unknown) => this.scheduleRestart(errorMessage(err)));
    }, wait);
  }

  private cancelRestart(): void {
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }
}
