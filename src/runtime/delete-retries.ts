import type { Logger } from '../log.ts';
import type { RuntimeCommand } from './commands.ts';
import { planDeleteRetry } from './plan.ts';
import type { RuntimeClient } from './runtime-client.ts';

/** After a busy `del server`: retry soon (other threads close idle connections within ~1 ms), then back off. */
const RETRY_DELAYS_MS = [10, 100, 1000, 5000];

type ServerRef = { backend: string; server: string };
const refKey = (r: ServerRef) => `${r.backend}/${r.server}`;

/**
 * Servers whose deletion haproxy refused because requests were still in
 * flight. They are already in maintenance (no new traffic), so retrying the
 * delete later loses nothing; a reload makes them moot (the new worker never
 * had them), so `clear()` forgets them all.
 */
export class DeleteRetries {
  private readonly pending = new Map<string, { ref: ServerRef; attempt: number; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly client: () => RuntimeClient,
    private readonly logger: Logger,
  ) {}

  add(commands: readonly RuntimeCommand[]): void {
    for (const c of commands) this.schedule({ backend: c.backend, server: c.server }, 0);
  }

  clear(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }

  get size(): number {
    return this.pending.size;
  }

  private schedule(ref: ServerRef, attempt: number): void {
    const key = refKey(ref);
    clearTimeout(this.pending.get(key)?.timer);
    const delay = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)] ?? 5000;
    const timer = setTimeout(() => void this.retry(ref, attempt), delay);
    this.pending.set(key, { ref, attempt, timer });
  }

  private async retry(ref: ServerRef, attempt: number): Promise<void> {
    const key = refKey(ref);
    if (!this.pending.has(key)) return;
    try {
      const result = await this.client().apply(planDeleteRetry(ref));
      const del = result.results.at(-1);
      if (del?.status === 'busy') return this.schedule(ref, attempt + 1);
      this.pending.delete(key);
      if (del?.status === 'failed') this.logger.warn(`could not delete server ${key}: ${del.reply.trim()}`);
    } catch (err) {
      this.schedule(ref, attempt + 1);
      this.logger.debug(`retrying delete of ${key}: ${(err as Error).message}`);
    }
  }
}
