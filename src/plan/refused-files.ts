import { routeFileTag } from '../config/certificates.ts';
import { servingCertificate } from '../config/route-contribution.ts';
import { objectKey } from '../domain/route.ts';
import type { AdmittedRoute } from '../domain/route-options.ts';

/**
 * Which routes' files haproxy refused, read from the `[ALERT]` lines of a
 * failed `haproxy -c`: destination CAs are named
 * `destca-<readable>-<route tag>-<digest>.pem` and serving certificates
 * `cert-<digest>.pem` (config/certificates.ts), and haproxy quotes the
 * file it could not load. The readable part may be cut short, so a CA's
 * route is found by its tag; a certificate's routes are those that serve it.
 */
const ROUTE_FILE = /\bdestca-[a-z0-9._-]*-([0-9a-f]{16})-[0-9a-f]{16}\.pem\b/;
const SERVING_FILE = /\bcert-[0-9a-f]{64}\.pem\b/;
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

/** Which of the candidate's routes a route file belongs to, from the text that names it. */
export interface RouteFiles {
  /** Route keys (`namespace/name`) the checked candidate was built from. */
  routeKeys: Iterable<string>;
  /** Serving certificate file name -> the routes that serve it (see certificateOwners). */
  servingOwners: ReadonlyMap<string, readonly string[]>;
}

/** The routes whose file `text` names: a destination CA's route, or every route serving a certificate. */
export function fileRoutes(text: string, byTag: ReadonlyMap<string, string>, servingOwners: RouteFiles['servingOwners']): readonly string[] {
  const serving = SERVING_FILE.exec(text)?.[0];
  if (serving !== undefined) return servingOwners.get(serving) ?? [];
  const tag = ROUTE_FILE.exec(text)?.[1];
  const key = tag === undefined ? undefined : byTag.get(tag);
  return key === undefined ? [] : [key];
}

/** Serving certificate file name -> the admitted routes that serve it; computed only when haproxy refused something. */
export function certificateOwners(admitted: Iterable<AdmittedRoute>): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  for (const route of admitted) {
    const name = servingCertificate(route)?.name;
    if (name === undefined) continue;
    const keys = owners.get(name);
    if (keys) keys.push(objectKey(route));
    else owners.set(name, [objectKey(route)]);
  }
  return owners;
}

/** Route tag -> route key, for fileRoutes. */
export function routesByTag(routeKeys: Iterable<string>): Map<string, string> {
  return new Map([...routeKeys].map((key) => [routeFileTag(key), key]));
}

/**
 * Route key -> what haproxy said about its file, as one short line (still
 * with any paths: see withoutPaths). A file of any route outside the
 * candidate (or the default CA) names no route.
 */
export function refusedRoutes(output: readonly string[], files: RouteFiles): Map<string, string> {
  const byTag = routesByTag(files.routeKeys);
  const refused = new Map<string, string>();
  for (const line of output) {
    if (!line.startsWith('[ALERT]')) continue;
    const said = (line.split(' : ').at(-1) ?? '').replace(QUOTED, '').replace(/\s+/g, ' ').replace(/[\s.]+$/, '').trim();
    for (const key of fileRoutes(line, byTag, files.servingOwners)) if (!refused.has(key)) refused.set(key, said.slice(0, 200));
  }
  return refused;
}
