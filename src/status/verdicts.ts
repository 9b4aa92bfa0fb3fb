import type { CommitOutcome } from '../commit/outcome.ts';
import type { RouteVerdict } from './status-writer.ts';

/**
 * The verdict of each route the commit decided on, for its status entry:
 * admitted routes with their resolved host. A route that arrived during
 * the commit has none yet. When the outcome names the routes whose
 * verdict changed, only those: `changed` then lists them, and a route
 * among them without a verdict is gone.
 */
export function verdictsOf(outcome: CommitOutcome): { verdicts: Map<string, RouteVerdict>; changed: ReadonlySet<string> | undefined } {
  const verdicts = new Map<string, RouteVerdict>();
  const keys = outcome.changed ?? outcome.routes.keys();
  for (const key of keys) {
    const route = outcome.routes.get(key);
    if (!route) continue;
    const served = outcome.admitted.get(key);
    verdicts.set(key, { host: (served ?? route).host, wildcardPolicy: route.wildcardPolicy, uid: route.uid, rejection: outcome.rejections.get(key), notice: outcome.notices.get(key) });
  }
  return { verdicts, changed: outcome.changed };
}
