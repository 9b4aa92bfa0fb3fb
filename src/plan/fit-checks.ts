import { checkKey, keyOfCheck, neededChecks, sameProfile, type NeededCheck } from '../config/check-servers.ts';
import type { BackendModel, CheckServerModel } from '../config/model.ts';
import { compareText } from '../domain/compare.ts';
import { checkServerName } from '../domain/names.ts';

const slotNumber = (c: CheckServerModel) => Number(c.name.replace(/^\D+/, ''));

/**
 * The check servers the worker should run for `backends`, in terms of the
 * slots it has (`applied`):
 * - an endpoint keeps the slot that checks it (its trackers name it);
 * - a slot no backend needs any more is given back (free);
 * - a new endpoint takes the free slot that last checked it, else a free
 *   slot of its kind, lowest first; only one free in `applied`: a slot given
 *   back in the same step may still have trackers waiting for their deletion;
 * - a new endpoint for which no slot is left gets a slot the worker does not
 *   have, so the plan reloads (a fresh load renders a slot per endpoint).
 * Whether each check runs follows the backends.
 */
export function fitChecks(applied: readonly CheckServerModel[], backends: readonly BackendModel[], needed = neededChecks(backends)): CheckServerModel[] {
  const unplaced = new Map(needed);
  const free: CheckServerModel[] = [];
  const fitted = applied.map((c): CheckServerModel => {
    const key = keyOfCheck(c);
    const need = key === undefined ? undefined : needed.get(key);
    if (key === undefined) {
      free.push(c);
      return c;
    }
    unplaced.delete(key);
    return need ? (need.active === c.active ? c : { ...c, active: need.active }) : { ...c, target: undefined, lastTarget: c.target, active: false };
  });
  const taken = new Map<string, CheckServerModel>();
  const returning = new Map(free.flatMap((c) => (c.lastTarget ? [[checkKey(c, c.lastTarget), c] as const] : [])));
  let fresh = applied.reduce((n, c) => Math.max(n, slotNumber(c)), 0);
  for (const key of [...unplaced.keys()].sort(compareText)) {
    const need = unplaced.get(key);
    if (!need) continue;
    const own = returning.get(key);
    const slot = own && !taken.has(own.name) ? own : free.find((c) => !taken.has(c.name) && sameProfile(c, need.profile));
    const name = slot?.name ?? checkServerName(++fresh);
    taken.set(name, { name, target: need.target, lastTarget: undefined, ...need.profile, active: need.active });
  }
  const result = fitted.map((c) => taken.get(c.name) ?? c);
  const have = new Set(applied.map((c) => c.name));
  for (const [name, c] of taken) if (!have.has(name)) result.push(c);
  return result;
}

/**
 * What neededChecks gives for a model's backends, read from its checks:
 * every model holds a check server for each endpoint its route servers
 * track (checkServers, fitChecks), so finding them again from every route
 * server was the larger part of fitting a reload's model at 100,000 routes
 * (BENCHMARKS.md, issue #12).
 */
export function checksOf(checks: readonly CheckServerModel[]): Map<string, NeededCheck> {
  const needed = new Map<string, NeededCheck>();
  for (const c of checks) {
    const key = keyOfCheck(c);
    if (key !== undefined) needed.set(key, { profile: { tls: c.tls, intervalMs: c.intervalMs }, target: c.target as NeededCheck['target'], active: c.active });
  }
  return needed;
}

/** `needed` with the endpoints of `backends` too (a key both have is active when either says so). */
export function withChecksOf(needed: Map<string, NeededCheck>, backends: readonly BackendModel[]): Map<string, NeededCheck> {
  for (const [key, n] of neededChecks(backends)) {
    const held = needed.get(key);
    if (held === undefined) needed.set(key, n);
    else if (n.active && !held.active) needed.set(key, { ...held, active: true });
  }
  return needed;
}

/** The keys of the endpoints `checks` has no slot of the worker for (see fitChecks): what only a reload can check. */
export function unplacedKeys(applied: readonly CheckServerModel[], checks: readonly CheckServerModel[]): Set<string> {
  const have = new Set(applied.map((c) => c.name));
  const keys = new Set<string>();
  for (const c of checks) {
    const key = keyOfCheck(c);
    if (key !== undefined && !have.has(c.name)) keys.add(key);
  }
  return keys;
}
