import type { CheckServerModel } from '../config/model.ts';
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

const reason = (code: ReloadReason['code'], slot: string): ReloadReason => ({ code, backend: checkServerRef(slot).backend });

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
export function planChecks(applied: readonly CheckServerModel[], next: readonly CheckServerModel[]): CheckPlan {
  const before = new Map(applied.map((c) => [c.name, c]));
  const after = new Set(next.map((c) => c.name));
  const plan: CheckPlan = { start: [], stop: [], reasons: [] };
  for (const c of next) {
    const old = before.get(c.name);
    if (!old) {
      plan.reasons.push(reason('check-slots-exhausted', c.name));
      continue;
    }
    if (old.tls !== c.tls || old.intervalMs !== c.intervalMs) {
      plan.reasons.push(reason('check-server-changed', c.name));
      continue;
    }
    const ref = checkServerRef(c.name);
    if (!old.target && c.target) plan.start.push(...take({ ...c, target: c.target }));
    else if (old.target && !c.target) plan.stop.push(...giveBack(c));
    else if (old.target && c.target && (old.target.ip !== c.target.ip || old.target.port !== c.target.port)) plan.reasons.push(reason('check-server-changed', c.name));
    else if (c.target && old.active !== c.active) plan.start.push(...(c.active ? [{ kind: 'enable-health' as const, ...ref }] : switchOff(ref)));
  }
  for (const c of applied) if (!after.has(c.name)) plan.reasons.push(reason('check-server-changed', c.name));
  return plan;
}
