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
 * when undefined), from `served` (each route as the log last saw it),
 * which is brought up to date. A route still served as the same object is
 * not described: a commit that names no keys (a full one) costs a lookup
 * per route, not a description (about 200 ms at 50,000 routes, paid by the
 * first change after each). A route in a new object is described as it was
 * and as it is; keeping every description instead cost about 12 MB at
 * 100,000 routes.
 */
export function takeRouteChanges(served: Map<string, AdmittedRoute>, admitted: ReadonlyMap<string, AdmittedRoute>, keys: Iterable<string> | undefined): RouteChanges {
  const changes: RouteChanges = { added: [], updated: [], removed: [] };
  const look = (key: string) => {
    const route = admitted.get(key);
    const was = served.get(key);
    if (route === undefined) {
      if (was === undefined) return;
      changes.removed.push(key);
      served.delete(key);
      return;
    }
    if (was === route) return;
    const description = describeRoute(route);
    if (was === undefined) changes.added.push([key, description]);
    else if (describeRoute(was) !== description) changes.updated.push([key, description]);
    served.set(key, route);
  };
  if (keys) {
    for (const key of keys) look(key);
    return changes;
  }
  for (const key of admitted.keys()) look(key);
  for (const key of served.keys()) if (!admitted.has(key)) look(key);
  return changes;
}
