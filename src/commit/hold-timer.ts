/**
 * Routes on spares must get their own backends within --commit-interval:
 * when a hold (the worker running a model a fresh load would not) has lasted
 * that long, a commit is due, and this asks for it.
 */
export class HoldTimer {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly commitIntervalMs: number,
    private readonly requestCommit: () => void,
    private readonly now: () => number,
  ) {}

  /** Follows the applied state's hold: armed while one lasts, cleared when it ends. */
  sync(heldSince: number | undefined): void {
    if (heldSince === undefined) return this.stop();
    if (this.timer !== undefined) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.requestCommit();
      },
      Math.max(0, heldSince + this.commitIntervalMs - this.now()),
    );
    // A pending flush must not keep a stopping router alive.
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
