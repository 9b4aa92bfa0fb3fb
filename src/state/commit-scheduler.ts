/**
 * Coalesces changes into commits: at most one commit runs at a time, commit
 * starts are at least `intervalMs` apart (the first is immediate), changes
 * that arrive during a commit cause exactly one more, and nothing is
 * committed before `enable()` (i.e. before every source has synced).
 */
export class CommitScheduler {
  private requested = 0;
  private committed = 0;
  private enabled = false;
  private stopped = false;
  private running: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastStart = Number.NEGATIVE_INFINITY;
  private waiters: { seq: number; resolve: () => void }[] = [];

  constructor(
    private readonly commit: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records that the state changed and a commit is due. */
  request(): void {
    this.requested++;
    this.schedule();
  }

  /** Allows commits from now on (called once the sources have synced). */
  enable(): void {
    this.enabled = true;
    this.schedule();
  }

  /** Resolves once every change requested before this call is committed: the barrier tests await. */
  flush(): Promise<void> {
    if (this.committed >= this.requested) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq: this.requested, resolve }));
  }

  /** Stops scheduling and waits for a running commit to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(): void {
    if (!this.enabled || this.stopped || this.running || this.timer || this.committed >= this.requested) return;
    const wait = Math.max(0, this.lastStart + this.intervalMs - this.now());
    this.timer = setTimeout(() => void this.run(), wait);
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    const seq = this.requested;
    this.lastStart = this.now();
    this.running = this.commit().catch(this.onError);
    await this.running;
    this.running = undefined;
    this.committed = seq;
    const done = this.waiters.filter((w) => w.seq <= seq);
    this.waiters = this.waiters.filter((w) => w.seq > seq);
    for (const w of done) w.resolve();
    this.schedule();
  }
}
