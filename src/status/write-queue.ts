/**
 * The order status writes run in, for any kind of object: in the background,
 * a few at a time, each started only while the gate is open (never while a
 * commit runs, nor before haproxy first serves), each key at most once in the
 * queue however often it is asked for and never written twice at once, and a
 * key whose write failed (API unreachable, 5xx, conflicts that keep coming)
 * tried again with backoff, as upstream's writer lease does: while the
 * verdict stays the same, nothing else would bring the object back to the
 * writer. A write the API server turns away asking for a pause (a 429 from
 * API Priority and Fairness, or a response with Retry-After: errors.ts
 * `retryAfterMs`) pauses every write of the queue that long, as client-go
 * waits out Retry-After, and goes back in the queue without a backoff of
 * its own: a first start's thousands of writes then follow the pace the
 * server sets, one warning a minute at most, instead of each write
 * failing, warning and retrying on its own timer.
 */
import { Backoff } from '../kube-client/backoff.ts';
import { describeKubeError, retryAfterMs } from '../kube-client/errors.ts';
import type { Logger } from '../log.ts';
import { ALWAYS_OPEN, type WriteGate } from './write-gate.ts';

/** Backoff of a key whose write failed, as the informers restart: 1 s doubling to 30 s. */
const RETRY_INITIAL_MS = 1000;
const RETRY_MAX_MS = 30_000;

/**
 * Writes in flight at once: a first start against 10,000 routes without this
 * router's status writes each of them, and one at a time waits out each round
 * trip; a few keep the API server's share of any one router small.
 */
export const WRITE_CONCURRENCY = 4;

/** At most one line a minute says the API server turned writes away, with how many since the last. */
const THROTTLE_LOG_INTERVAL_MS = 60_000;

export interface WriteQueueOptions {
  gate?: WriteGate;
  concurrency?: number;
}

export class WriteQueue {
  private readonly queue = new Set<string>();
  private readonly retries = new Map<string, { backoff: Backoff; timer: ReturnType<typeof setTimeout> | undefined }>();
  private readonly inFlight = new Set<string>();
  private readonly workers = new Set<Promise<void>>();
  private readonly gate: WriteGate;
  private readonly concurrency: number;
  private stopped = false;
  /** Until when (performance.now()) the API server asked to be left alone: no write starts before. */
  private resumeAt = 0;
  /** Writes turned away since the last warning that said so, and when it was logged. */
  private throttled = { count: 0, loggedAt: Number.NEGATIVE_INFINITY };
  /**
   * Wakes each worker waiting for the gate, for stop(). One promise per wait,
   * not one that stop() resolves: every race against a promise that stays
   * pending leaves a reaction on it, one per write for the process's life.
   */
  private readonly parked = new Set<() => void>();

  /**
   * @param write writes the object `key` names; throws to be tried again later
   * @param wanted whether `key` still wants writing (a failed write of a forgotten key is not retried)
   * @param what names the object in the warning of a failed write, e.g. `route shop/web`
   */
  constructor(
    private readonly write: (key: string) => Promise<void>,
    private readonly wanted: (key: string) => boolean,
    private readonly what: (key: string) => string,
    private readonly log: Logger,
    options: WriteQueueOptions = {},
  ) {
    this.gate = options.gate ?? ALWAYS_OPEN;
    this.concurrency = Math.max(1, options.concurrency ?? WRITE_CONCURRENCY);
  }

  add(key: string): void {
    this.queue.add(key);
    this.kick();
  }

  /** Drops a queued write and a pending retry of `key`. */
  forget(key: string): void {
    this.queue.delete(key);
    this.cancelRetry(key);
  }

  /** Resolves once every queued write is done (tests); retries scheduled for later are not waited for. */
  async idle(): Promise<void> {
    while (this.workers.size > 0) await Promise.all(this.workers);
  }

  /** Writes nothing more: queued writes and pending retries are dropped; a write in flight completes. */
  stop(): void {
    this.stopped = true;
    for (const wake of this.parked) wake();
    this.queue.clear();
    for (const key of [...this.retries.keys()]) this.cancelRetry(key);
  }

  /** Starts workers up to the bound, no more than there are keys waiting. */
  private kick(): void {
    while (!this.stopped && this.workers.size < this.concurrency && this.workers.size < this.queue.size) {
      const worker: Promise<void> = this.work().finally(() => {
        this.workers.delete(worker);
        this.kick();
      });
      this.workers.add(worker);
    }
  }

  private async work(): Promise<void> {
    for (;;) {
      await this.ready();
      const key = this.next();
      if (key === undefined) return;
      this.queue.delete(key);
      this.inFlight.add(key);
      try {
        await this.write(key);
        this.cancelRetry(key);
      } catch (err) {
        const pauseMs = retryAfterMs(err);
        if (pauseMs === undefined) this.retryLater(key, err);
        else this.throttle(key, pauseMs, err);
      } finally {
        this.inFlight.delete(key);
      }
    }
  }

  /** Resolves once the gate is open and no pause the API server asked for is running, or the queue stopped. */
  private async ready(): Promise<void> {
    for (;;) {
      await this.gateOpen();
      const waitMs = this.resumeAt - performance.now();
      if (this.stopped || waitMs <= 0) return;
      await this.sleep(waitMs);
    }
  }

  /** Waits `ms`, or until stop(). */
  private async sleep(ms: number): Promise<void> {
    const wait = Promise.withResolvers<void>();
    this.parked.add(wait.resolve);
    const timer = setTimeout(wait.resolve, ms);
    try {
      await wait.promise;
    } finally {
      clearTimeout(timer);
      this.parked.delete(wait.resolve);
    }
  }

  /** The API server turned `key`'s write away and asked for `pauseMs`: every write waits, and `key` goes back in the queue. */
  private throttle(key: string, pauseMs: number, err: unknown): void {
    if (this.stopped || !this.wanted(key)) return;
    const now = performance.now();
    this.resumeAt = Math.max(this.resumeAt, now + pauseMs);
    this.queue.add(key);
    this.throttled.count++;
    if (now - this.throttled.loggedAt < THROTTLE_LOG_INTERVAL_MS) return;
    const also = this.throttled.count > 1 ? ` (${this.throttled.count} writes turned away since the last such line)` : '';
    this.log.warn(`the API server asks for fewer requests (${describeKubeError(err)}): status writes wait ${pauseMs / 1000}s${also}`);
    this.throttled = { count: 0, loggedAt: now };
  }

  /** Resolves once the gate is open or the queue stopped. */
  private async gateOpen(): Promise<void> {
    if (this.gate.open || this.stopped) return;
    const wait = Promise.withResolvers<void>();
    this.parked.add(wait.resolve);
    try {
      await Promise.race([this.gate.whenOpen(), wait.promise]);
    } finally {
      this.parked.delete(wait.resolve);
    }
  }

  /** The oldest queued key not being written now (one asked for again mid-write waits for that write). */
  private next(): string | undefined {
    if (this.stopped) return undefined;
    for (const key of this.queue) if (!this.inFlight.has(key)) return key;
    return undefined;
  }

  private retryLater(key: string, err: unknown): void {
    if (this.stopped || !this.wanted(key)) return;
    const retry = this.retries.get(key) ?? { backoff: new Backoff(RETRY_INITIAL_MS, RETRY_MAX_MS), timer: undefined };
    this.retries.set(key, retry);
    clearTimeout(retry.timer);
    const delayMs = retry.backoff.next();
    this.log.warn(`cannot write the status of ${this.what(key)}: ${describeKubeError(err)}; retrying in ${delayMs / 1000}s`);
    retry.timer = setTimeout(() => {
      retry.timer = undefined;
      this.add(key);
    }, delayMs);
  }

  /** Forgets a key's retry (its write succeeded, or it is gone) so a later failure starts the backoff afresh. */
  private cancelRetry(key: string): void {
    clearTimeout(this.retries.get(key)?.timer);
    this.retries.delete(key);
  }
}
