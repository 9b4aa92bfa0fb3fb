import type { ConfigModel } from '../config/model.ts';
import { isRouteBackendName, serverKey, type ServerRef } from '../domain/names.ts';
import type { RuntimeCommand } from './commands.ts';

/**
 * How the servers a worker reports differ from the ones `model` declares.
 * Runtime commands are planned against the model, so any difference (the
 * disk out of step with the model) means the worker must be reloaded from
 * the model.
 */
export function serverDifferences(model: ConfigModel, running: readonly ServerRef[]): { missing: string[]; unexpected: string[] } {
  const want = new Set(model.backends.flatMap((b) => b.servers.map((s) => serverKey({ backend: b.name, server: s.name }))));
  const have = new Set(running.filter((s) => isRouteBackendName(s.backend)).map((s) => serverKey({ backend: s.backend, server: s.server })));
  return { missing: [...want].filter((k) => !have.has(k)), unexpected: [...have].filter((k) => !want.has(k)) };
}

/**
 * What a freshly (re)loaded worker needs before it matches `model`: a
 * server's health check is declared in the config so it can be switched on
 * live when its backend gains a second server, and starts switched on, so
 * servers that should run unchecked have it switched off here. Harmless on
 * a server declared without `check`: haproxy answers `disable health` on it
 * with the same empty reply.
 */
export function planAfterLoad(model: ConfigModel): RuntimeCommand[] {
  const commands: RuntimeCommand[] = [];
  for (const b of model.backends) {
    for (const s of b.servers) if (!s.check) commands.push({ kind: 'disable-health', backend: b.name, server: s.name });
  }
  return commands;
}
