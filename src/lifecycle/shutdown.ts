import type { HaproxySupervisor } from '../haproxy/supervisor.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';

/** What readiness reads: true from the moment a stop or a hand-over begins. */
export interface ShutdownState {
  readonly shuttingDown: boolean;
  /** Called once, when shutting down begins (at once if it already has). */
  onShuttingDown(listener: () => void): void;
}

export interface ShutdownDeps {
  /** ROUTER_GRACEFUL_SHUTDOWN_DELAY: how long haproxy keeps serving, readiness failing, before it drains. */
  gracefulDelayMs: number;
  /** Stops what feeds haproxy (sources, commits), after the commit in flight. */
  stopIntake: () => Promise<void>;
  /**
   * A stop is past its graceful delay (or is a stop now): the commit in
   * flight is not waited for to load (a check or reload of many routes can
   * outlast systemd's TimeoutStopSec), since haproxy drains next whatever it loads.
   */
  abandonLoads: () => void;
  supervisor: Pick<HaproxySupervisor, 'stop' | 'stopNow' | 'release'>;
  /** Lets the next router into the working dir. */
  releaseWorkingDir: () => void;
  log: Logger;
}

/**
 * How a running router ends. A stop (upstream's SIGTERM): readiness fails at
 * once so load balancers move away, haproxy serves on for the graceful
 * delay, then drains and stops. A stop now (a second signal) skips or cuts
 * short whatever waiting is left. A hand-over leaves haproxy serving for the
 * next router, which takes it over.
 */
export class RouterShutdown implements ShutdownState {
  private begun = false;
  private listeners: (() => void)[] = [];
  private done: Promise<void> | undefined;
  private now = false;
  private handingOver = false;
  private skipDelay: () => void = () => {};

  constructor(private readonly deps: ShutdownDeps) {}

  get shuttingDown(): boolean {
    return this.begun;
  }

  onShuttingDown(listener: () => void): void {
    if (this.begun) listener();
    else this.listeners.push(listener);
  }

  stop(): Promise<void> {
    this.begin();
    this.done ??= this.stopSequence();
    return this.done;
  }

  /** Also turns a hand-over in progress into a stop: whoever sends it wants haproxy gone. */
  async stopNow(): Promise<void> {
    this.now = true;
    this.skipDelay();
    this.begin();
    this.deps.abandonLoads();
    const haproxyStopped = this.deps.supervisor.stopNow();
    this.done ??= this.stopSequence();
    await Promise.all([this.done, haproxyStopped]);
  }

  handOver(): Promise<void> {
    this.begin();
    this.done ??= this.handOverSequence();
    return this.done;
  }

  private begin(): void {
    if (this.begun) return;
    this.begun = true;
    for (const listener of this.listeners.splice(0)) listener();
  }

  private async stopSequence(): Promise<void> {
    const delay = this.deps.gracefulDelayMs;
    if (!this.now && delay > 0) {
      this.deps.log.info(`readiness fails from now on; haproxy serves for ${delay} ms more (ROUTER_GRACEFUL_SHUTDOWN_DELAY), then drains`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.skipDelay = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    // Changes went live (and reloaded) through the delay, as upstream's router keeps serving them: only now is a load given up.
    this.deps.abandonLoads();
    await this.stopIntake();
    try {
      await (this.now ? this.deps.supervisor.stopNow() : this.deps.supervisor.stop());
    } finally {
      this.deps.releaseWorkingDir();
    }
  }

  /**
   * Stops the intake; should that fail (the working dir's disk full for the
   * last writes, say), the stop or hand-over goes on all the same: haproxy
   * runs a whole generation, and the next router starts from the one on disk.
   */
  private async stopIntake(): Promise<void> {
    try {
      await this.deps.stopIntake();
    } catch (e) {
      this.deps.log.error(`stopping what feeds haproxy failed: ${errorMessage(e)}; going on with the ${this.now || !this.handingOver ? 'stop' : 'hand-over'}`);
    }
  }

  private async handOverSequence(): Promise<void> {
    this.handingOver = true;
    // No commit may be half done when the next router reads the working dir.
    await this.stopIntake();
    if (this.now) {
      await this.deps.supervisor.stopNow();
      this.deps.releaseWorkingDir();
      return;
    }
    const pid = await this.deps.supervisor.release();
    this.deps.releaseWorkingDir();
    this.deps.log.info(
      pid === undefined
        ? 'handed over: haproxy was not running (it was being restarted); the next router starts it'
        : `handed over: haproxy (master pid ${pid}) keeps serving until the next router on this working dir takes it over`,
    );
  }
}
