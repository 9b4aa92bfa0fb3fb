import { compareText } from '../domain/compare.ts';
import { objectKey, type Route } from '../domain/route.ts';

/**
 * What "older" compares, computed once per route: sorting ten thousand
 * routes would otherwise parse each timestamp some thirty times.
 */
interface RouteAge {
  timestamp: string;
  millis: number;
  uid: string;
  key: string;
}

/** The sort key of `route` for `compareRouteAges`. */
function routeAge(route: Route): RouteAge {
  return { timestamp: route.creationTimestamp, millis: Date.parse(route.creationTimestamp), uid: route.uid, key: objectKey(route) };
}

/**
 * Oldest first: creationTimestamp, then uid (upstream `RouteLessThan`), then
 * `namespace/name` so that even identical metadata sorts the same way on
 * every commit and after every restart.
 */
function compareRouteAges(a: RouteAge, b: RouteAge): number {
  if (a.timestamp !== b.timestamp) {
    // Missing timestamps sort last: a route without one cannot prove it is older.
    if (a.timestamp === '') return 1;
    if (b.timestamp === '') return -1;
    // Same instant written differently (offsets, fractions) falls back to the text for a stable order.
    return a.millis - b.millis || compareText(a.timestamp, b.timestamp);
  }
  return compareText(a.uid, b.uid) || compareText(a.key, b.key);
}

/** `compareRouteAges` for two routes; negative when `a` is older. */
export function compareRouteAge(a: Route, b: Route): number {
  return compareRouteAges(routeAge(a), routeAge(b));
}

/** `routes` oldest first, paying for each timestamp parse once. */
export function sortOldestFirst(routes: Iterable<Route>): Route[] {
  const keyed = Array.from(routes, (route) => ({ route, age: routeAge(route) }));
  keyed.sort((a, b) => compareRouteAges(a.age, b.age));
  return keyed.map((k) => k.route);
}
