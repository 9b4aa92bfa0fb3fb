/**
 * Two routers that share a name but disagree (different versions, different
 * flags) would overwrite each other's status forever. Like upstream's
 * SimpleContentionTracker, a route whose entry is changed by someone else
 * more than `maxContentions` times within `windowMs` is left alone until the
 * window passes.
 */
export class ContentionTracker {
  private readonly seen = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly windowMs: number,
    private readonly maxContentions = 5,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records that another writer changed our entry on `key` after we wrote it. */
  contended(key: string): void {
    const t = this.now();
    const entry = this.seen.get(key);
    if (!entry || t - entry.since > this.windowMs) this.seen.set(key, { count: 1, since: t });
    else entry.count++;
  }

  /** Whether we should stop writing `key` for now. */
  isContended(key: string): boolean {
    const entry = this.seen.get(key);
    if (!entry) return false;
    if (this.now() - entry.since > this.windowMs) {
      this.seen.delete(key);
      return false;
    }
    return entry.count > this.maxContentions;
  }
}
