/**
 * Which routes' files haproxy refused, read from the `[ALERT]` lines of a
 * failed `haproxy -c`: route certificates and destination CAs are named
 * `cert-<namespace>_<name>-<digest>.pem` / `destca-...` (config/certificates.ts),
 * and haproxy quotes the file it could not load. Namespaces have no `_`, so
 * the first one splits namespace from name.
 */
const ROUTE_FILE = /\b(?:cert|destca)-([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)_([a-z0-9](?:[-a-z0-9.]*[a-z0-9])?)-[0-9a-f]{16}\.pem\b/;
const QUOTED = /'[^']*'/g;
/** An absolute path: only its last part is shown (route owners need not see the router's directories). */
const PATH = /(^|\s)\/\S*\/([^\s/]+)/g;

/** Route key (`namespace/name`) -> what haproxy said about its file, as one short line without paths. */
export function refusedRoutes(output: readonly string[]): Map<string, string> {
  const refused = new Map<string, string>();
  for (const line of output) {
    if (!line.startsWith('[ALERT]')) continue;
    const m = ROUTE_FILE.exec(line);
    if (!m) continue;
    const key = `${m[1]}/${m[2]}`;
    if (refused.has(key)) continue;
    const said = (line.split(' : ').at(-1) ?? '').replace(QUOTED, '').replace(PATH, '$1$2').replace(/\s+/g, ' ').replace(/[\s.]+$/, '').trim();
    refused.set(key, said.slice(0, 200));
  }
  return refused;
}
