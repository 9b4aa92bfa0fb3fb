/**
 * A full garbage collection once the router is quiet after work that grew
 * its memory. The first commit at 10,000 routes (lists, admission, the
 * whole config as text) and the status writes after it leave hundreds of
 * megabytes of garbage; the collector runs on allocation, so a router that
 * then idles keeps them as RSS. Measured here: 300 MiB after start at
 * 10,000 routes, of which about 120 MiB were live.
 */

/** How often memory is looked at. */
export const LOOK_EVERY_MS = 5_000;
/** Quiet time after the last commit before collecting: a collection pauses the router for a time that grows with the live heap. */
export const QUIET_MS = 2_000;
/** Collect only once RSS has grown this much since the last collection. */
export const GROWTH_TO_COLLECT = 1.25;

export interface IdleCollectorDeps {
  /** A full, synchronous collection (Bun.gc(true)). */
  collect(): void;
  /** Resident set size now, in bytes. */
  rss(): number;
  now(): number;
  lookEveryMs?: number;
}

export class IdleCollector {
  private readonly timer: ReturnType<typeof setInterval>;
  private baseline: number;
  private lastCommitAt = -Infinity;

  constructor(private readonly deps: IdleCollectorDeps) {
    this.baseline = deps.rss();
    this.timer = setInterval(() => this.look(), deps.lookEveryMs ?? LOOK_EVERY_MS);
    this.timer.unref?.();
  }

  /** A commit just ended: the router is busy for a while. */
  committed(): void {
    this.lastCommitAt = this.deps.now();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private look(): void {
    if (this.deps.now() - this.lastCommitAt < QUIET_MS) return;
    if (this.deps.rss() < this.baseline * GROWTH_TO_COLLECT) return;
    this.deps.collect();
    this.baseline = this.deps.rss();
  }
}
