import type { AdmittedRoute } from '../admission/admit-routes.ts';
import { objectKey } from '../domain/route.ts';

/** What the log says a served route is: where it answers, how, and what it sends to. */
export function describeRoute(route: AdmittedRoute): string {
  const targets = [route.to, ...route.alternateBackends];
  const services = targets.map((t) => (targets.length > 1 ? `${t.name} (weight ${t.weight ?? 1})` : t.name)).join(', ');
  const tls = route.tls ? ` ${route.tls.termination}${route.tls.insecureEdgeTerminationPolicy ? `, insecure ${route.tls.insecureEdgeTerminationPolicy}` : ''}` : ' http';
  return `${route.host}${route.path || '/'} ->${tls} -> service ${services}`;
}

/** Served routes by key, as described. */
export function servedRoutes(admitted: readonly AdmittedRoute[]): Map<string, string> {
  return new Map(admitted.map((r) => [objectKey(r), describeRoute(r)]));
}

export interface RouteChanges {
  /** Served now and not before (new, or admitted after a rejection). */
  added: [key: string, description: string][];
  /** Served before and now, differently. */
  updated: [key: string, description: string][];
  removed: string[];
}

/** How the served routes changed between two commits. */
export function routeChanges(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): RouteChanges {
  const changes: RouteChanges = { added: [], updated: [], removed: [] };
  for (const [key, description] of after) {
    const was = before.get(key);
    if (was === undefined) changes.added.push([key, description]);
    else if (was !== description) changes.updated.push([key, description]);
  }
  for (const key of before.keys()) if (!after.has(key)) changes.removed.push(key);
  return changes;
}
