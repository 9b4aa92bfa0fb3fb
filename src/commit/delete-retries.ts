import { serverKey, type ServerRef } from '../domain/names.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { planDeleteRetry } from '../plan/plan.ts';
import type { RuntimeClient } from '../haproxy/runtime-api/runtime-client.ts';

/** After a busy `del server`: retry soon (other threads close idle connections within ~1 ms), then back off. */
const RETRY_DELAYS_MS = [10, 100, 1000, 5000];

/**
 * Servers whose deletion haproxy refused because requests were still in
 * flight. They are already in maintenance (no new traffic), so retrying the
 * delete later loses nothing; a reload makes them moot (the new worker never
 * had them), so `clear()` forgets them all, including a retry already in
 * flight: it must never reach a new worker that serves a server of that name.
 */
export class DeleteRetries {
  private readonly pending = new Map<string, { ref: ServerRef; attempt: number; timer: ReturnType<typeof setTimeout> }>();
  /** Bumped by clear(): a retry that started before it drops its outcome. */
  private epoch = 0;
  /** Retries talking to haproxy right now: until they answer, nobody knows whether the server still exists. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly client: () => RuntimeClient,
    private readonly logger: Logger,
  ) {}

  /** Schedules the deletion of each server (the `del-server` commands of ApplyResult.busy). */
  add(servers: readonly ServerRef[]): void {
    for (const s of servers) this.schedule({ backend: s.backend, server: s.server }, 0);
  }

  clear(): void {
    this.pause();
    this.pending.clear();
  }

  /**
   * Stops every retry, keeping the servers on record: while haproxy
   * reloads, a retry could reach the new worker, which may serve a server
   * of that name. resume() retries them again (the reload failed, the old
   * worker still holds them); clear() forgets them (a new worker serves).
   */
  pause(): void {
    this.epoch++;
    for (const p of this.pending.values()) clearTimeout(p.timer);
  }

  resume(): void {
    for (const p of [...this.pending.values()]) this.schedule(p.ref, p.attempt);
  }

  /** Forgets pending deletions of servers the model wants again (their re-adding decides what happens). */
  cancel(servers: readonly ServerRef[]): void {
    for (const s of servers) {
      const key = serverKey(s);
      clearTimeout(this.pending.get(key)?.timer);
      this.pending.delete(key);
    }
  }

  /** Whether the server is still waiting to be deleted (so it still exists, in maintenance); ask after settle(). */
  has(server: ServerRef): boolean {
    return this.pending.has(serverKey(server));
  }

  /** Waits for retries in flight on these servers, so has() tells whether each still exists. */
  async settle(servers: readonly ServerRef[]): Promise<void> {
    await Promise.all(servers.map((s) => this.inFlight.get(serverKey(s))));
  }

  get size(): number {
    return this.pending.size;
  }

  private schedule(ref: ServerRef, attempt: number): void {
    const key = serverKey(ref);
    clearTimeout(this.pending.get(key)?.timer);
    const delay = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)] ?? 5000;
    const timer = setTimeout(() => {
      const running = this.retry(ref, attempt).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, running);
    }, delay);
    this.pending.set(key, { ref, attempt, timer });
  }

  private async retry(ref: ServerRef, attempt: number): Promise<void> {
    const key = serverKey(ref);
    const epoch = this.epoch;
    if (!this.pending.has(key)) return;
    try {
      const result = await this.client().apply(planDeleteRetry(ref));
      if (epoch !== this.epoch || !this.pending.has(key)) return;
      const del = result.results.at(-1);
      if (del?.status === 'busy') return this.schedule(ref, attempt + 1);
      this.pending.delete(key);
      if (del?.status === 'failed') this.logger.warn(`could not delete server ${key}: ${del.reply.trim()}`);
    } catch (err) {
      if (epoch !== this.epoch || !this.pending.has(key)) return;
      this.schedule(ref, attempt + 1);
      this.logger.debug(`retrying delete of ${key}: ${errorMessage(err)}`);
    }
  }
}
