/**
 * Routes that ask for a method, headers or query parameters besides host
 * and path (Gateway API matches) cannot live in the maps, which key on
 * host and path alone. Every host (map key host) with one such route is
 * served by ordered rules instead, tried just before the map lookups of
 * that kind of host (config/match-rule-lines.ts, match-rule-data.ts): all
 * of the host's routes, conditions or not, in the spec's precedence, so a
 * plain path and a conditional one compare as the spec says. The plain
 * routes keep their map entries too (a rule that missed means their entry
 * misses as well), so hosts without conditions stay on the maps, changed
 * through the runtime API; any change to these rules reloads (haproxy
 * reads them when it loads).
 */
import type { RequestMatch } from '../domain/request-match.ts';
import { normalisePath } from './map-entries.ts';
import type { MapFileName, MapWish, RouteContribution } from './route-contribution.ts';

/** The frontends a rule goes to: `public` (plain HTTP) or the two that terminate TLS. */
export type MatchSide = 'http' | 'https';

export interface MatchRule {
  side: MatchSide;
  /** The map key host the rule's keys share (`host`, `.domain`, `*.domain`): which lookup it goes before. */
  keyHost: string;
  /** Keys (`host/path`) the request's key must equal, or begin with: the route's map entries. */
  exact: string[];
  prefix: string[];
  /** What the request must carry besides; undefined for a plain path. */
  conditions: Omit<RequestMatch, 'order'> | undefined;
  /** The map value the route's entries have: its backend, or the redirect to HTTPS. */
  value: string;
  /** `namespace/name` of the route, for reload reasons. */
  routeKey: string;
}

const SIDE_FILES: Record<MatchSide, { exact: MapFileName; prefix: MapFileName }> = {
  http: { exact: 'os_http_be.map', prefix: 'os_http_be_prefix.map' },
  https: { exact: 'os_edge_reencrypt_be.map', prefix: 'os_edge_reencrypt_be_prefix.map' },
};

/** The map key host of a key (`host/path`). */
export function keyHostOf(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? key : key.slice(0, slash);
}

/** What a contribution's rules stand for: its map wishes, or, for a route with conditions, the wishes kept out of the maps. */
function wishesOf(c: RouteContribution): readonly MapWish[] {
  return c.route.requestMatch === undefined ? c.maps : c.matched;
}

interface Ranked {
  c: RouteContribution;
  age: number;
}

/**
 * The spec's precedence: an exact path, then the longest prefix, then a
 * method, then the most headers, then the most query parameters, then the
 * oldest route (contributions come oldest first, and the generated routes
 * of one HTTPRoute share its age), then the first match of the route.
 */
function precedence(a: Ranked, b: Ranked): number {
  const [x, y] = [a.c.route, b.c.route];
  const [mx, my] = [x.requestMatch, y.requestMatch];
  return (
    Number(y.exactPath === true) - Number(x.exactPath === true) ||
    normalisePath(y.path).length - normalisePath(x.path).length ||
    Number(my?.method !== undefined) - Number(mx?.method !== undefined) ||
    (my?.headers.length ?? 0) - (mx?.headers.length ?? 0) ||
    (my?.query.length ?? 0) - (mx?.query.length ?? 0) ||
    a.age - b.age ||
    (mx?.order ?? 0) - (my?.order ?? 0)
  );
}

/** The rules of every host with a conditional route, in the order the frontends try them; contributions oldest first. */
export function buildMatchRules(contributions: readonly RouteContribution[]): MatchRule[] {
  const ruled = new Set<string>();
  for (const c of contributions) if (c.route.requestMatch !== undefined) for (const w of c.matched) ruled.add(keyHostOf(w.key));
  if (ruled.size === 0) return [];
  const ranked: Ranked[] = [];
  // The routes of one HTTPRoute share its timestamp and uid: one age, so their match order decides between them.
  let age = 0;
  contributions.forEach((c, i) => {
    const previous = contributions[i - 1]?.route;
    if (previous && (previous.creationTimestamp !== c.route.creationTimestamp || previous.uid !== c.route.uid)) age++;
    if (wishesOf(c).some((w) => ruled.has(keyHostOf(w.key)))) ranked.push({ c, age });
  });
  ranked.sort(precedence);
  const rules: MatchRule[] = [];
  for (const side of ['http', 'https'] as const) {
    const files = SIDE_FILES[side];
    for (const { c } of ranked) {
      const wishes = wishesOf(c).filter((w) => (w.file === files.exact || w.file === files.prefix) && ruled.has(keyHostOf(w.key)));
      const first = wishes[0];
      if (first === undefined) continue;
      const match = c.route.requestMatch;
      rules.push({
        side,
        keyHost: keyHostOf(first.key),
        exact: wishes.filter((w) => w.file === files.exact).map((w) => w.key),
        prefix: wishes.filter((w) => w.file === files.prefix).map((w) => w.key),
        conditions: match && { method: match.method, headers: match.headers, query: match.query },
        value: first.value,
        routeKey: c.key,
      });
    }
  }
  return rules;
}
