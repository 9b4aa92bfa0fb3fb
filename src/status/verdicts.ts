import type { CommitOutcome } from '../commit/outcome.ts';
import { objectKey, type Route } from '../domain/route.ts';
import type { RouteVerdict } from './status-writer.ts';

/** Each known route's verdict, for its status entry: admitted routes with their resolved host. */
export function verdictsOf(routes: ReadonlyMap<string, Route>, outcome: CommitOutcome): Map<string, RouteVerdict> {
  const admitted = new Map(outcome.admitted.map((r) => [objectKey(r), r]));
  const verdicts = new Map<string, RouteVerdict>();
  for (const [key, route] of routes) {
    const served = admitted.get(key);
    verdicts.set(key, { host: (served ?? route).host, wildcardPolicy: route.wildcardPolicy, rejection: outcome.rejections.get(key), notice: outcome.notices.get(key) });
  }
  return verdicts;
}

