import type { ConfigModel } from '../config/model.ts';
import { checkServerRef, isCheckBackendName, isRouteBackendName, serverKey, type ServerRef } from '../domain/names.ts';
import { switchOff } from './check-plan.ts';
import type { RuntimeCommand } from './commands.ts';

/** A server as the worker reports it: where it is, and what it points at (IPv6 without brackets). */
export interface RunningServer extends ServerRef {
  addr: string;
  port: number;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * How the servers a worker reports differ from the ones `model` declares:
 * route servers by name, check servers by name and the endpoint they check
 * (slots change endpoint live). Runtime commands are planned against the
 * model, so any difference (the disk out of step with the model) means the
 * worker must be reloaded from the model. Servers in `touched` (keys of
 * servers that commands named while the worker was asked) are left out:
 * the report may show them before or after those commands.
 */
export function serverDifferences(model: ConfigModel, running: readonly RunningServer[], touched: ReadonlySet<string> = NONE): { missing: string[]; unexpected: string[] } {
  // By backend, then server (true once the worker is seen holding it): a `backend/server` string for each of the
  // 25,000 servers of a 10,000-route worker, made and hashed twice, was most of a check.
  const want = new Map<string, Map<string, boolean>>();
  const declare = (backend: string, server: string) => {
    let servers = want.get(backend);
    if (servers === undefined) want.set(backend, (servers = new Map()));
    servers.set(server, false);
  };
  for (const b of model.backends) for (const s of b.servers) declare(b.name, s.name);
  const checks = new Map(model.checks.map((c) => [c.name, c]));
  for (const c of model.checks) {
    const ref = checkServerRef(c.name);
    declare(ref.backend, ref.server);
  }
  const unexpected = new Set<string>();
  for (const s of running) {
    if (!isRouteBackendName(s.backend)) {
      if (!isCheckBackendName(s.backend)) continue;
      const target = checks.get(s.server)?.target;
      // A free slot points wherever its last endpoint was.
      if (target && (target.ip !== s.addr || target.port !== s.port)) continue;
    }
    const servers = want.get(s.backend);
    if (servers?.has(s.server)) servers.set(s.server, true);
    else if (touched.size === 0 || !touched.has(serverKey(s))) unexpected.add(serverKey(s));
  }
  const missing: string[] = [];
  for (const [backend, servers] of want) {
    for (const [server, seen] of servers) {
      if (seen) continue;
      const key = serverKey({ backend, server });
      if (!touched.has(key)) missing.push(key);
    }
  }
  return { missing, unexpected: [...unexpected] };
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
