import type { AdmittedRoute } from '../domain/route-options.ts';
import { compareText } from '../domain/compare.ts';
import type { MapFileName, MapWish } from './route-contribution.ts';

/**
 * The Gateway API answers 404 to a request for a host its routes serve when
 * no route's path or conditions select it, where openshift-router answers
 * 503 to anything no route takes. The frontends tell the two apart after
 * every route lookup missed, by looking the request's host up in a map of
 * the hosts routes serve, with the same keys and in the same order as the
 * route lookups (exact host, Route wildcard `.domain`, deep wildcards
 * `*.domain` longest first, the catch-all `*.0`): the first key found says
 * who serves that name. Every HTTP route of a router serving Gateway API
 * has an entry, so a Route's host under a Gateway wildcard keeps its 503.
 * The names a Gateway API listener accepts are the Gateway API's too, as
 * the spec has them (a listener's host name, exact or wildcard; every name
 * for a listener that names none, the catch-all `*.0` found last): each
 * route served through a Gateway carries its listeners' host names
 * (gateway/listener-hosts.ts), so a name under one that no route serves
 * answers 404, while any name someone else serves is found first. Entries are data: a route added or removed changes them
 * with `add map` / `del map`, no reload.
 *
 * The same entries keep Gateway API wildcards and the catch-all off the
 * names Routes and Ingresses hold: a host (or a Route wildcard's domain)
 * found `route` skips the deep-wildcard and catch-all lookups, in the HTTP
 * frontends and for SNI, so a path its owner leaves unserved answers 503
 * rather than another tenant's route (Route rules: the owner's namespace
 * holds the whole host).
 */
const HOST_KIND_MAPS: Partial<Record<MapFileName, MapFileName>> = {
  'os_http_be.map': 'os_http_be_hosts.map',
  'os_http_be_prefix.map': 'os_http_be_hosts.map',
  'os_edge_reencrypt_be.map': 'os_edge_reencrypt_be_hosts.map',
  'os_edge_reencrypt_be_prefix.map': 'os_edge_reencrypt_be_hosts.map',
};

/** The entry values: the frontends deny with 404 when the host found is the Gateway API's. */
export const GATEWAY_API_HOST = 'gateway_api';
export const ROUTE_HOST = 'route';
/**
 * A name a Gateway listener names exactly: the Gateway API's (404 when no
 * route takes the request), and, as a Route's host, never served by a
 * wildcard or the catch-all through another listener (exact listener host
 * names are matched before wildcards).
 */
export const LISTENER_HOST = 'listener';

const isExactHost = (key: string) => key !== '' && !key.startsWith('*.') && !key.startsWith('.');

/** A Route's or an Ingress's host is held on both sides, whatever it serves there (plain, TLS, passthrough or only a redirect). */
const ROUTE_HOST_MAPS: readonly MapFileName[] = ['os_http_be_hosts.map', 'os_edge_reencrypt_be_hosts.map'];

/**
 * The host entries of a route whose path entries are `paths` (its map
 * wishes, or those its conditions keep out of the maps). A Route's or an
 * Ingress's entries are explicit, so they hold its host against a Gateway
 * API route on the same host (possible with the namespace ownership check
 * off): a Route's host never answers 404, on either side, and no Gateway API
 * wildcard serves it.
 */
function hostKindWishes(route: Pick<AdmittedRoute, 'hostScope' | 'listenerHosts'>, keyHost: string, paths: readonly MapWish[]): MapWish[] {
  const gateway = route.hostScope !== undefined;
  const files = gateway ? new Set(paths.flatMap((w) => HOST_KIND_MAPS[w.file] ?? [])) : ROUTE_HOST_MAPS;
  return [...files].map((file) => ({ file, key: keyHost, value: gateway ? gatewayValue(keyHost, listenerHostsIn(route, file)) : ROUTE_HOST, explicit: !gateway }));
}

/** The listener host names of the route's Gateways on the side a host-kind map serves. */
function listenerHostsIn(route: Pick<AdmittedRoute, 'listenerHosts'>, file: MapFileName): readonly string[] {
  return (file === 'os_http_be_hosts.map' ? route.listenerHosts?.http : route.listenerHosts?.https) ?? [];
}

/** A Gateway API name's entry: a listener's when a listener of the route's Gateways names it exactly. */
function gatewayValue(key: string, listenerHosts: readonly string[]): string {
  return isExactHost(key) && listenerHosts.includes(key) ? LISTENER_HOST : GATEWAY_API_HOST;
}

/**
 * Every host entry of a route: its own (hostKindWishes), then the names of
 * its Gateways' listeners, each on the port its listener is on; a key the
 * route's own entry has is not repeated.
 */
export function routeHostWishes(route: Pick<AdmittedRoute, 'hostScope' | 'listenerHosts'>, keyHost: string, paths: readonly MapWish[]): MapWish[] {
  const own = hostKindWishes(route, keyHost, paths);
  const hosts = route.listenerHosts;
  if (hosts === undefined) return own;
  const taken = new Set(own.map((w) => `${w.file} ${w.key}`));
  const listener = (file: MapFileName) => (key: string): MapWish => ({ file, key, value: isExactHost(key) ? LISTENER_HOST : GATEWAY_API_HOST, explicit: false });
  const listeners = [...hosts.http.map(listener('os_http_be_hosts.map')), ...hosts.https.map(listener('os_edge_reencrypt_be_hosts.map'))];
  return [...own, ...listeners.filter((w) => !taken.has(`${w.file} ${w.key}`))];
}

/** A route's listener host names as it carries them: key hosts, each once, sorted. */
export function listenerHostsOf(http: Iterable<string>, https: Iterable<string>): { http: string[]; https: string[] } {
  const sorted = (keys: Iterable<string>) => [...new Set(keys)].sort(compareText);
  return { http: sorted(http), https: sorted(https) };
}
