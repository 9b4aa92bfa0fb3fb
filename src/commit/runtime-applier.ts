import type { ConfigModel } from '../config/model.ts';
import { serverKey, type ServerRef } from '../domain/names.ts';
import { errorMessage } from '../errors.ts';
import type { RuntimeCommand } from '../plan/commands.ts';
import type { RuntimeClient } from '../haproxy/runtime-api/runtime-client.ts';
import type { Logger } from '../log.ts';
import { creationOptions, reviveWaitingServers, runtimePhases } from '../plan/revive.ts';
import { ServerDeletions, type DeletionPacing } from './server-deletions.ts';

const OTHER_WORKER = 'the new worker of the reload under way answered';

const STALE_FAILURE = 'a server still being deleted would come back with other options (TLS to the pod, or check to follow), and haproxy could not delete it yet';

export type RuntimeApplyResult =
  | { ok: true }
  /** `partial`: commands before the failure took effect, so the worker matches neither model until a reload. */
  | { ok: false; failure: string; partial: boolean };

/**
 * Sends a runtime plan to the worker: revives servers still waiting for
 * their deletion instead of adding them again, sends servers and
 * certificates before the map entries that use them, and leaves the
 * deletions of servers it put in maintenance to ServerDeletions, which
 * sends them once the worker is quiet and retries those haproxy refused
 * because requests were in flight: on haproxy 2.6 a `del server` stops
 * every worker thread, so it is kept off the path of the change that
 * needs it (the server takes no traffic from the update on).
 */
export class RuntimeApplier {
  private readonly deletes: ServerDeletions;

  constructor(
    private readonly runtime: RuntimeClient,
    logger: Logger,
    pacing?: DeletionPacing,
  ) {
    this.deletes = new ServerDeletions(() => runtime, logger, pacing);
  }

  /**
   * Applies `commands`, planned against `applied` (the model the worker
   * holds now, which tells what a deleted server was created with), or
   * with what each deleted server was created with by serverKey, read
   * before an incremental patch replaced its backend in the model. With
   * `worker`, nothing is sent unless the connection reached that worker
   * (during a reload, the one being replaced): commands planned for it
   * would misplace servers in a worker loaded with other spare slots.
   */
  async apply(commands: readonly RuntimeCommand[], applied: ConfigModel | undefined, created?: ReadonlyMap<string, string | undefined>, worker?: number): Promise<RuntimeApplyResult> {
    const ended = this.deletes.updating();
    try {
      return await this.applyNow(commands, created ? (d) => created.get(serverKey(d)) : (d) => creationOptions(applied, d), worker);
    } finally {
      ended();
    }
  }

  private async applyNow(commands: readonly RuntimeCommand[], createdWith: (d: ServerRef) => string | undefined, worker: number | undefined): Promise<RuntimeApplyResult> {
    if (worker !== undefined && !(this.runtime.together && this.runtime.workerPid)) return { ok: false, failure: OTHER_WORKER, partial: false };
    const adds = commands.filter((c) => c.kind === 'add-server');
    await this.deletes.settle(adds);
    const waiting = new Map(adds.filter((c) => this.deletes.has(c)).map((c) => [serverKey(c), this.deletes.createdWith(c)]));
    const { commands: sent, stale } = reviveWaitingServers(
      commands.filter((c) => c.kind !== 'del-server'),
      waiting,
    );
    const deletions = commands.filter((c) => c.kind === 'del-server');
    const staleKeys = new Set(stale.map(serverKey));
    this.deletes.cancel(adds.filter((c) => !staleKeys.has(serverKey(c))));
    const phases = async (): Promise<RuntimeApplyResult> => {
      if (worker !== undefined && (await this.runtime.workerPid?.()) !== worker) return { ok: false, failure: OTHER_WORKER, partial: false };
      if (stale.length > 0) {
        const cleared = await this.runtime.apply(stale.map((s): RuntimeCommand => ({ kind: 'del-server', ...s })));
        // Those deleted were in no model either: the worker still matches the applied one.
        if (cleared.results.some((r) => r.status !== 'ok')) return { ok: false, failure: STALE_FAILURE, partial: false };
        this.deletes.cancel(stale);
      }
      for (const phase of runtimePhases(sent)) {
        const result = await this.runtime.apply(phase);
        const failed = result.failed[0];
        if (failed) return { ok: false, failure: `${failed.text}: ${failed.reply.trim()}`, partial: true };
      }
      this.deletes.add(deletions, createdWith);
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
  }

  /** The router stops: nothing more is sent (a worker left serving keeps those servers in maintenance). */
  stop(): void {
    this.deletes.clear();
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
