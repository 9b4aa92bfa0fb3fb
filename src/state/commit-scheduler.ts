/** What a commit may ask of the scheduler: to be run again later because it could not finish now. */
export interface CommitResult {
  /** The commit held back (e.g. a reload within --interval of the last one): run again after this long. */
  retryAfterMs?: number;
  /** Run the next commit now (it has work the last one left it), whatever the retry time: that commit reports its own. */
  again?: boolean;
}

/**
 * A commit due after `delayMs`. One due now waits for the input already
 * there to be read first (Bun runs an immediate before it polls for I/O, so
 * an immediate scheduled from an immediate runs after one poll): the rest
 * of a burst of watch events then joins the commit rather than following it
 * in another, as it did behind setTimeout(0), which also waited a timer's
 * millisecond or so when nothing else was coming.
 */
function later(delayMs: number, run: () => void): { cancel(): void } {
  if (delayMs <= 0) {
    let immediate = setImmediate(() => (immediate = setImmediate(run)));
    return { cancel: () => clearImmediate(immediate) };
  }
  const timer = setTimeout(run, delayMs);
  return { cancel: () => clearTimeout(timer) };
}

/**
 * Runs commits: at most one at a time, as soon as changes arrive (changes
 * that arrive during a commit cause exactly one more), and nothing before
 * `enable()` (i.e. before every source has synced). Rate limits belong to the
 * commit itself, which reports them as `retryAfterMs`: runtime updates must
 * not wait for the reload interval.
 */
export class CommitScheduler {
  private requested = 0;
  private committed = 0;
  private enabled = false;
  private stopped = false;
  private running: Promise<void> | undefined;
  private timer: { cancel(): void } | undefined;
  private waiters: { seq: number; resolve: () => void }[] = [];
  /** requestNow() came while a commit ran: if that commit asks for a retry, the retry runs at once. */
  private urgent = false;
  /** changed() came while a commit ran: if that commit asks for a retry, the retry runs after a pause (changed()). */
  private changedDuring = false;
  /** When the pending timer fires (performance.now()), how long the last commit took, and when it ended. */
  private dueAt = 0;
  private lastRunMs = 0;
  private lastEndedAt = 0;

  /** The aside commit running, if one is (see asideOpen). */
  private asideRunning: Promise<void> | undefined;
  private asideTimer: { cancel(): void } | undefined;
  /** No aside until the commit under way opens them (asideOpen), nor after one could not take its changes. */
  private asideClosed = true;
  /** The input the commit under way, and the last aside, took in. */
  private runningSeq = 0;
  private asideSeq = 0;

  /**
   * `aside`: commits input while a commit runs, when that commit has opened
   * a window for it (asideOpen: a reload under way); resolves false when
   * the input must wait for the commit under way after all.
   */
  constructor(
    private readonly commit: () => Promise<CommitResult | void>,
    private readonly onError: (err: unknown) => void,
    private readonly aside?: () => Promise<boolean>,
  ) {}

  /**
   * Records that a commit is due, for the router's own follow-ups (a hold
   * that ran out, a failed check, a failed commit): a commit held back
   * until a retry time keeps that time.
   */
  request(): void {
    this.requested++;
    this.schedule(0);
  }

  /**
   * New input (routes, endpoints, addresses, certificates): as request(),
   * but a commit held back until a retry time (a reload waiting for
   * --interval or for one namespace's reload budget) runs sooner, so the
   * reload holds back no other change that can go live. Not at once: such a
   * commit may plan the whole configuration again (when the change touches
   * what the reload carries) and hold the reload back again, so it starts
   * no sooner after the last commit ended than that commit took, which keeps
   * a stream of changes from taking more than half a core meanwhile. The
   * pause runs from the last commit's end, not from the change: a change
   * that comes after it has passed goes at once (counted from the change,
   * the first change after a full commit of 5 s at 100,000 routes waited
   * 5 s, however long after that commit it came).
   */
  changed(): void {
    this.requested++;
    if (this.running) {
      this.changedDuring = true;
      this.scheduleAside();
      return;
    }
    const now = performance.now();
    const pauseEnds = this.lastEndedAt + this.lastRunMs;
    if (this.timer && this.dueAt > Math.max(now, pauseEnds)) {
      this.timer.cancel();
      this.timer = undefined;
      this.schedule(Math.max(0, pauseEnds - now));
      return;
    }
    this.schedule(0);
  }

  /**
   * As request(), but a commit held back until a retry time runs now
   * instead (it holds itself back again if it must): for what cannot wait,
   * such as bringing a restarted haproxy in line.
   */
  requestNow(): void {
    this.requested++;
    if (this.running) this.urgent = true;
    if (this.timer && !this.running) {
      this.timer.cancel();
      this.timer = undefined;
    }
    this.schedule(0);
  }

  /**
   * The commit under way is reloading haproxy: new input need not wait for
   * it (the reload takes seconds at 10,000 routes, a minute at 100,000), and
   * goes to the worker being replaced in asides, each after the one before,
   * batched as commits are. Input stays requested until the commits that
   * follow have run (the reload's new worker gets it from the commit after
   * the reload): flush() still means served by whichever worker serves.
   */
  asideOpen(): void {
    this.asideClosed = false;
    this.scheduleAside();
  }

  private scheduleAside(): void {
    if (!this.aside || !this.running || this.asideRunning || this.asideTimer || this.asideClosed || this.stopped) return;
    if (this.requested <= Math.max(this.runningSeq, this.asideSeq)) return;
    this.asideTimer = later(0, () => this.runAside());
  }

  private runAside(): void {
    this.asideTimer = undefined;
    const aside = this.aside;
    if (!aside || !this.running || this.asideClosed || this.stopped) return;
    const seq = this.requested;
    this.asideRunning = aside()
      .then(
        (done) => {
          if (done) this.asideSeq = seq;
          else this.asideClosed = true;
        },
        (err: unknown) => {
          this.asideClosed = true;
          this.onError(err);
        },
      )
      .finally(() => {
        this.asideRunning = undefined;
        this.scheduleAside();
      });
  }

  /** Allows commits from now on (called once the sources have synced). */
  enable(): void {
    this.enabled = true;
    this.schedule(0);
  }

  /** Resolves once every change requested before this call is committed: the barrier tests await. */
  flush(): Promise<void> {
    if (this.committed >= this.requested) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq: this.requested, resolve }));
  }

  /** Stops scheduling and waits for a running commit to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    await this.running;
    this.asideTimer?.cancel();
    this.asideTimer = undefined;
    await this.asideRunning;
    // Nothing more will be committed: release whoever waits rather than leave them hanging.
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }

  private schedule(delayMs: number): void {
    if (!this.enabled || this.stopped || this.running || this.timer || this.committed >= this.requested) return;
    this.dueAt = performance.now() + delayMs;
    this.timer = later(delayMs, () => void this.run());
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    this.urgent = false;
    this.changedDuring = false;
    const seq = this.requested;
    this.runningSeq = seq;
    this.asideClosed = true;
    const startedAt = performance.now();
    let retryAfterMs: number | undefined;
    let again = false;
    // The commit starts in a microtask, once `running` is set: a commit that asks for another before its first await
    // (the committer bringing a restarted haproxy in line) would otherwise find none running and start a second
    // beside itself, both writing and loading configurations.
    this.running = Promise.resolve()
      .then(() => this.commit())
      .then(
        (result) => {
          retryAfterMs = result?.retryAfterMs;
          again = result?.again === true;
        },
        this.onError,
      );
    await this.running;
    this.asideClosed = true;
    this.asideTimer?.cancel();
    this.asideTimer = undefined;
    await this.asideRunning;
    this.running = undefined;
    this.lastEndedAt = performance.now();
    this.lastRunMs = this.lastEndedAt - startedAt;
    // At once: the commit that follows is planned from its own keys (should it come to the full step, it asks for no
    // other). With input that came meanwhile, after the pause new input waits for (changed()): that input may take the
    // full step, and a tenant's stream of such changes must not get a full commit at once after each.
    if (again && retryAfterMs !== undefined) return this.schedule(this.changedDuring ? this.lastRunMs : 0);
    if (retryAfterMs !== undefined) return this.schedule(this.urgent ? 0 : this.changedDuring ? Math.min(retryAfterMs, this.lastRunMs) : retryAfterMs);
    this.committed = seq;
    const done = this.waiters.filter((w) => w.seq <= seq);
    this.waiters = this.waiters.filter((w) => w.seq > seq);
    for (const w of done) w.resolve();
    this.schedule(0);
  }
}
