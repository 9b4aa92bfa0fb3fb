import type { ConfigModel } from '../config/model.ts';
import { serverKey } from '../domain/names.ts';
import { errorMessage } from '../errors.ts';
import type { RuntimeClient } from '../haproxy/runtime-api/runtime-client.ts';
import type { Logger } from '../log.ts';
import type { RuntimeCommand } from '../plan/commands.ts';
import { planAfterLoad, serverDifferences } from '../plan/worker-check.ts';

/** How many server names a mismatch log line shows. */
const NAMED = 3;

/**
 * Switches off, in a freshly loaded worker, the health checks `model` says
 * should not run. Part of the commit that loaded it: a later change may
 * give a slot to an endpoint and switch its check on, which must come after.
 */
export async function switchOffChecks(runtime: RuntimeClient, model: ConfigModel, log: Logger): Promise<void> {
  const result = await runtime.apply(planAfterLoad(model)).catch((err: unknown) => ({ failed: [{ reply: errorMessage(err) }] }));
  if (result.failed.length > 0) log.warn(`could not switch off ${result.failed.length} health checks after loading: ${result.failed[0]?.reply.trim()}`);
}

/**
 * Whether a freshly loaded worker holds exactly the model's servers, asked
 * after the commit that loaded it: at 100,000 routes the worker's report of
 * 200,000 servers takes about a second, which changes no longer wait for.
 * Commands sent meanwhile name the servers they touch, and those are left
 * out of the comparison (the report may show them before or after); every
 * other server must be as the model has it when the report comes. A
 * difference (the disk out of step with the model) calls `onMismatch`,
 * which reloads from the model. A socket that does not answer proves
 * nothing either way; a new load cancels the check.
 */
export class LoadedWorkerCheck {
  private pending: { touched: Set<string>; cancelled: boolean } | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: {
      runtime: RuntimeClient;
      /** The model the worker should hold now. */
      model(): ConfigModel | undefined;
      onMismatch(): void;
      logger: Logger;
    },
  ) {}

  /** Asks the worker that just loaded for its servers. */
  start(): void {
    this.cancel();
    const check = { touched: new Set<string>(), cancelled: false };
    this.pending = check;
    this.running = this.run(check).finally(() => {
      if (this.pending === check) this.pending = undefined;
    });
  }

  /** Commands about to be sent to the worker under check. */
  sending(commands: readonly RuntimeCommand[]): void {
    const touched = this.pending?.touched;
    if (!touched) return;
    for (const c of commands) if ('server' in c) touched.add(serverKey(c));
  }

  /** Another worker loads, or the router stops: the check under way judges nothing. */
  cancel(): void {
    if (this.pending) this.pending.cancelled = true;
    this.pending = undefined;
  }

  /** Resolves once the check under way (if any) has answered. */
  done(): Promise<void> {
    return this.running;
  }

  private async run(check: { touched: Set<string>; cancelled: boolean }): Promise<void> {
    const running = await this.deps.runtime.showServersState().catch(() => undefined);
    const model = this.deps.model();
    if (check.cancelled || !running || !model) return;
    const { missing, unexpected } = serverDifferences(model, running, check.touched);
    if (missing.length === 0 && unexpected.length === 0) return;
    this.deps.logger.error(
      `the running worker does not hold the expected servers (missing: ${missing.slice(0, NAMED).join(', ') || 'none'}; unexpected: ${unexpected.slice(0, NAMED).join(', ') || 'none'}); reloading from the model`,
    );
    this.deps.onMismatch();
  }
}
