import type { Rejection } from '../admission/rejection.ts';
import { objectKey, type Route } from '../domain/route.ts';
import { refusedRoutes } from '../haproxy/refused-files.ts';
import type { QuarantineEntry } from './applied-state.ts';

export type Quarantine = ReadonlyMap<string, QuarantineEntry>;

const tlsOf = (route: Route) => JSON.stringify(route.tls);

/**
 * Splits the routes into those admission may consider and those still
 * quarantined (their TLS unchanged since haproxy refused it), and forgets
 * entries whose route changed its TLS or is gone.
 */
export function applyQuarantine(
  quarantine: Quarantine,
  routes: Iterable<Route>,
): { candidates: Route[]; quarantined: Map<string, Rejection>; quarantine: Quarantine } {
  const candidates: Route[] = [];
  const quarantined = new Map<string, Rejection>();
  const kept = new Map<string, QuarantineEntry>();
  for (const route of routes) {
    const key = objectKey(route);
    const held = quarantine.get(key);
    if (held && held.tls === tlsOf(route)) {
      quarantined.set(key, held.rejection);
      kept.set(key, held);
      continue;
    }
    candidates.push(route);
  }
  return { candidates, quarantined, quarantine: kept.size === quarantine.size ? quarantine : kept };
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
  for (const [key, said] of refusedRoutes(output)) {
    const route = candidates.get(key);
    if (!route || next.has(key)) continue;
    next.set(key, { tls: tlsOf(route), rejection: { reason: 'ExtendedValidationFailed', message: `haproxy refused the route's certificate or CA: ${said}` } });
    added.push(key);
  }
  return { quarantine: added.length > 0 ? next : quarantine, added };
}
