import type { ConfigModel } from '../config/model.ts';
import { serverKey } from '../domain/names.ts';
import { errorMessage } from '../errors.ts';
import type { RuntimeCommand } from '../plan/commands.ts';
import type { RuntimeClient } from '../haproxy/runtime-api/runtime-client.ts';
import type { Logger } from '../log.ts';
import { creationOptions, reviveWaitingServers, runtimePhases } from '../plan/revive.ts';
import { DeleteRetries } from './delete-retries.ts';

export type RuntimeApplyResult =
  | { ok: true }
  /** `partial`: commands before the failure took effect, so the worker matches neither model until a reload. */
  | { ok: false; failure: string; partial: boolean };

/**
 * Sends a runtime plan to the worker: revives servers still waiting for
 * their deletion instead of adding them again, sends servers and
 * certificates before the map entries that use them, and keeps retrying
 * deletions haproxy refused because requests were in flight.
 */
export class RuntimeApplier {
  private readonly deletes: DeleteRetries;
  /** The options each server waiting in `deletes` was created with: it may only be revived with the same. */
  private readonly waiting = new Map<string, string | undefined>();

  constructor(
    private readonly runtime: RuntimeClient,
    logger: Logger,
  ) {
    this.deletes = new DeleteRetries(() => runtime, logger);
  }

  /**
   * Applies `commands`, planned against `applied` (the model the worker
   * holds now, which tells what a deleted server was created with).
   */
  async apply(commands: readonly RuntimeCommand[], applied: ConfigModel | undefined): Promise<RuntimeApplyResult> {
    const adds = commands.filter((c) => c.kind === 'add-server');
    await this.deletes.settle(adds);
    const waiting = new Map(adds.filter((c) => this.deletes.has(c)).map((c) => [serverKey(c), this.waiting.get(serverKey(c))]));
    const sent = reviveWaitingServers(commands, waiting);
    if (!sent) return { ok: false, failure: 'a server still being deleted would come back with other options (TLS to the pod, or check to follow)', partial: false };
    this.deletes.cancel(adds);
    for (const c of adds) this.waiting.delete(serverKey(c));
    const phases = async (): Promise<RuntimeApplyResult> => {
      for (const phase of runtimePhases(sent)) {
        const result = await this.runtime.apply(phase);
        const failed = result.failed[0];
        if (failed) return { ok: false, failure: `${failed.text}: ${failed.reply.trim()}`, partial: true };
        for (const b of result.busy) this.waiting.set(serverKey(b.command), creationOptions(applied, b.command));
        this.deletes.add(result.busy.map((b) => b.command));
      }
      return { ok: true };
    };
    try {
      return await (this.runtime.together ? this.runtime.together(phases) : phases());
    } catch (err) {
      return { ok: false, failure: errorMessage(err), partial: true };
    }
  }

  /** A new worker never had the servers waiting for deletion: none of their retries may reach it. */
  forgetWorker(): void {
    this.deletes.clear();
    this.waiting.clear();
  }

  /** While a reload is in flight: no retry may reach whichever worker answers. */
  pauseRetries(): void {
    this.deletes.pause();
  }

  /** The reload failed: the old worker still waits for its deletions. */
  resumeRetries(): void {
    this.deletes.resume();
  }
}
