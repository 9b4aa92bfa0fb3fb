import type { Rejection } from '../admission/rejection.ts';
import type { Route } from '../domain/route.ts';
import { routeFileTag } from '../config/certificates.ts';
import { refusedRoutes, routeTagOf, withoutPaths } from './refused-files.ts';
import type { QuarantineEntry } from './applied-state.ts';

export type Quarantine = ReadonlyMap<string, QuarantineEntry>;

/** A certificate file that could not be written because of something about that file. */
export interface UnwrittenFile {
  name: string;
  /** The error code (e.g. ENAMETOOLONG), without the path. */
  code: string;
}

const tlsOf = (route: Route) => JSON.stringify(route.tls);

/**
 * The routes still quarantined (their TLS unchanged since haproxy refused
 * it), with their rejections: admission keeps them out but lets them hold
 * their hosts. Entries whose route changed its TLS or is gone are
 * forgotten, so that route is tried again.
 */
export function applyQuarantine(quarantine: Quarantine, routes: ReadonlyMap<string, Route>): { held: Map<string, Rejection>; quarantine: Quarantine } {
  const held = new Map<string, Rejection>();
  const kept = new Map<string, QuarantineEntry>();
  for (const [key, entry] of quarantine) {
    const route = routes.get(key);
    if (!route || entry.tls !== tlsOf(route)) continue;
    held.set(key, entry.rejection);
    kept.set(key, entry);
  }
  return { held, quarantine: kept.size === quarantine.size ? quarantine : kept };
}

/**
 * Quarantines the routes whose certificate files could not be written for
 * something about the file itself: the route is kept out alone, with the
 * error (no path), and everyone else's files are written and served.
 */
export function quarantineUnwritten(
  quarantine: Quarantine,
  unwritten: readonly UnwrittenFile[],
  candidates: ReadonlyMap<string, Route>,
): { quarantine: Quarantine; added: string[]; unknown: UnwrittenFile[] } {
  const byTag = new Map([...candidates.keys()].map((key) => [routeFileTag(key), key]));
  const next = new Map(quarantine);
  const added: string[] = [];
  const unknown: UnwrittenFile[] = [];
  for (const file of unwritten) {
    const tag = routeTagOf(file.name);
    const key = tag === undefined ? undefined : byTag.get(tag);
    const route = key === undefined ? undefined : candidates.get(key);
    if (key === undefined || !route) {
      unknown.push(file);
      continue;
    }
    if (next.has(key)) continue;
    next.set(key, { tls: tlsOf(route), rejection: { reason: 'ExtendedValidationFailed', message: `the route's certificate file could not be written (${file.code})` } });
    added.push(key);
  }
  return { quarantine: added.length > 0 ? next : quarantine, added, unknown };
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
