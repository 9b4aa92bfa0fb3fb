import { compareText } from '../domain/compare.ts';
import { objectKey, type Route } from '../domain/route.ts';

/**
 * Oldest first: creationTimestamp, then uid (upstream `RouteLessThan`), then
 * `namespace/name` so that even identical metadata sorts the same way on
 * every commit and after every restart. Negative when `a` is older.
 */
export function compareRouteAge(a: Route, b: Route): number {
  const ta = a.creationTimestamp;
  const tb = b.creationTimestamp;
  if (ta !== tb) return compareTimestamps(ta, tb);
  return compareText(a.uid, b.uid) || compareKeys(a, b);
}

/**
 * Instants oldest first, the same instant written differently in text
 * order; then timestamps that do not parse, in text order; then none (a
 * route without one cannot prove it is older). One order whatever a
 * manifest spells, without a cycle: the indexes patch the admitted routes'
 * order by binary search (patchSorted), which a cycle would defeat.
 */
function compareTimestamps(ta: string, tb: string): number {
  // Two valid `YYYY-MM-DDTHH:MM:SSZ`, as the API server writes every timestamp: text order is time order (a full
  // commit's first sort compares 100,000 routes, and a timestamp parsed per comparison was most of it).
  if (canonical(ta) && canonical(tb)) return ta < tb ? -1 : 1;
  const ga = group(ta);
  const gb = group(tb);
  if (ga !== gb) return ga - gb;
  return (ga === 0 ? Date.parse(ta) - Date.parse(tb) : 0) || compareText(ta, tb);
}

/** 0: parses to an instant; 1: does not; 2: none. */
function group(t: string): number {
  return t === '' ? 2 : Number.isNaN(Date.parse(t)) ? 1 : 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * `YYYY-MM-DDTHH:MM:SSZ` naming a real second, where text order and time
 * order agree: not a 31st of February or a 24:00, which Date.parse rolls
 * over into a later day than their text says.
 */
function canonical(t: string): boolean {
  if (t.length !== 20 || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || t.charCodeAt(10) !== 84 || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58 || t.charCodeAt(19) !== 90) return false;
  const year = digits(t, 0, 4);
  const month = digits(t, 5, 2);
  const day = digits(t, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (DAYS_IN_MONTH[month - 1] as number) + (month === 2 && leap ? 1 : 0)) return false;
  const hour = digits(t, 11, 2);
  const minute = digits(t, 14, 2);
  const second = digits(t, 17, 2);
  return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
}

/** The number the `count` decimal digits at `from` spell; -1 when one is not a digit. */
function digits(t: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
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

/**
 * `routes` oldest first. When every timestamp is the API server's kind (or
 * none), they are compared as text throughout: telling that once per route
 * rather than at each of some 1.7 million comparisons keeps the sort of
 * 100,000 routes at about 50 ms rather than 130-220.
 */
export function sortOldestFirst(routes: Iterable<Route>): Route[] {
  const all = Array.from(routes);
  return all.sort(all.every((r) => r.creationTimestamp === '' || canonical(r.creationTimestamp)) ? compareCanonicalAge : compareRouteAge);
}

/** compareRouteAge of routes whose timestamps are all canonical or none. */
function compareCanonicalAge(a: Route, b: Route): number {
  const ta = a.creationTimestamp;
  const tb = b.creationTimestamp;
  if (ta !== tb) return ta === '' ? 1 : tb === '' ? -1 : ta < tb ? -1 : 1;
  return compareText(a.uid, b.uid) || compareKeys(a, b);
}
