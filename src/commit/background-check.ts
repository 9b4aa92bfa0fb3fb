import type { Logger } from '../log.ts';
import type { ConfigChecker } from './ports.ts';

/** Checks no closer together than this. */
export const MIN_CHECK_INTERVAL_MS = 1000;
/**
 * And no more often than this many times their own duration apart:
 * `haproxy -c` of a large configuration takes seconds of CPU (about 5 s at
 * 10,000 routes with certificates, BENCHMARKS.md), so under steady churn
 * the checks take at most a tenth of a core, whatever the size.
 */
export const CHECK_SPACING_FACTOR = 10;

const NO_RELEASE = () => () => undefined;

/**
 * `haproxy -c` of the generations the runtime path writes, in the
 * background. Those are not checked before they go live (a check would hold
 * every runtime update up), yet a restart loads them: a generation haproxy
 * would refuse is found here, and the caller reloads from the model (a
 * reload checks its candidate first). Checks are coalesced: one at a time,
 * only the newest generation, and a generation that is no longer the active
 * one by the time its check ends is not judged.
 *
 * A check reads the generation as the worker's changes leave it, in place:
 * holding it would send the next change to a whole new generation (100-200
 * ms at 50,000 routes, once per check). Files replaced while haproxy reads
 * them may make it refuse a mix that was never the configuration, so a
 * refusal seen while the generation changed is judged again at once, with
 * the generation held; every change asks for a check of its own anyway, so
 * what a passing check read in part is read whole by the next.
 */
export class BackgroundCheck {
  private pending: { generation: number; configPath: string } | undefined;
  /** The generation on disk now; a load that checked its own candidate clears what is pending. */
  private active: number | undefined;
  private running: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastStart = Number.NEGATIVE_INFINITY;
  private lastDuration = 0;
  private stopped = false;
  private waiters: (() => void)[] = [];
  /** Generations written so far (in place, most of them): a check tells from it whether its files changed under it. */
  private writes = 0;
  /** The last check was refused while its generation changed: the next runs at once, with the generation held. */
  private strict = false;

  constructor(
    private readonly deps: {
      checker: ConfigChecker;
      /** Keeps the generation a check reads as it is until the check ends. */
      hold(generation: number): Promise<() => void>;
      /** Writes the in-place updates still waiting: a check reads what the worker runs. */
      flush(): Promise<void>;
      /** A generation on disk failed its check: the worker's files would not load again. */
      onRefused(output: readonly string[]): void;
      logger: Logger;
      now?: () => number;
    },
  ) {}

  /** A generation written without a check is now the active one. */
  written(generation: number, configPath: string): void {
    this.writes++;
    this.active = generation;
    this.pending = { generation, configPath };
    this.kick();
  }

  /** A generation that passed `haproxy -c` is now the active one. */
  checked(generation: number): void {
    this.active = generation;
    this.pending = undefined;
  }

  /** Resolves once no check is running or due. */
  idle(): Promise<void> {
    if (!this.busy()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.pending = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.running) this.settle();
  }

  private busy(): boolean {
    return this.running !== undefined || this.timer !== undefined || (this.pending !== undefined && !this.stopped);
  }

  private settle(): void {
    if (this.busy()) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private kick(): void {
    if (this.running || this.timer) return;
    if (this.stopped || !this.pending) return this.settle();
    const now = this.deps.now ?? Date.now;
    const wait = this.strict ? 0 : this.lastStart + Math.max(MIN_CHECK_INTERVAL_MS, CHECK_SPACING_FACTOR * this.lastDuration) - now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.kick();
      }, wait);
      // A check due later must not keep a stopping router alive.
      this.timer.unref();
      return;
    }
    const target = this.pending;
    this.pending = undefined;
    this.lastStart = now();
    // Real time, whatever clock the spacing is counted in: it is haproxy's cost that sets it.
    const started = performance.now();
    const strict = this.strict;
    this.strict = false;
    const writes = this.writes;
    // Held (strict) from here, changes meanwhile go to a new generation; else they go in place. The check reads the
    // generation once what waited for it is written (a flush that fails leaves each file whole: the check judges that).
    const ready = strict ? this.deps.hold(target.generation) : this.deps.flush().then(NO_RELEASE, NO_RELEASE);
    this.running = ready
      .then(async (release) => {
        try {
          await this.run(target, strict ? undefined : writes);
        } finally {
          release();
        }
      })
      .finally(() => {
        this.lastDuration = performance.now() - started;
        this.running = undefined;
        this.kick();
      });
  }

  /** `writes`: the count when the check started, if it read the generation unheld. */
  private async run(target: { generation: number; configPath: string }, writes: number | undefined): Promise<void> {
    const result = await this.deps.checker.check(target.configPath, { background: true });
    // Only haproxy's own verdict on the generation still in use counts (a newer one may have replaced and removed it).
    if (result.ok || this.stopped || this.active !== target.generation || !result.output.some((l) => l.startsWith('[ALERT]'))) return;
    if (writes !== undefined && writes !== this.writes) {
      this.deps.logger.debug(`haproxy -c refused generation ${target.generation} while it changed; checking it again, held`);
      this.strict = true;
      return;
    }
    this.deps.logger.error(`the configuration on disk (generation ${target.generation}) does not pass haproxy -c; reloading from the model:\n${result.output.join('\n')}`);
    this.deps.onRefused(result.output);
  }
}
