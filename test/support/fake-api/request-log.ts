/** One request as the fake received it, for assertions. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
}

/** Requests in arrival order, logged before any stall or injected failure so tests can await them. */
export class RequestLog {
  readonly entries: RecordedRequest[] = [];
  #waiters: { match: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }[] = [];

  /** Logs a request and wakes whoever waits for one like it. */
  add(r: RecordedRequest): void {
    this.entries.push(r);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.match(r)) return true;
      w.resolve(r);
      return false;
    });
  }

  /** The first logged request that matches, waiting for one if none has arrived yet. */
  waitFor(match: (r: RecordedRequest) => boolean): Promise<RecordedRequest> {
    const seen = this.entries.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }
}
