import { compareText } from '../domain/compare.ts';
import { objectKey, type Route } from '../domain/route.ts';

/**
 * `YYYY-MM-DDTHH:MM:SSZ`, as the API server writes every timestamp, where
 * text order is time order: two such are compared without parsing either
 * (a full commit sorts every admitted route, 100,000 at the largest scale,
 * and an object made and a timestamp parsed per route was most of it).
 */
function canonical(timestamp: string): boolean {
  return timestamp.length === 20 && timestamp.charCodeAt(10) === 84 /* T */ && timestamp.charCodeAt(19) === 90; /* Z */
}

/**
 * Oldest first: creationTimestamp, then uid (upstream `RouteLessThan`), then
 * `namespace/name` so that even identical metadata sorts the same way on
 * every commit and after every restart. Negative when `a` is older.
 */
export function compareRouteAge(a: Route, b: Route): number {
  const ta = a.creationTimestamp;
  const tb = b.creationTimestamp;
  if (ta !== tb) {
    // Missing timestamps sort last: a route without one cannot prove it is older.
    if (ta === '') return 1;
    if (tb === '') return -1;
    if (canonical(ta) && canonical(tb)) return ta < tb ? -1 : 1;
    // Same instant written differently (offsets, fractions), or not a time at all, falls back to the text for a stable order.
    return Date.parse(ta) - Date.parse(tb) || compareText(ta, tb);
  }
  return compareText(a.uid, b.uid) || compareKeys(a, b);
}

const SLASH = 0x2f;

/**
 * `compareText` of the two routes' keys (`namespace/name`) without looking
 * them up: routes from manifests often have neither timestamp nor uid, and
 * then every comparison of a sort gets here. Namespaces that differ before
 * either ends order the keys alike; where one namespace begins the other,
 * its key has the slash where the other has its next character.
 */
function compareKeys(a: Route, b: Route): number {
  const x = a.namespace;
  const y = b.namespace;
  if (x === y) return compareText(a.name, b.name);
  if (y.startsWith(x)) return y.charCodeAt(x.length) === SLASH ? compareText(objectKey(a), objectKey(b)) : SLASH < y.charCodeAt(x.length) ? -1 : 1;
  if (x.startsWith(y)) return x.charCodeAt(y.length) === SLASH ? compareText(objectKey(a), objectKey(b)) : x.charCodeAt(y.length) < SLASH ? -1 : 1;
  return compareText(x, y);
}

/** `routes` oldest first. */
export function sortOldestFirst(routes: Iterable<Route>): Route[] {
  return Array.from(routes).sort(compareRouteAge);
}
