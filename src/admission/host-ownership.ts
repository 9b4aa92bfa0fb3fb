import { isDns1123Label, isDns1123Subdomain } from '../domain/names.ts';
import { requestMatchKey } from '../domain/request-match.ts';
import { ownerNamespace, type Route } from '../domain/route.ts';
import { ADMITTED, quoteForMessage, reject, type Verdict } from './rejection.ts';
import type { AdmissionSettings } from './settings.ts';

/**
 * Paths made only of slashes select the same requests as no path (the map
 * key is `host/` either way), so they claim the same slot. An exact path
 * (an Ingress's or an HTTPRoute's `Exact`) is a slot of its own: `/foo`
 * exactly and `/foo` with what lies below it are different paths.
 */
export function pathKey(path: string, exact = false): string {
  if (exact) return `=${path || '/'}`;
  return /^\/*$/.test(path) ? '' : path;
}

/**
 * The part of a host `route` claims: its path, and what a request must
 * carry besides (a Gateway API match's method, headers, query parameters),
 * so matches of one path that ask for different requests are different
 * claims, and the same ones compete.
 */
export function slotKey(route: Pick<Route, 'path' | 'exactPath' | 'requestMatch'>): string {
  const path = pathKey(route.path, route.exactPath);
  return route.requestMatch === undefined ? path : `${path}\u0000${requestMatchKey(route.requestMatch)}`;
}

/**
 * Who owns hosts with `route`: its namespace, or the scope it names
 * (`Route.hostScope`). Scopes hold a dot, which no namespace (a DNS-1123
 * label) can, so a scope is never taken for a namespace.
 */
export function hostScope(route: Pick<Route, 'namespace' | 'hostScope'>): string {
  return route.hostScope ?? route.namespace;
}

/**
 * Upstream `UniqueHost`'s per-route checks: a host must exist and be a
 * lower-case DNS-1123 name, checked label by label, before it can be owned.
 */
export function validateHost(host: string): Verdict {
  if (host === '') return reject('NoHostValue', 'no host value was defined for the route');
  if (!isDns1123Subdomain(host) || !host.split('.').every(isDns1123Label)) {
    return reject(
      'InvalidHost',
      `host name validation errors: spec.host: Invalid value: ${quoteForMessage(host)}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    );
  }
  return ADMITTED;
}

interface HostClaims {
  /** The oldest admitted route: its namespace owns the host unless ownership checks are off. */
  owner: Route;
  byPath: Map<string, Route>;
  /** Oldest admitted route with any TLS termination, and the oldest passthrough one. */
  tls: Route | undefined;
  passthrough: Route | undefined;
}

function isPassthrough(route: Route): boolean {
  return route.tls?.termination === 'passthrough';
}

/**
 * Upstream `UniqueHost` with its host index, fed oldest first. By default
 * (`SameNamespace`) the namespace of the oldest admitted route owns the
 * host: its routes share it on different paths and every other namespace is
 * refused. With the ownership check disabled (`OldestFirst`) any namespace
 * may add a path, and each host+path goes to its oldest route. Either way a
 * passthrough route takes the whole TLS side of a host (haproxy picks it by
 * SNI before any path is seen), so it and any other TLS route on that host
 * exclude each other whatever their paths; plain HTTP routes are unaffected.
 * Wildcard routes index on their own host like upstream, so `www.d` as a
 * wildcard and `www.d` as a plain host compete for the same paths.
 */
export class HostOwnership {
  private readonly byHost = new Map<string, HostClaims>();

  constructor(private readonly settings: Pick<AdmissionSettings, 'disableNamespaceOwnershipCheck'>) {}

  /** Whether `route` (resolved, valid host) may take its host+path; pure. */
  check(route: Route): Verdict {
    const claims = this.byHost.get(route.host);
    if (claims === undefined) return ADMITTED;
    if (!this.settings.disableNamespaceOwnershipCheck && hostScope(claims.owner) !== hostScope(route)) {
      return this.claimedFromAnotherNamespace(route);
    }
    const blocker = claims.byPath.get(slotKey(route)) ?? this.tlsConflict(claims, route);
    if (blocker === undefined) return ADMITTED;
    // Name the holder only to its own namespace: other tenants' route names stay private.
    if (ownerNamespace(blocker) !== ownerNamespace(route)) return this.claimedFromAnotherNamespace(route);
    return reject('HostAlreadyClaimed', `route ${blocker.name} already exposes ${route.host} and is older`);
  }

  /** Records an admitted route so younger routes are checked against it. */
  claim(route: Route): void {
    let claims = this.byHost.get(route.host);
    if (claims === undefined) {
      claims = { owner: route, byPath: new Map(), tls: undefined, passthrough: undefined };
      this.byHost.set(route.host, claims);
    }
    const key = slotKey(route);
    if (!claims.byPath.has(key)) claims.byPath.set(key, route);
    if (route.tls !== undefined) claims.tls ??= route;
    if (isPassthrough(route)) claims.passthrough ??= route;
  }

  private tlsConflict(claims: HostClaims, route: Route): Route | undefined {
    if (route.tls === undefined) return undefined;
    return isPassthrough(route) ? claims.tls : claims.passthrough;
  }

  private claimedFromAnotherNamespace(route: Route): Verdict {
    return reject('HostAlreadyClaimed', `a route in another namespace holds ${route.host} and is older than ${route.name}`);
  }
}
