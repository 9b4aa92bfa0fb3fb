import type { Rejection } from '../admission/rejection.ts';
import type { Route } from '../domain/route.ts';
import type { AdmittedRoute } from '../domain/route-options.ts';
import { fileOwners, fileRoutes, refusedRoutes, withoutPaths } from './refused-files.ts';
import type { QuarantineEntry } from './applied-state.ts';

export type Quarantine = ReadonlyMap<string, QuarantineEntry>;

/** The routes a commit read (admitted or not), and those of them it admitted: whose files a failure can name. */
export interface Candidates {
  routes: ReadonlyMap<string, Route>;
  admitted: readonly AdmittedRoute[];
}

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
  candidates: Candidates,
): { quarantine: Quarantine; added: string[]; unknown: UnwrittenFile[] } {
  const owners = fileOwners(candidates.admitted);
  const next = new Map(quarantine);
  const added: string[] = [];
  const unknown: UnwrittenFile[] = [];
  for (const file of unwritten) {
    const keys = fileRoutes(file.name, owners).filter((key) => candidates.routes.has(key));
    if (keys.length === 0) unknown.push(file);
    for (const key of keys) {
      const route = candidates.routes.get(key) as Route;
      if (next.has(key)) continue;
      next.set(key, { tls: tlsOf(route), rejection: { reason: 'ExtendedValidationFailed', message: `the route's certificate file could not be written (${file.code})` } });
      added.push(key);
    }
  }
  return { quarantine: added.length > 0 ? next : quarantine, added, unknown };
}

/**
 * Quarantines the routes (among `candidates`, as the commit read them)
 * whose files haproxy named in the alerts of a failed check; `added` tells
 * whether there is a new one, i.e. whether a check without them is worth
 * trying.
 */
export function quarantineRefused(quarantine: Quarantine, output: readonly string[], candidates: Candidates): { quarantine: Quarantine; added: string[] } {
  const next = new Map(quarantine);
  const added: string[] = [];
  for (const [key, said] of refusedRoutes(output, fileOwners(candidates.admitted))) {
    const route = candidates.routes.get(key);
    if (!route || next.has(key)) continue;
    next.set(key, { tls: tlsOf(route), rejection: { reason: 'ExtendedValidationFailed', message: withoutPaths(`haproxy refused the route's certificate or CA: ${said}`) } });
    added.push(key);
  }
  return { quarantine: added.length > 0 ? next : quarantine, added };
}
