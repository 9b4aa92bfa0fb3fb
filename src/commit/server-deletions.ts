import { serverKey, type ServerRef } from '../domain/names.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { planDeleteRetry } from '../plan/plan.ts';
import type { RuntimeClient } from '../haproxy/runtime-api/runtime-client.ts';

/** After a busy `del server`: wait for the server's last connections, longer each time. */
const RETRY_DELAYS_MS = [10, 100, 1000, 5000];

export interface DeletionPacing {
  /**
   * How long no runtime update may have run before deletions are sent: on
   * haproxy 2.6 each `del server` stops every worker thread
   * (thread_isolate_full), so one sent beside an update delays it, and the
   * traffic of both threads, by as long as the other thread takes to stop.
   */
  quietMs: number;
  /** Servers waiting beyond which deletions no longer wait for quiet (still never beside an update). */
  maxWaiting: number;
  /** Deletions per connection, sent one after the other. */
  batch: number;
}

export const DEFAULT_DELETION_PACING: DeletionPacing = { quietMs: 200, maxWaiting: 1000, batch: 16 };

interface Pending {
  ref: ServerRef;
  /** The options it was created with, without its weight (plan/revive.ts): it may only be revived with the same. */
  createdWith: string | undefined;
  /** Refusals so far: 0 is the first try, which needs only `del server` (the update put it in maintenance). */
  attempt: number;
  notBefore: number;
}

/**
 * Servers the worker no longer sends traffic to (in maintenance since the
 * update that dropped them) and that still have to be deleted. Deletions
 * wait until no runtime update has run for a while and go in batches; one
 * haproxy refuses because requests or idle connections remain is retried
 * later. A reload makes them moot (the new worker never had them), so
 * `clear()` forgets them all, including a batch already in flight: it must
 * never reach a new worker that serves a server of that name.
 */
export class ServerDeletions {
  private readonly pending = new Map<string, Pending>();
  /** Bumped by pause() and clear(): a batch that started before drops its outcome. */
  private epoch = 0;
  private paused = false;
  /** Deletions talking to haproxy right now: until they answer, nobody knows whether the server still exists. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private updates = 0;
  private lastUpdate = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly client: () => RuntimeClient,
    private readonly logger: Logger,
    private readonly pacing: DeletionPacing = DEFAULT_DELETION_PACING,
    private readonly now: () => number = performance.now.bind(performance),
  ) {}

  /** Records servers to delete (in maintenance already), with what each was created with. */
  add(servers: readonly ServerRef[], createdWith: (s: ServerRef) => string | undefined): void {
    for (const s of servers) {
      const ref = { backend: s.backend, server: s.server };
      this.pending.set(serverKey(s), { ref, createdWith: createdWith(ref), attempt: 0, notBefore: this.now() });
    }
    this.arm();
  }

  /** A runtime update starts: no batch starts until it ends and the worker was quiet for a while. Returns its end. */
  updating(): () => void {
    this.updates++;
    this.arm();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.updates--;
      this.lastUpdate = this.now();
      this.arm();
    };
  }

  clear(): void {
    this.pause();
    this.pending.clear();
    this.paused = false;
  }

  /**
   * Stops every deletion, keeping the servers on record: while haproxy
   * reloads, one could reach the new worker, which may serve a server of
   * that name. resume() carries on (the reload failed, the old worker still
   * holds them); clear() forgets them (a new worker serves).
   */
  pause(): void {
    this.epoch++;
    this.paused = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  resume(): void {
    this.paused = false;
    this.arm();
  }

  /** Forgets pending deletions of servers the model wants again (their re-adding decides what happens). */
  cancel(servers: readonly ServerRef[]): void {
    for (const s of servers) this.pending.delete(serverKey(s));
  }

  /** Whether the server is still waiting to be deleted (so it still exists, in maintenance); ask after settle(). */
  has(server: ServerRef): boolean {
    return this.pending.has(serverKey(server));
  }

  /** What a server waiting to be deleted was created with (see add). */
  createdWith(server: ServerRef): string | undefined {
    return this.pending.get(serverKey(server))?.createdWith;
  }

  /** Waits for deletions in flight on these servers, so has() tells whether each still exists. */
  async settle(servers: readonly ServerRef[]): Promise<void> {
    await Promise.all(servers.map((s) => this.inFlight.get(serverKey(s))));
  }

  get size(): number {
    return this.pending.size;
  }

  /**
   * Sets the timer for the next batch, if nothing stops one. `earliest` is
   * when the first waiting server may be deleted, if known; otherwise the
   * batch looks when it fires. Runs on every update, so it never walks the
   * servers waiting (up to maxWaiting of them under churn).
   */
  private arm(earliest = this.now()): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.paused || this.updates > 0 || this.inFlight.size > 0 || this.pending.size === 0) return;
    const pressed = this.pending.size > this.pacing.maxWaiting;
    const at = pressed ? earliest : Math.max(earliest, this.lastUpdate + this.pacing.quietMs);
    this.timer = setTimeout(() => this.sendBatch(), Math.max(0, at - this.now()));
  }

  private sendBatch(): void {
    this.timer = undefined;
    const now = this.now();
    const due: Pending[] = [];
    let earliest = Number.POSITIVE_INFINITY;
    for (const p of this.pending.values()) {
      if (p.notBefore > now) earliest = Math.min(earliest, p.notBefore);
      else if (due.push(p) === this.pacing.batch) break;
    }
    if (due.length === 0) return this.arm(earliest);
    const epoch = this.epoch;
    const running = this.send(due, epoch).finally(() => {
      for (const p of due) this.inFlight.delete(serverKey(p.ref));
      this.arm();
    });
    for (const p of due) this.inFlight.set(serverKey(p.ref), running);
  }

  /**
   * One deletion at a time over one connection, stopping as soon as an
   * update starts: an update that comes meanwhile waits for at most the
   * deletion haproxy is running, not the rest of the batch. Those not sent
   * stay pending.
   */
  private async send(batch: readonly Pending[], epoch: number): Promise<void> {
    const client = this.client();
    const run = async () => {
      for (const p of batch) {
        if (this.updates > 0 || epoch !== this.epoch) return;
        await this.deleteOne(client, p, epoch);
      }
    };
    try {
      await (client.together ? client.together(run) : run());
    } catch (err) {
      if (epoch !== this.epoch) return;
      for (const p of batch) if (this.pending.get(serverKey(p.ref)) === p) this.retryLater(p);
      this.logger.debug(`retrying ${batch.length} server deletion(s): ${errorMessage(err)}`);
    }
  }

  private async deleteOne(client: RuntimeClient, p: Pending, epoch: number): Promise<void> {
    const result = await client.apply(p.attempt === 0 ? [{ kind: 'del-server', ...p.ref }] : planDeleteRetry(p.ref));
    const key = serverKey(p.ref);
    if (epoch !== this.epoch || this.pending.get(key) !== p) return;
    const del = result.results.at(-1);
    if (del?.status === 'busy') this.retryLater(p);
    else {
      this.pending.delete(key);
      if (del?.status === 'failed') this.logger.warn(`could not delete server ${key}: ${del.reply.trim()}`);
    }
  }

  private retryLater(p: Pending): void {
    const delay = RETRY_DELAYS_MS[Math.min(p.attempt, RETRY_DELAYS_MS.length - 1)] ?? 5000;
    this.pending.set(serverKey(p.ref), { ...p, attempt: p.attempt + 1, notBefore: this.now() + delay });
  }
}
