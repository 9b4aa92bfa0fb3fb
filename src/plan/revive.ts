import type { BackendModel, ConfigModel, ServerModel } from '../config/model.ts';
import { trackedCheck } from '../config/check-servers.ts';
import { serverOptions } from '../config/server-line.ts';
import { compareText } from '../domain/compare.ts';
import { serverKey, type ServerRef } from '../domain/names.ts';
import type { RuntimeCommand } from './commands.ts';

const withoutWeight = (options: string) => options.replace(/^weight \d+ ?/, '');

/** A backend by name: models keep their backends in name order, so a deletion haproxy refused costs a search, not a scan. */
function backendNamed(backends: readonly BackendModel[], name: string): BackendModel | undefined {
  let lo = 0;
  let hi = backends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareText((backends[mid] as BackendModel).name, name) < 0) lo = mid + 1;
    else hi = mid;
  }
  const found = backends[lo];
  return found?.name === name ? found : backends.find((b) => b.name === name);
}

/** A server's options as rendered following the check slot `track`, weight left out (reviving reweighs): what it was created with. */
export function createdWith(backend: BackendModel, server: ServerModel, track: string): string {
  return withoutWeight(serverOptions(backend, server, track));
}

/** A server's options as `model` renders them, weight left out: what it was created with. */
export function creationOptions(model: ConfigModel | undefined, ref: ServerRef): string | undefined {
  const backend = model && backendNamed(model.backends, ref.backend);
  const server = backend?.servers.find((s) => s.name === ref.server);
  if (!model || !backend || !server) return undefined;
  const track = trackedCheck(model.checks, backend, server);
  if (track === undefined) throw new Error(`no check server for ${backend.name}/${server.name}`);
  return createdWith(backend, server, track);
}

/**
 * A pod that comes back while its server still waits to be deleted (in
 * maintenance: deletions wait for a quiet worker, or for requests in
 * flight) is still in the worker: `add server` would refuse the name, so it
 * is reweighed instead, and the plan's `enable server` that follows brings
 * it back. Only if it was created with the options it would be added with
 * now (the same TLS to the pod, the same check slot to follow): otherwise
 * it is `stale`, to be deleted before its `add server` (kept in
 * `commands`) runs.
 *
 * @param waiting the creation options of each server still waiting for its
 *   deletion, by serverKey
 */
export function reviveWaitingServers(commands: readonly RuntimeCommand[], waiting: ReadonlyMap<string, string | undefined>): { commands: RuntimeCommand[]; stale: ServerRef[] } {
  const out: RuntimeCommand[] = [];
  const stale: ServerRef[] = [];
  for (const c of commands) {
    if (c.kind !== 'add-server' || !waiting.has(serverKey(c))) {
      out.push(c);
      continue;
    }
    if (waiting.get(serverKey(c)) !== withoutWeight(c.options)) {
      stale.push({ backend: c.backend, server: c.server });
      out.push(c);
      continue;
    }
    const weight = Number(/\bweight (\d+)/.exec(c.options)?.[1] ?? 1);
    out.push({ kind: 'set-weight', backend: c.backend, server: c.server, weight });
  }
  return { commands: out, stale };
}

const redirecting = (c: RuntimeCommand) => c.kind === 'add-map' || c.kind === 'set-map' || c.kind === 'del-map' || c.kind === 'del-server' || c.kind === 'del-acl';

/**
 * haproxy runs every command of a batch even after one fails. Servers,
 * certificates and new allowlist entries go first, on their own: only if
 * all of them are in place do map entries start (or stop) sending traffic,
 * servers leave and allowlist entries go.
 */
export function runtimePhases(commands: readonly RuntimeCommand[]): RuntimeCommand[][] {
  return [commands.filter((c) => !redirecting(c)), commands.filter(redirecting)].filter((phase) => phase.length > 0);
}
