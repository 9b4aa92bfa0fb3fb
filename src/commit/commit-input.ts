import type { ConfigModel } from '../config/model.ts';
import type { CommitInput } from '../plan/commit-step.ts';
import type { ReloadBudget } from '../plan/reload-budget.ts';
import type { CommitterDeps } from './committer-deps.ts';

/** What the pure commit step is told besides the applied state: the desired model and the facts of this moment. */
export function commitInput(deps: CommitterDeps, model: ConfigModel, now: number, reloadBudget: ReloadBudget): CommitInput {
  return {
    model,
    now,
    haproxy: { supervising: deps.haproxy.supervising, running: deps.haproxy.running },
    runtimeUpdates: deps.runtimeUpdates,
    reloadIntervalMs: deps.reloadIntervalMs,
    commitIntervalMs: deps.commitIntervalMs,
    reloadBudget,
  };
}
