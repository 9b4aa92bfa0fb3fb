import { checkKey, serverCheckKeys } from '../config/check-servers.ts';
import type { BackendModel, CheckServerModel } from '../config/model.ts';
import { compareText } from '../domain/compare.ts';
import { checkServerRef } from '../domain/names.ts';
import type { RuntimeCommand } from './commands.ts';
import type { ReloadReason } from './reload-reasons.ts';

/**
 * What it takes to move the check servers from `applied` to `next`: `start`
 * goes before the route servers that will track them are added, `stop`
 * after the servers that tracked them are in maintenance.
 */
export interface CheckPlan {
  start: RuntimeCommand[];
  stop: RuntimeCommand[];
  reasons: ReloadReason[];
}

/** The routes (`namespace/name`) whose servers track a check. */
export type CheckTrackers = (c: CheckServerModel) => readonly string[];

/**
 * The routes of `backends` whose servers track each check, found by its
 * endpoint, so that a reload a tenant's endpoints force (more new pods than
 * free slots, a check interval of its own) is charged to its namespace's
 * budget. Indexed on first use: only a reload asks.
 */
export function checkTrackers(...models: { backends: readonly BackendModel[] }[]): CheckTrackers {
  let byKey: Map<string, Set<string>> | undefined;
  const index = () => {
    const map = new Map<string, Set<string>>();
    for (const b of models.flatMap((m) => m.backends)) {
      if (b.routeKey === '') continue;
      for (const key of serverCheckKeys(b)) {
        const routes = map.get(key) ?? new Set<string>();
        routes.add(b.routeKey);
        map.set(key, routes);
      }
    }
    return map;
  };
  return (c) => {
    // A slot given back is known by the endpoint it checked last.
    const target = c.target ?? c.lastTarget;
    if (target === undefined) return [];
    return [...((byKey ??= index()).get(checkKey(c, target)) ?? [])].sort(compareText);
  };
}

function reasonsFor(code: ReloadReason['code'], c: CheckServerModel, trackers: CheckTrackers | undefined): ReloadReason[] {
  const backend = checkServerRef(c.name).backend;
  const routes = trackers?.(c) ?? [];
  return routes.length === 0 ? [{ code, backend }] : routes.map((route) => ({ code, backend, route }));
}

/**
 * A check switched off leaves its server in the state its last result gave
 * it; marking it up afterwards keeps a pod that failed its check while
 * another route needed it from staying down for routes that do not.
 */
export function switchOff(ref: { backend: string; server: string }): RuntimeCommand[] {
  return [
    { kind: 'disable-health', ...ref },
    { kind: 'set-health-up', ...ref },
  ];
}

/**
 * A free slot taken by an endpoint. The check is switched on before the
 * slot leaves maintenance even when it is not to run: leaving maintenance
 * resumes only a check that is on, and one left paused would never run
 * when switched on later.
 */
function take(c: CheckServerModel & { target: { ip: string; port: number } }): RuntimeCommand[] {
  const ref = checkServerRef(c.name);
  return [
    { kind: 'set-addr', ...ref, ip: c.target.ip, port: c.target.port },
    { kind: 'enable-health', ...ref },
    { kind: 'enable-server', ...ref },
    ...(c.active ? [] : switchOff(ref)),
  ];
}

/**
 * A slot given back: its check off and its server up, address left as it
 * was. Not in maintenance, which would pass to its trackers: one whose
 * deletion waits for requests in flight is retried through drain to close
 * its idle connections (plan.ts planDeleteRetry), and an inherited
 * maintenance would keep it from ever leaving maintenance to re-enter it.
 */
function giveBack(c: CheckServerModel): RuntimeCommand[] {
  return switchOff(checkServerRef(c.name));
}

/**
 * Diffs the check servers by name. Slots are never added or deleted live:
 * a server added at runtime cannot be tracked, and one the configuration
 * tracks cannot be deleted. A slot changes endpoint only by being given
 * back and taken in a later commit (see fit-checks.ts).
 */
export function planChecks(applied: readonly CheckServerModel[], next: readonly CheckServerModel[], trackers?: CheckTrackers): CheckPlan {
  const before = new Map(applied.map((c) => [c.name, c]));
  const after = new Set(next.map((c) => c.name));
  const plan: CheckPlan = { start: [], stop: [], reasons: [] };
  for (const c of next) {
    const old = before.get(c.name);
    if (!old) {
      plan.reasons.push(...reasonsFor('check-slots-exhausted', c, trackers));
      continue;
    }
    if (old.tls !== c.tls || old.intervalMs !== c.intervalMs) {
      plan.reasons.push(...reasonsFor('check-server-changed', c, trackers));
      continue;
    }
    const ref = checkServerRef(c.name);
    if (!old.target && c.target) plan.start.push(...take({ ...c, target: c.target }));
    else if (old.target && !c.target) plan.stop.push(...giveBack(c));
    else if (old.target && c.target && (old.target.ip !== c.target.ip || old.target.port !== c.target.port)) plan.reasons.push(...reasonsFor('check-server-changed', c, trackers));
    else if (c.target && old.active !== c.active) plan.start.push(...(c.active ? [{ kind: 'enable-health' as const, ...ref }] : switchOff(ref)));
  }
  for (const c of applied) if (!after.has(c.name)) plan.reasons.push(...reasonsFor('check-server-changed', c, trackers));
  return plan;
}
