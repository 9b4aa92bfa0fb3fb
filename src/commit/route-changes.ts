import type { AdmittedRoute } from '../admission/admit-routes.ts';

/** What the log says a served route is: where it answers, how, and what it sends to. */
export function describeRoute(route: AdmittedRoute): string {
  const targets = [route.to, ...route.alternateBackends];
  const services = targets.map((t) => (targets.length > 1 ? `${t.name} (weight ${t.weight ?? 1})` : t.name)).join(', ');
  const tls = route.tls ? ` ${route.tls.termination}${route.tls.insecureEdgeTerminationPolicy ? `, insecure ${route.tls.insecureEdgeTerminationPolicy}` : ''}` : ' http';
  return `${route.host}${route.path || '/'} ->${tls} -> service ${services}`;
}

export interface RouteChanges {
  /** Served now and not before (new, or admitted after a rejection). */
  added: [key: string, description: string][];
  /** Served before and now, differently. */
  updated: [key: string, description: string][];
  removed: string[];
}

/**
 * How the served routes changed at `keys` (every route either side knows
 * when undefined), from `served` (key -> description), which is brought up
 * to date.
 */
export function takeRouteChanges(served: Map<string, string>, admitted: ReadonlyMap<string, AdmittedRoute>, keys: Iterable<string> | undefined): RouteChanges {
  const changes: RouteChanges = { added: [], updated: [], removed: [] };
  for (const key of keys ?? new Set([...admitted.keys(), ...served.keys()])) {
    const route = admitted.get(key);
    const was = served.get(key);
    if (route === undefined) {
      if (was === undefined) continue;
      changes.removed.push(key);
      served.delete(key);
      continue;
    }
    const description = describeRoute(route);
    if (was === undefined) changes.added.push([key, description]);
    else if (was !== description) changes.updated.push([key, description]);
    served.set(key, description);
  }
  return changes;
}
