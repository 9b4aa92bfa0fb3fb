import type { Route } from '../domain/route.ts';
import { ADMITTED, quoteForMessage, reject, type Verdict } from './rejection.ts';
import { hostInDomainList, type AdmissionSettings } from './settings.ts';

/**
 * Only `Subdomain` serves `*.<parent domain>`; `None` and an empty policy
 * (from sources that skip CRD defaulting) serve the host alone.
 */
export function isWildcardRoute(route: Pick<Route, 'wildcardPolicy'>): boolean {
  return route.wildcardPolicy === 'Subdomain';
}

/**
 * The wildcard policy check of upstream's `RouteAdmissionFunc`. The message
 * for an unknown policy is the one upstream actually emits (its
 * `unsupported wildcard policy` twin in `HostAdmitter.addRoute` is never
 * reached because this check runs first).
 */
function validateWildcardPolicy(policy: string, allowWildcardRoutes: boolean): Verdict {
  if (policy === '' || policy === 'None') return ADMITTED;
  if (policy === 'Subdomain') {
    return allowWildcardRoutes ? ADMITTED : reject('RouteNotAdmitted', 'wildcard routes are not allowed');
  }
  return reject('RouteNotAdmitted', `unknown wildcard policy ${quoteForMessage(policy)}`);
}

/**
 * The stateless half of upstream's `HostAdmitter`: denied domains first (they
 * win over allowed ones), then the allowed list when it is non-empty, then
 * the wildcard policy. A route without a host skips the domain lists; the
 * unique-host stage rejects it with `NoHostValue`.
 *
 * @param route the route with its resolved host (see `resolveHost`)
 */
export function admitHost(route: Route, settings: AdmissionSettings): Verdict {
  if (route.host !== '') {
    if (hostInDomainList(route.host, settings.deniedDomains)) {
      return reject('RouteNotAdmitted', 'host in list of denied domains');
    }
    if (settings.allowedDomains.length > 0 && !hostInDomainList(route.host, settings.allowedDomains)) {
      return reject('RouteNotAdmitted', 'host not in the allowed list of domains');
    }
  }
  // Gateway API wildcards are the Gateway's listeners' to allow (their hostnames), not --allow-wildcard-routes'.
  const policy = validateWildcardPolicy(route.wildcardPolicy, settings.allowWildcardRoutes || route.deepWildcard === true);
  // A wildcard serves the host's parent domain; a host without one would claim every dot-less name.
  if (policy.ok && route.wildcardPolicy === 'Subdomain' && !route.host.includes('.')) {
    return reject('RouteNotAdmitted', 'wildcard routes need a host with a parent domain');
  }
  return policy;
}
