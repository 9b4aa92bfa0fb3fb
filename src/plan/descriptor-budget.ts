import type { AdmittedRoute } from '../admission/admit-routes.ts';
import type { Rejection } from '../admission/rejection.ts';
import { freeSlots, sameProfile, serverCheckKeys, slotProfiles, profileOf } from '../config/check-servers.ts';
import type { BackendModel } from '../config/model.ts';
import type { ConfigSettings } from '../config/settings.ts';
import { objectKey } from '../domain/route.ts';
import { FD_RESERVE } from './max-connections.ts';

/** Below this, haproxy would technically run but not serve anyone; refusing is clearer. */
export const MIN_MAX_CONNECTIONS = 100;

/** Checks reserve a descriptor each; counted in steps so a few more pods do not change maxconn (and force a reload). */
const CHECK_FD_STEP = 1024;

/**
 * How many health checks (one descriptor each, reserved by haproxy at
 * start) the open-file limit leaves room for beside the fewest connections
 * worth serving; undefined when unlimited.
 */
export function checkRoom(fdLimit: number | undefined): number | undefined {
  if (fdLimit === undefined || fdLimit === Number.POSITIVE_INFINITY) return undefined;
  return fdLimit - FD_RESERVE - 2 * MIN_MAX_CONNECTIONS;
}

/** The descriptors maxconn is sized around for `checks` checks: whole steps, as far as the room goes. */
export function budgetedChecks(checks: number, room: number | undefined): number {
  const stepped = Math.max(1, Math.ceil(checks / CHECK_FD_STEP)) * CHECK_FD_STEP;
  return room === undefined ? stepped : Math.max(checks, Math.min(stepped, room));
}

/**
 * The routes to refuse so the checks a load renders fit in `room`: routes
 * are taken oldest first, each adding checks for the endpoints no older
 * route already has (and the free slots that go with them); a route that
 * would not fit is refused, and younger ones that need no new check still
 * fit. So the newest routes are the ones refused, and a route sharing its
 * pods with older ones costs nothing.
 */
export function routesOverRoom(
  routes: readonly AdmittedRoute[],
  backends: readonly BackendModel[],
  room: number,
  settings: Pick<ConfigSettings, 'checkIntervalMs'>,
): Set<string> {
  const byRoute = new Map(backends.filter((b) => b.routeKey !== '').map((b) => [b.routeKey, b]));
  const profiles = slotProfiles(settings);
  const counts = profiles.map(() => 0);
  const keys = new Set<string>();
  let assigned = 0;
  const total = () => assigned + counts.reduce((n, c) => n + freeSlots(c), 0);
  const refused = new Set<string>();
  for (const route of routes) {
    const key = objectKey(route);
    const backend = byRoute.get(key);
    if (!backend) continue;
    const fresh = [...new Set(serverCheckKeys(backend))].filter((k) => !keys.has(k));
    if (fresh.length === 0) continue;
    const slot = profiles.findIndex((p) => sameProfile(p, profileOf(backend)));
    assigned += fresh.length;
    if (slot !== -1) counts[slot] = (counts[slot] ?? 0) + fresh.length;
    if (total() <= room) {
      for (const k of fresh) keys.add(k);
      continue;
    }
    assigned -= fresh.length;
    if (slot !== -1) counts[slot] = (counts[slot] ?? 0) - fresh.length;
    refused.add(key);
  }
  return refused;
}

/** What a route refused for want of descriptors says in its status and the log. */
export function descriptorRejection(fdLimit: number, room: number): Rejection {
  return {
    reason: 'RouteNotAdmitted',
    message: `not served: the health checks of its endpoints would take more descriptors than the open-file limit (${fdLimit}) leaves for checks (${room}); newer routes are refused first; raise LimitNOFILE`,
  };
}
