import type { BackendModel, ConfigModel } from '../config/model.ts';
import { forEachByName } from '../domain/sorted-arrays.ts';
import { backendReasons, planBackend, sameBackendLines } from './backend-plan.ts';
import { checkTrackers, planChecks } from './check-plan.ts';
import { fitChecks, unplacedKeys } from './fit-checks.ts';
import { asRan } from './fit-to-running.ts';
import { isSpare } from '../config/spares.ts';
import { serverCheckKey, trackOf } from '../config/check-servers.ts';
import { planCaFileLoads } from './ca-file-plan.ts';
import { planCertificates, runningCrtList } from './certificate-plan.ts';
import { loadedLineNumbers, type CrtLineNumbers } from './crt-line-numbers.ts';
import { planMaps } from './map-plan.ts';
import type { GlobalCommand, RuntimeCommand } from './commands.ts';
import type { ConfigSettings } from '../config/settings.ts';
import { backendReason, matchRuleReasons, sniFrontendReasons, type ReloadReason } from './reload-reasons.ts';

/** How to get a running haproxy from `applied` to `next`. */
export type UpdatePlan =
  | { kind: 'none' }
  /** Send these, in order, to the worker's admin socket; no reload. */
  | { kind: 'runtime'; commands: RuntimeCommand[] }
  | { kind: 'reload'; reasons: ReloadReason[] };

/**
 * The router's one decision between the runtime API and a reload. Pure:
 * `applied` is what the running worker holds (the last loaded model with
 * every runtime update since), `next` what it should hold. Server changes
 * inside an unchanged backend and route certificates served by SNI (added,
 * rotated, removed) go through the runtime API; anything else, or any such
 * change haproxy 2.6 cannot make live, reloads, and the plan says why.
 * `crtLines` are the numbers the worker gave its crt-list lines; by default
 * those of a worker that loaded `applied`. `loadedMaxConnections` is the
 * `maxconn` the worker loaded with, as high as it can go live; by default
 * `applied`'s.
 */
export function planUpdate(
  applied: ConfigModel,
  next: ConfigModel,
  crtLines: CrtLineNumbers = loadedLineNumbers(applied.crtList),
  loadedMaxConnections: number = applied.settings.maxConnections,
): UpdatePlan {
  const reasons: ReloadReason[] = [];
  const global = (code: ReloadReason['code']) => reasons.push({ code, backend: undefined });
  const limit = planSettings(applied.settings, next.settings, loadedMaxConnections);
  if (limit === 'reload') global('settings-changed');
  if (!Bun.deepEquals(applied.matchRules, next.matchRules)) reasons.push(...matchRuleReasons(applied.matchRules, next.matchRules));
  if (applied.sniFrontends !== next.sniFrontends) reasons.push(...sniFrontendReasons(applied.sniFrontends, next.sniFrontends));
  const maps = Bun.deepEquals(applied.maps, next.maps) ? { upserts: [], removals: [] } : planMaps(applied.maps, next.maps);
  const certificates = planCertificates(applied, next, runningCrtList(applied, crtLines));
  reasons.push(...certificates.reasons);
  const backends = backendChanges(applied.backends, next.backends);
  const caFiles = planCaFileLoads(applied, next, { backends: backends.changed, before: (b) => backends.before.get(b) });
  reasons.push(...caFiles.reasons);
  const checks = applied.checks === next.checks ? { start: [], stop: [], reasons: [] } : planChecks(applied.checks, next.checks, checkTrackers(next, applied));
  reasons.push(...checks.reasons);

  const track = trackOf(next.checks);
  const commands: RuntimeCommand[] = [];
  for (const b of backends.changed) {
    const old = backends.before.get(b);
    if (!old) {
      reasons.push(backendReason('backend-added', b));
      continue;
    }
    // Most backends are unchanged; one native comparison settles those.
    if (Bun.deepEquals(old, b)) continue;
    const plan = planBackend(old, b, track);
    reasons.push(...plan.reasons);
    commands.push(...plan.commands);
  }
  for (const b of backends.removed) reasons.push(backendReason('backend-removed', b));

  if (reasons.length > 0) return { kind: 'reload', reasons };
  const { lower, raise } = limitCommands(limit === 'reload' ? undefined : limit, applied.settings.maxConnections);
  const all = [...lower, ...certificates.commands, ...caFiles.commands, ...checks.start, ...commands, ...maps.upserts, ...maps.removals, ...checks.stop, ...raise];
  if (all.length === 0) return { kind: 'none' };
  // Check servers are taken before the servers that track them are added, and given back once those are in
  // maintenance. Servers come before the map entries that send traffic to them, entries leave before their servers,
  // and deletions go last: entering maintenance closes a server's idle connections, but those owned by other
  // threads close a moment later, and deleting last gives them that moment.
  const deletes = commands.filter((c) => c.kind === 'del-server');
  return {
    kind: 'runtime',
    commands: [
      ...lower,
      ...certificates.commands,
      ...caFiles.commands,
      ...checks.start,
      ...commands.filter((c) => c.kind !== 'del-server'),
      ...checks.stop,
      ...maps.upserts,
      ...maps.removals,
      ...deletes,
      ...raise,
    ],
  };
}

/**
 * The backends of `next` that are not `applied`'s own objects (`before`:
 * the one of the same name `applied` had, if any), and those of `applied`
 * that `next` has no backend of the same name for, each in its model's
 * order. Both lists are in name order (every model's are), so they are
 * walked side by side: a Map and a Set of every name cost a fifth of a
 * reload's planning at 100,000 routes. Should either be out of order, a
 * backend is reported added and removed rather than changed, which
 * reloads: never a change missed.
 */
export function backendChanges(applied: readonly BackendModel[], next: readonly BackendModel[]): { changed: BackendModel[]; before: Map<BackendModel, BackendModel>; removed: BackendModel[] } {
  const changed: BackendModel[] = [];
  const before = new Map<BackendModel, BackendModel>();
  const removed: BackendModel[] = [];
  forEachByName(applied, next, (old, b) => {
    if (old === b) return;
    if (b === undefined) removed.push(old as BackendModel);
    else {
      changed.push(b);
      if (old !== undefined) before.set(b, old);
    }
  });
  return { changed, before, removed };
}

/**
 * For each backend of `applied`, the backend of `next` of the same name, if
 * any; both lists in name order (every model's are), walked side by side.
 * Out of order, a backend may find none, which leaves it as it runs.
 */
function sameNames(applied: readonly BackendModel[], next: readonly BackendModel[]): (BackendModel | undefined)[] {
  const found: (BackendModel | undefined)[] = [];
  forEachByName(applied, next, (a, b) => {
    if (a !== undefined) found.push(b);
  });
  return found;
}

/**
 * Where a new connection limit goes among a change's commands: a lower one
 * first, leaving the descriptors of the checks about to start free; a
 * higher one last, once the checks that gave their descriptors back have
 * stopped.
 */
export function limitCommands(limit: GlobalCommand | undefined, current: number): { lower: GlobalCommand[]; raise: GlobalCommand[] } {
  if (!limit) return { lower: [], raise: [] };
  return limit.maxconn < current ? { lower: [limit], raise: [] } : { lower: [], raise: [limit] };
}

/**
 * What a change of settings takes: nothing, a new connection limit the
 * worker can take live (the descriptor budget moves it as health checks
 * come and go: descriptor-budget.ts), or a reload.
 */
export function planSettings(applied: ConfigSettings, next: ConfigSettings, loadedMaxConnections: number): GlobalCommand | 'reload' | undefined {
  if (applied === next) return undefined;
  const { maxConnections: before, ...rest } = applied;
  const { maxConnections: after, ...nextRest } = next;
  if (!Bun.deepEquals(rest, nextRest)) return 'reload';
  if (before === after) return undefined;
  return after <= loadedMaxConnections ? { kind: 'set-maxconn-global', maxconn: after } : 'reload';
}

/**
 * Retries a `del-server` that was busy; the caller retries again, later,
 * for as long as it stays busy. Entering maintenance closes the server's
 * idle connections (those of other threads a moment later), but requests
 * in flight then leave theirs idle afterwards, and a server already in
 * maintenance does not close them again: passing through drain (still no
 * new traffic) makes the second maint close them. Busy after that means
 * requests are still running, or other threads are still closing.
 */
export function planDeleteRetry(server: { backend: string; server: string }): RuntimeCommand[] {
  const ref = { backend: server.backend, server: server.server };
  return [
    { kind: 'set-drain', ...ref },
    { kind: 'set-maint', ...ref },
    { kind: 'del-server', ...ref },
  ];
}

/**
 * The part of `next` the runtime API can apply to `applied` on its own: every
 * backend of `applied` whose next version differs only in runtime-capable
 * ways takes that version, unless one of its new endpoints finds no free
 * check slot; everything else (maps, certificates, new or changed backends)
 * stays as applied, and the check slots follow the backends taken. A
 * route whose backend's new shape needs the reload keeps running as it ran
 * with its new endpoints (asRan). Used while a reload waits for --interval
 * or a namespace's budget, so endpoint changes never wait behind it.
 */
export function runtimeSubset(applied: ConfigModel, next: ConfigModel): ConfigModel {
  const upcoming = sameNames(applied.backends, next.backends);
  // `next`'s route backends by route, made only when a running backend has none of its name (a route on a spare, a
  // removed route's backend): a Map of every backend was most of this function's time at 100,000 routes.
  let routes: Map<string, BackendModel> | undefined;
  const routeOf = (key: string) => (routes ??= new Map(next.backends.filter((b) => !isSpare(b)).map((b) => [b.routeKey, b]))).get(key);
  const taken = new Set<string>();
  const candidates = applied.backends.map((b, i) => {
    const n = upcoming[i];
    // The route did not change since the worker took it (most of them): its backend runs as desired.
    if (n === b) return b;
    let fit = n && backendReasons(b, n).length === 0 ? n : undefined;
    const reshaped = fit === undefined && b.routeKey !== '' ? (n?.routeKey === b.routeKey ? n : routeOf(b.routeKey)) : undefined;
    if (reshaped && !sameBackendLines(b, reshaped)) {
      const ran = asRan(b, reshaped);
      if (backendReasons(b, ran).length === 0) fit = ran;
    }
    if (!fit || Bun.deepEquals(fit, b)) return b;
    taken.add(b.name);
    return fit;
  });
  if (taken.size === 0) return applied;
  // Slots go to new endpoints in key order, so leaving out the backends that need an unplaced one leaves the
  // others' endpoints placed.
  const unplaced = unplacedKeys(applied.checks, fitChecks(applied.checks, candidates));
  const backends = candidates.map((b, i) => {
    const kept = applied.backends[i] as BackendModel;
    return taken.has(b.name) && b.servers.some((s) => unplaced.has(serverCheckKey(b, s))) ? kept : b;
  });
  return { ...applied, backends, checks: fitChecks(applied.checks, backends) };
}
