import { ownDestinationCa, servingCertificate } from '../config/route-contribution.ts';
import { objectKey } from '../domain/route.ts';
import type { AdmittedRoute } from '../domain/route-options.ts';

/**
 * Which routes' files haproxy refused, read from the `[ALERT]` lines of a
 * failed `haproxy -c`: serving certificates are named `cert-<digest>.pem`
 * and destination CAs `destca-<digest>.pem` (config/certificates.ts), and
 * haproxy quotes the file it could not load. A file's routes are those
 * whose own certificate or CA it holds.
 */
const ROUTE_FILE = /\b(?:cert|destca)-[0-9a-f]{64}\.pem\b/;
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

/** Route file name -> the keys of the routes whose own certificate or destination CA it holds. */
export type FileOwners = ReadonlyMap<string, readonly string[]>;

/** The routes whose file `text` names: every route whose own certificate or CA that file holds. */
export function fileRoutes(text: string, owners: FileOwners): readonly string[] {
  const name = ROUTE_FILE.exec(text)?.[0];
  return name === undefined ? [] : (owners.get(name) ?? []);
}

/** Route file name -> the admitted routes that serve or verify with it; computed only when a file was refused or not written. */
export function fileOwners(admitted: Iterable<AdmittedRoute>): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  const own = (name: string, key: string) => {
    const keys = owners.get(name);
    if (keys) keys.push(key);
    else owners.set(name, [key]);
  };
  for (const route of admitted) {
    const serving = servingCertificate(route)?.name;
    const ca = ownDestinationCa(route)?.name;
    if (serving !== undefined) own(serving, objectKey(route));
    if (ca !== undefined) own(ca, objectKey(route));
  }
  return owners;
}

/**
 * Route key -> what haproxy said about its file, as one short line (still
 * with any paths: see withoutPaths). A file no route of the candidate owns
 * (the default CA's, say) names no route.
 */
export function refusedRoutes(output: readonly string[], owners: FileOwners): Map<string, string> {
  const refused = new Map<string, string>();
  for (const line of output) {
    if (!line.startsWith('[ALERT]')) continue;
    const said = (line.split(' : ').at(-1) ?? '').replace(QUOTED, '').replace(/\s+/g, ' ').replace(/[\s.]+$/, '').trim();
    for (const key of fileRoutes(line, owners)) if (!refused.has(key)) refused.set(key, said.slice(0, 200));
  }
  return refused;
}
