import { objectKey, type Route } from '../domain/route.ts';
import type { Rejection } from './rejection.ts';
import { validateRoute } from './validate-route.ts';

export interface AdmissionResult {
  /** Admitted routes, oldest first. */
  admitted: Route[];
  /** Rejections by `namespace/name`. */
  rejected: Map<string, Rejection>;
}

/**
 * Oldest first (creationTimestamp, then uid) as openshift-router does, so the
 * same set of routes is admitted the same way after every restart.
 */
export function compareRouteAge(a: Route, b: Route): number {
  if (a.creationTimestamp !== b.creationTimestamp) {
    // Missing timestamps sort last: a route without one cannot prove it is older.
    if (a.creationTimestamp === '') return 1;
    if (b.creationTimestamp === '') return -1;
    return Date.parse(a.creationTimestamp) - Date.parse(b.creationTimestamp) || (a.creationTimestamp < b.creationTimestamp ? -1 : 1);
  }
  if (a.uid !== b.uid) return a.uid < b.uid ? -1 : 1;
  return objectKey(a) < objectKey(b) ? -1 : objectKey(a) > objectKey(b) ? 1 : 0;
}

/** `/` and no path select the same requests, so they claim the same slot. */
function claimKey(route: Route): string {
  return `${route.host}${route.path === '/' ? '' : route.path}`;
}

/**
 * Decides which routes are served: each route must pass the per-route checks,
 * and each host+path is served by the oldest route that claims it.
 */
export function admitRoutes(routes: Iterable<Route>): AdmissionResult {
  const admitted: Route[] = [];
  const rejected = new Map<string, Rejection>();
  const claims = new Map<string, Route>();
  for (const route of [...routes].sort(compareRouteAge)) {
    const verdict = validateRoute(route);
    if (!verdict.ok) {
      rejected.set(objectKey(route), { reason: verdict.reason, message: verdict.message });
      continue;
    }
    const holder = claims.get(claimKey(route));
    if (holder) {
      rejected.set(objectKey(route), {
        reason: 'HostAlreadyClaimed',
        message: `route ${holder.name} already exposes ${route.host} and is older`,
      });
      continue;
    }
    claims.set(claimKey(route), route);
    admitted.push(route);
  }
  return { admitted, rejected };
}
