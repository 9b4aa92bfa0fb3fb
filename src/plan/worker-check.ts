import type { ConfigModel } from '../config/model.ts';
import { checkServerRef, isCheckBackendName, isRouteBackendName, serverKey, type ServerRef } from '../domain/names.ts';
import { switchOff } from './check-plan.ts';
import type { RuntimeCommand } from './commands.ts';

/** A server as the worker reports it: where it is, and what it points at (IPv6 without brackets). */
export interface RunningServer extends ServerRef {
  addr: string;
  port: number;
}

/**
 * How the servers a worker reports differ from the ones `model` declares:
 * route servers by name, check servers by name and the endpoint they check
 * (slots change endpoint live). Runtime commands are planned against the
 * model, so any difference (the disk out of step with the model) means the
 * worker must be reloaded from the model.
 */
export function serverDifferences(model: ConfigModel, running: readonly RunningServer[]): { missing: string[]; unexpected: string[] } {
  const want = new Set(model.backends.flatMap((b) => b.servers.map((s) => serverKey({ backend: b.name, server: s.name }))));
  const checks = new Map(model.checks.map((c) => [c.name, c]));
  for (const c of model.checks) want.add(serverKey(checkServerRef(c.name)));
  const have = new Set<string>();
  for (const s of running) {
    if (isRouteBackendName(s.backend)) have.add(serverKey(s));
    if (!isCheckBackendName(s.backend)) continue;
    const target = checks.get(s.server)?.target;
    // A free slot points wherever its last endpoint was.
    if (!target || (target.ip === s.addr && target.port === s.port)) have.add(serverKey(s));
  }
  return { missing: [...want].filter((k) => !have.has(k)), unexpected: [...have].filter((k) => !want.has(k)) };
}

/**
 * What a freshly (re)loaded worker needs before it matches `model`: every
 * check declared in the config starts switched on, so the checks that
 * should not run (no tracking backend has another server to fail over to)
 * are switched off here. Free slots are loaded in maintenance, their check
 * paused.
 */
export function planAfterLoad(model: ConfigModel): RuntimeCommand[] {
  return model.checks.flatMap((c) => (c.target && !c.active ? switchOff(checkServerRef(c.name)) : []));
}
