import type { Rejection } from '../admission/rejection.ts';
import { objectKey, type Route } from '../domain/route.ts';
import { refusedRoutes, withoutPaths } from '../haproxy/refused-files.ts';
import type { QuarantineEntry } from './applied-state.ts';

export type Quarantine = ReadonlyMap<string, QuarantineEntry>;

const tlsOf = (route: Route) => JSON.stringify(route.tls);

/**
 * The routes still quarantined (their TLS unchanged since haproxy refused
 * it), with their rejections: admission keeps them out but lets them hold
 * their hosts. Entries whose route changed its TLS or is gone are
 * forgotten, so that route is tried again.
 */
export function applyQuarantine(quarantine: Quarantine, routes: Iterable<Route>): { held: Map<string, Rejection>; quarantine: Quarantine } {
  const held = new Map<string, Rejection>();
  const kept = new Map<string, QuarantineEntry>();
  for (const route of routes) {
    const key = objectKey(route);
    const entry = quarantine.get(key);
    if (!entry || entry.tls !== tlsOf(route)) continue;
    held.set(key, entry.rejection);
    kept.set(key, entry);
  }
  return { held, quarantine: kept.size === quarantine.size ? quarantine : kept };
}

/**
 * Quarantines the routes (among `candidates`, as the commit read them)
 * whose files haproxy named in the alerts of a failed check; `added` tells
 * whether there is a new one, i.e. whether a check without them is worth
 * trying.
 */
export function quarantineRefused(
  quarantine: Quarantine,
  output: readonly string[],
  candidates: ReadonlyMap<string, Route>,
): { quarantine: Quarantine; added: string[] } {
  const next = new Map(quarantine);
  const added: string[] = [];
  for (const [key, said] of refusedRoutes(output, candidates.keys())) {
    const route = candidates.get(key);
    if (!route || next.has(key)) continue;
    next.set(key, { tls: tlsOf(route), rejection: { reason: 'ExtendedValidationFailed', message: withoutPaths(`haproxy refused the route's certificate or CA: ${said}`) } });
    added.push(key);
  }
  return { quarantine: added.length > 0 ? next : quarantine, added };
}
