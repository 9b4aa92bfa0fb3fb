import type { CommitOutcome } from '../commit/outcome.ts';
import { objectKey } from '../domain/route.ts';
import type { RouteVerdict } from './status-writer.ts';

/**
 * The verdict of each route the commit decided on, for its status entry:
 * admitted routes with their resolved host. A route that arrived during
 * the commit has none yet.
 */
export function verdictsOf(outcome: CommitOutcome): Map<string, RouteVerdict> {
  const admitted = new Map(outcome.admitted.map((r) => [objectKey(r), r]));
  const verdicts = new Map<string, RouteVerdict>();
  for (const [key, route] of outcome.routes) {
    const served = admitted.get(key);
    verdicts.set(key, { host: (served ?? route).host, wildcardPolicy: route.wildcardPolicy, rejection: outcome.rejections.get(key), notice: outcome.notices.get(key) });
  }
  return verdicts;
}

