/** Exponential backoff: each delay doubles the previous one, up to a cap, until reset. */
export class Backoff {
  private nextMs: number;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
  ) {
    this.nextMs = initialMs;
  }

  /** The delay to wait now; the following call returns twice as much, capped. */
  next(): number {
    const delay = this.nextMs;
    this.nextMs = Math.min(delay * 2, this.maxMs);
    return delay;
  }

  /** Back to the initial delay, once things work again. */
  reset(): void {
    this.nextMs = this.initialMs;
  }
}
