/**
 * The stall switch: while closed, new requests wait and watch streams queue
 * their events, as when an API server hangs without dropping connections.
 */
export class StallGate {
  #stalled = false;
  #waiters: (() => void)[] = [];
  readonly #onRelease: () => void;

  /** `onRelease` runs synchronously on reopening, before any waiting request resumes, so queued events go out first. */
  constructor(onRelease: () => void) {
    this.#onRelease = onRelease;
  }

  get stalled(): boolean {
    return this.#stalled;
  }

  /** Stalls or releases; releasing flushes queued watch events, then resumes waiting requests. */
  set(on: boolean): void {
    if (on === this.#stalled) return;
    this.#stalled = on;
    if (on) return;
    this.#onRelease();
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resume of waiters) resume();
  }

  /** Resolves at once when open, otherwise when the stall ends. */
  wait(): Promise<void> {
    return this.#stalled ? new Promise((resolve) => this.#waiters.push(resolve)) : Promise.resolve();
  }
}

/** An injected failure: the status, and the Retry-After the server sends with it (as API Priority and Fairness does with 429). */
export interface InjectedFailure {
  status: number;
  retryAfterSeconds: number | undefined;
}

/** Counts down injected failures: the next `n` requests (on paths `only` accepts, when given) answer `status`. */
export class FailureBudget {
  #remaining = 0;
  #failure: InjectedFailure = { status: 500, retryAfterSeconds: undefined };
  #only: ((path: string) => boolean) | undefined;

  /** Replaces any failures still pending. */
  arm(n: number, status: number, retryAfterSeconds?: number, only?: (path: string) => boolean): void {
    this.#remaining = n;
    this.#failure = { status, retryAfterSeconds };
    this.#only = only;
  }

  /** The failure to answer a request for `path` with, or undefined to serve it. */
  take(path: string): InjectedFailure | undefined {
    if (this.#remaining <= 0 || (this.#only && !this.#only(path))) return undefined;
    this.#remaining--;
    return this.#failure;
  }
}
