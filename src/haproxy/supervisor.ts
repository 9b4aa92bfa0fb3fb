import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { pipeLines } from './log-lines.ts';
import { parseShowProc, type ProcState } from './show-proc.ts';
import { socketCommand } from './runtime-api/socket-command.ts';
import {
  PROC_POLL_INTERVAL_MS,
  RELOAD_TIMEOUT_MS,
  RESTART_BACKOFF_INITIAL_MS,
  RESTART_BACKOFF_MAX_MS,
  RESTART_BACKOFF_RESET_AFTER_MS,
  START_TIMEOUT_MS,
  STOP_DRAIN_TIMEOUT_MS,
  STOP_TERM_TIMEOUT_MS,
} from './timeouts.ts';

export interface SupervisorOptions {
  haproxyBinary: string;
  /** The stable path (through the `conf` symlink) haproxy loads on start and on every reload. */
  configPath: string;
  masterSocketPath: string;
  pidFile: string;
  logger: Logger;
  /** Called when haproxy, restarted after it died, is serving again (not after a start the caller asked for). */
  onRestarted?: () => void;
}

export type ReloadResult = { ok: true; workerPid: number } | { ok: false; message: string };

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs haproxy as the router's own child in master-worker mode and keeps it
 * running: reloads through the master CLI, restarts with backoff when the
 * master dies, and stops it gracefully (drain, TERM, KILL).
 */
export class HaproxySupervisor {
  private proc: Bun.Subprocess<'ignore', 'pipe', 'pipe'> | undefined;
  /** The master that reached ready; only its death triggers a restart (a failed start is the caller's to handle). */
  private readyProc: Bun.Subprocess | undefined;
  /** The start in flight, if any (settled, never rejecting): stop() waits for it. */
  private starting: Promise<void> | undefined;
  private stopping = false;
  private backoffMs = RESTART_BACKOFF_INITIAL_MS;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private startedAt = 0;
  private readonly log: Logger;
  private readonly haproxyLog: Logger;
  /** Resolves whenever a (re)started haproxy is serving; tests and the router await it. */
  private readyListeners: (() => void)[] = [];
  /** The start in progress is a restart after haproxy died (see onRestarted). */
  private restarting = false;

  constructor(private readonly opts: SupervisorOptions) {
    this.log = opts.logger.withTag('supervisor');
    this.haproxyLog = opts.logger.withTag('haproxy');
  }

  /** The master that reached ready and is still alive; a master still starting does not count. */
  get masterPid(): number | undefined {
    return this.readyProc?.exitCode === null ? this.readyProc.pid : undefined;
  }

  get running(): boolean {
    return this.masterPid !== undefined;
  }

  /** True from the first successful start until stop(): haproxy is ours to keep alive, even while it restarts. */
  get supervising(): boolean {
    return this.readyProc !== undefined || this.restartTimer !== undefined;
  }

  /** Starts haproxy and resolves once its first worker is up; rejects with haproxy's own alerts if it cannot start. */
  start(): Promise<void> {
    const starting = this.spawnAndWait();
    this.starting = starting.catch(() => {});
    return starting;
  }

  private async spawnAndWait(): Promise<void> {
    await this.killStale();
    // stop() is final: a start (or crash restart) that raced it must not bring haproxy back.
    if (this.stopping) throw new Error('haproxy supervisor is stopped');
    const alerts: string[] = [];
    const proc = Bun.spawn(
      [this.opts.haproxyBinary, '-W', '-S', `${this.opts.masterSocketPath},mode,600`, '-f', this.opts.configPath, '-p', this.opts.pidFile],
      // Its own process group: a Ctrl-C meant for the router must not kill haproxy mid-request; the router drains it.
      { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', detached: true },
    );
    this.proc = proc;
    this.startedAt = Date.now();
    const collect = (line: string) => {
      if (/^\[ALERT\]/.test(line)) alerts.push(line);
    };
    void pipeLines(proc.stdout, this.haproxyLog, collect);
    void pipeLines(proc.stderr, this.haproxyLog, collect);
    void proc.exited.then((code) => this.onExit(proc, code));
    const state = await this.waitFor((s) => s.workerPids.length > 0, START_TIMEOUT_MS, proc);
    if (this.stopping) {
      proc.kill('SIGKILL');
      await proc.exited;
      throw new Error('haproxy supervisor stopped while haproxy was starting');
    }
    if (!state) {
      const detail = alerts.length > 0 ? alerts.join('; ') : `no worker within ${START_TIMEOUT_MS} ms`;
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await proc.exited;
      throw new Error(`haproxy failed to start: ${detail}`);
    }
    if (this.restarting) {
      this.restarting = false;
      // Before `running` turns true: nothing may talk to the new worker before the caller knows it is new.
      this.opts.onRestarted?.();
    }
    this.readyProc = proc;
    this.restartTimer = undefined;
    this.log.info(`haproxy started (master pid ${proc.pid}, worker pid ${state.workerPids.join(',')})`);
    this.notifyReady();
  }

  /**
   * Asks the master to reload the config at `configPath`. haproxy 2.6 answers
   * a reload with nothing, so success is read from `show proc`: the reload
   * counter moved and the failed counter did not.
   */
  async reload(): Promise<ReloadResult> {
    const proc = this.readyProc;
    if (!proc || proc.exitCode !== null) return { ok: false, message: 'haproxy is not running' };
    const before = await this.procState();
    if (!before) return { ok: false, message: 'master socket did not answer show proc' };
    await socketCommand(this.opts.masterSocketPath, 'reload').catch(() => '');
    const after = await this.waitFor((s) => s.reloads > before.reloads, RELOAD_TIMEOUT_MS, proc);
    if (!after) return { ok: false, message: `no reload observed within ${RELOAD_TIMEOUT_MS} ms` };
    if (after.failedReloads > before.failedReloads) return { ok: false, message: 'haproxy failed to load the new configuration' };
    const worker = after.workerPids.find((pid) => !before.workerPids.includes(pid));
    if (worker === undefined) return { ok: false, message: 'reload left no new worker' };
    return { ok: true, workerPid: worker };
  }

  /** Graceful stop: workers finish their connections (SIGUSR1), then TERM, then KILL. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    await this.starting;
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    this.log.info(`stopping haproxy (master pid ${proc.pid}): draining connections`);
    proc.kill('SIGUSR1');
    if (await this.exitsWithin(proc, STOP_DRAIN_TIMEOUT_MS)) return;
    this.log.warn(`haproxy still running after ${STOP_DRAIN_TIMEOUT_MS} ms of draining; sending SIGTERM`);
    proc.kill('SIGTERM');
    if (await this.exitsWithin(proc, STOP_TERM_TIMEOUT_MS)) return;
    this.log.warn(`haproxy still running ${STOP_TERM_TIMEOUT_MS} ms after SIGTERM; sending SIGKILL`);
    proc.kill('SIGKILL');
    await proc.exited;
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

  private async waitFor(
    done: (s: ProcState) => boolean,
    timeoutMs: number,
    proc: Bun.Subprocess,
  ): Promise<ProcState | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && proc.exitCode === null) {
      const state = await this.procState();
      if (state && done(state)) return state;
      await delay(PROC_POLL_INTERVAL_MS);
    }
    return undefined;
  }

  private async exitsWithin(proc: Bun.Subprocess, ms: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
    const exited = await Promise.race([proc.exited.then(() => true as const), timeout]);
    clearTimeout(timer);
    return exited;
  }

  private onExit(proc: Bun.Subprocess, code: number | null): void {
    if (proc !== this.readyProc || this.stopping) return;
    this.readyProc = undefined;
    if (Date.now() - this.startedAt > RESTART_BACKOFF_RESET_AFTER_MS) this.backoffMs = RESTART_BACKOFF_INITIAL_MS;
    this.scheduleRestart(`haproxy master (pid ${proc.pid}) exited unexpectedly (${proc.signalCode ?? `code ${code}`})`);
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

  /**
   * A router killed with SIGKILL leaves its haproxy master running and holding
   * the ports; the pid file and our master socket in its command line
   * identify it, so it is stopped before a new one starts.
   */
  private async killStale(): Promise<void> {
    let pid: number;
    try {
      pid = Number(readFileSync(this.opts.pidFile, 'utf8').trim());
    } catch {
      return;
    }
    if (!Number.isInteger(pid) || pid <= 1 || pid === this.proc?.pid) return;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      await rm(this.opts.pidFile, { force: true });
      return;
    }
    if (!cmdline.includes(this.opts.masterSocketPath)) return;
    this.log.warn(`stopping haproxy left behind by a previous router (pid ${pid})`);
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + STOP_TERM_TIMEOUT_MS;
    while (Date.now() < deadline) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      await delay(PROC_POLL_INTERVAL_MS);
    }
    process.kill(pid, 'SIGKILL');
  }
}
