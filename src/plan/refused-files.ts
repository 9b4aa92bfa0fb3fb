import { routeFileTag } from '../config/certificates.ts';

/**
 * Which routes' files haproxy refused, read from the `[ALERT]` lines of a
 * failed `haproxy -c`: route certificates and destination CAs are named
 * `cert-<readable>-<route tag>-<digest>.pem` / `destca-...`
 * (config/certificates.ts), and haproxy quotes the file it could not load.
 * The readable part may be cut short, so the route is found by its tag.
 */
const ROUTE_FILE = /\b(?:cert|destca)-[a-z0-9._-]*-([0-9a-f]{16})-[0-9a-f]{16}\.pem\b/;
const QUOTED = /'[^']*'/g;
/**
 * An absolute path: a `/` that does not continue a word, a relative path or
 * a URL, then its segments. Only the last segment is kept.
 */
const ABSOLUTE_PATH = /(?<![\w.~/-])\/(?:[^\s'"`()[\]{}<>,;:|/]+\/)*([^\s'"`()[\]{}<>,;:|/]*)/g;

/**
 * Text from haproxy (or any other tool that names the router's files) as a
 * route owner may read it in the route's status: absolute paths become the
 * file's own name, so the router's directories never show.
 */
export function withoutPaths(text: string): string {
  return text.replace(ABSOLUTE_PATH, '$1');
}

/** The route tag in a route certificate or destination CA file name (see config/certificates.ts), if it is one. */
export function routeTagOf(text: string): string | undefined {
  return ROUTE_FILE.exec(text)?.[1];
}

/**
 * Route key (`namespace/name`) -> what haproxy said about its file, as one
 * short line (still with any paths: see withoutPaths). `routeKeys` are the
 * routes the checked candidate was built from; a file of any other route
 * (or the default CA) names no route.
 */
export function refusedRoutes(output: readonly string[], routeKeys: Iterable<string>): Map<string, string> {
  const byTag = new Map([...routeKeys].map((key) => [routeFileTag(key), key]));
  const refused = new Map<string, string>();
  for (const line of output) {
    if (!line.startsWith('[ALERT]')) continue;
    const tag = ROUTE_FILE.exec(line)?.[1];
    const key = tag === undefined ? undefined : byTag.get(tag);
    if (key === undefined || refused.has(key)) continue;
    const said = (line.split(' : ').at(-1) ?? '').replace(QUOTED, '').replace(/\s+/g, ' ').replace(/[\s.]+$/, '').trim();
    refused.set(key, said.slice(0, 200));
  }
  return refused;
}
