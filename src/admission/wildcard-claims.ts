import { ownerNamespace, type Route } from '../domain/route.ts';
import { isWildcardRoute } from './host-admitter.ts';
import { hostScope, slotKey } from './host-ownership.ts';
import { ADMITTED, reject, type Verdict } from './rejection.ts';
import { compareRouteAge } from './route-age.ts';
import type { AdmissionSettings } from './settings.ts';

/**
 * The domain a `Subdomain` route serves as `*.<domain>` (upstream
 * `GetDomainForHost`): everything after the first dot, `""` for a bare label.
 */
export function domainForHost(host: string): string {
  const dot = host.indexOf('.');
  return dot === -1 ? '' : host.slice(dot + 1);
}

/**
 * The oldest claimant and the oldest one from a different namespace than it:
 * enough to answer "does another namespace than X hold this?" in O(1), which
 * keeps a domain shared by thousands of namespaces (`*.apps.example.com`)
 * from making admission quadratic.
 */
interface Claimants {
  first: Route | undefined;
  otherNamespace: Route | undefined;
}

interface DomainClaims {
  wildcards: Claimants;
  exacts: Claimants;
  /** Wildcard routes by namespace scope and path, for same-scope duplicates. */
  wildcardPaths: Map<string, Route>;
}

function addClaimant(claimants: Claimants, route: Route): void {
  if (claimants.first === undefined) claimants.first = route;
  else if (claimants.otherNamespace === undefined && hostScope(route) !== hostScope(claimants.first)) claimants.otherNamespace = route;
}

function older(a: Route | undefined, b: Route | undefined): Route | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  return compareRouteAge(a, b) <= 0 ? a : b;
}

function fromAnotherNamespace(claimants: Claimants, scope: string): Route | undefined {
  return claimants.first !== undefined && hostScope(claimants.first) !== scope ? claimants.first : claimants.otherNamespace;
}

/**
 * Upstream `HostAdmitter`'s claimed/blocked wildcard bookkeeping, fed oldest
 * first so every holder is older than the route being checked. A wildcard
 * route (`www.d` with policy `Subdomain` serves `*.d`) and the plain hosts
 * of `d` cannot come from different namespaces, since the wildcard would
 * capture traffic meant for another tenant; within a namespace (or across
 * all of them with the ownership check disabled) they coexist, and two
 * wildcards of `d` only collide on the same path. Exact host against exact
 * host is the unique-host stage's job, as is everything when wildcard
 * routes are off (upstream only tracks these claims when they are on).
 */
export class WildcardClaims {
  private readonly byDomain = new Map<string, DomainClaims>();

  constructor(private readonly settings: Pick<AdmissionSettings, 'allowWildcardRoutes' | 'disableNamespaceOwnershipCheck'>) {}

  /** Whether `route` (resolved host) collides with an older claim; pure. */
  check(route: Route): Verdict {
    if (!this.applies(route)) return ADMITTED;
    const domain = domainForHost(route.host);
    const claims = this.byDomain.get(domain);
    if (claims === undefined) return ADMITTED;
    const shared = this.settings.disableNamespaceOwnershipCheck;
    const wildcard = isWildcardRoute(route);
    const otherWildcard = shared ? undefined : fromAnotherNamespace(claims.wildcards, hostScope(route));
    const samePathWildcard = wildcard ? claims.wildcardPaths.get(this.scopedPath(route)) : undefined;
    // Upstream walks the wildcard holders oldest first and stops at the first conflict.
    const blocker =
      older(otherWildcard, samePathWildcard) ??
      (wildcard && !shared ? fromAnotherNamespace(claims.exacts, hostScope(route)) : undefined);
    if (blocker === undefined) return ADMITTED;
    // Details only about routes of the rejected route's own namespace: other tenants' names stay private.
    if (ownerNamespace(blocker) === ownerNamespace(route)) {
      return reject('HostAlreadyClaimed', `wildcard route ${blocker.namespace}/${blocker.name} has host *.${domain}, blocking ${route.host}`);
    }
    return reject('HostAlreadyClaimed', `a route in another namespace holds host ${route.host}`);
  }

  /** Records an admitted route so younger routes are checked against it. */
  claim(route: Route): void {
    if (!this.applies(route)) return;
    const domain = domainForHost(route.host);
    let claims = this.byDomain.get(domain);
    if (claims === undefined) {
      claims = { wildcards: { first: undefined, otherNamespace: undefined }, exacts: { first: undefined, otherNamespace: undefined }, wildcardPaths: new Map() };
      this.byDomain.set(domain, claims);
    }
    if (!isWildcardRoute(route)) {
      addClaimant(claims.exacts, route);
      return;
    }
    addClaimant(claims.wildcards, route);
    const key = this.scopedPath(route);
    if (!claims.wildcardPaths.has(key)) claims.wildcardPaths.set(key, route);
  }

  private applies(route: Route): boolean {
    return this.settings.allowWildcardRoutes && route.host !== '';
  }

  private scopedPath(route: Route): string {
    return this.settings.disableNamespaceOwnershipCheck ? slotKey(route) : `${hostScope(route)}\u0000${slotKey(route)}`;
  }
}
