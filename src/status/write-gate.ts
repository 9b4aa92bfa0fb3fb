/**
 * When status writes may start. A status write is never on the way from a
 * change to haproxy serving it: the gate is shut until haproxy first serves
 * (10,000 routes without this router's status are 10,000 writes at the first
 * start, which would share the CPU with the first configuration) and while
 * any commit runs. Writes in flight when it shuts complete; the queues start
 * new ones only once it opens again.
 */
export class WriteGate {
  private holds: number;
  private waiters: (() => void)[] = [];

  /** `shut`: closed until one `release()` more than `hold()`s (the router's start). */
  constructor(shut = false) {
    this.holds = shut ? 1 : 0;
  }

  get open(): boolean {
    return this.holds === 0;
  }

  /** Shuts the gate until the matching release(). */
  hold(): void {
    this.holds++;
  }

  release(): void {
    if (this.holds === 0) return;
    this.holds--;
    if (this.holds > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves once the gate is open (at once when it is). */
  whenOpen(): Promise<void> {
    if (this.holds === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

/** For writers that nothing holds back (tests, dry runs). */
export const ALWAYS_OPEN: WriteGate = new WriteGate();
