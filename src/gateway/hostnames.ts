/**
 * Gateway API host names: precise (`foo.example.com`) or wildcard
 * (`*.example.com`, a suffix match over any number of labels, never the
 * domain itself), and how a listener's host name and a route's intersect.
 */
import { isDns1123Label, isDns1123Subdomain } from '../domain/names.ts';

export function isWildcard(hostname: string): boolean {
  return hostname.startsWith('*.');
}

/** A precise name, or `*.` and a precise name; no IP address (a name of digits alone would be one). */
export function isValidHostname(hostname: string): boolean {
  const precise = isWildcard(hostname) ? hostname.slice(2) : hostname;
  if (!isDns1123Subdomain(precise) || !precise.split('.').every(isDns1123Label)) return false;
  return !/^[0-9.]+$/.test(precise);
}

/** Whether `pattern` (precise or wildcard) covers every name `host` (precise or wildcard) does. */
function covers(pattern: string, host: string): boolean {
  if (!isWildcard(pattern)) return pattern === host;
  const suffix = pattern.slice(1);
  return host.endsWith(suffix) && host.length > suffix.length && (!isWildcard(host) || host.length >= pattern.length);
}

/**
 * The names a listener host name and a route host name both match, as one
 * host name (the more specific of the two), or undefined when they share
 * none. "" (unset) matches every name.
 */
export function intersectHostnames(listener: string, route: string): string | undefined {
  if (listener === '') return route;
  if (route === '') return listener;
  if (covers(listener, route)) return route;
  if (covers(route, listener)) return listener;
  return undefined;
}

/**
 * The host names a route serves on a listener: each of its host names that
 * intersects the listener's, narrowed to the intersection; the listener's
 * own when the route names none. "" is every host name (neither names one).
 */
export function servedHostnames(listener: string, route: readonly string[]): string[] {
  if (route.length === 0) return [listener];
  const out = new Set<string>();
  for (const hostname of route) {
    // The CRD refuses names that are not host names (`*.0` included, the catch-all's own): a manifest could still hold one.
    if (!isValidHostname(hostname)) continue;
    const both = intersectHostnames(listener, hostname);
    if (both !== undefined) out.add(both);
  }
  return [...out];
}

/** How many labels follow a wildcard's `*.` (`*.apps.example.com`: 3). */
export function wildcardSuffixLabels(hostname: string): number {
  return hostname.slice(2).split('.').length;
}
