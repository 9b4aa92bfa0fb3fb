import { crtLineNumbers, type AppliedState } from './applied-state.ts';
import type { BackendModel, ConfigModel } from '../config/model.ts';
import { isSpare } from '../config/spares.ts';
import { mapId, mapIdParts, type DesiredChange, type DesiredIndex } from './desired-index.ts';
import type { DesiredStep } from './desired-state.ts';
import { planIncremental, type HeldChange, type IncrementalPlan } from './incremental-plan.ts';
import { namespaceWait, type ReloadBudget } from './reload-budget.ts';
import type { RunningIndex } from './running-index.ts';

/**
 * A reload the full step held back (--interval, a namespace's reload
 * budget): when it is due, and every route, map key and SNI changed since
 * the worker last ran all that was desired. The worker lacks some of those
 * changes; everything else it runs as desired.
 */
export interface HeldReload {
  /** On the clock of IncrementalInput.now. */
  dueAt: number;
  /**
   * When the reload waits for the reload budgets of the namespaces that
   * need it rather than for --interval: when the first of them has one
   * back (budgetWait).
   */
  budgetAt: number | undefined;
  routes: ReadonlySet<string>;
  mapIds: ReadonlySet<string>;
  snis: ReadonlySet<string>;
}

/**
 * How what the worker runs stands against the desired configuration after
 * the last commit: all of it (`in-sync`: this change is all that differs);
 * all but what a held-back reload waits for; or not known (a refusal, a
 * failure, a check that could not run).
 */
export type WorkerSync = 'in-sync' | 'unknown' | HeldReload;

/** What the incremental step knows besides the applied state and the change. */
export interface IncrementalInput {
  now: number;
  haproxyRunning: boolean;
  runtimeUpdates: boolean;
  commitIntervalMs: number;
  reloadBudget: ReloadBudget;
  sync: WorkerSync;
}

/** `held` with the keys of `change` added: what waits once a full commit that took `change` in holds its reload back. */
export function heldWith(held: HeldReload | undefined, change: DesiredChange, dueAt: number, budgetAt: number | undefined): HeldReload {
  return {
    dueAt,
    budgetAt,
    routes: new Set([...(held?.routes ?? []), ...change.routes.keys()]),
    mapIds: new Set([...(held?.mapIds ?? []), ...change.mapIds]),
    snis: new Set([...(held?.snis ?? []), ...change.snis]),
  };
}

/**
 * Of what may wait (`held`: what waited, and what the commit that held the
 * reload back took in), what the worker still lacks once it runs
 * `running`, against the desired configuration fitted to it (`fitted`):
 * the routes whose backend differs and the map keys whose value differs.
 * The rest went live with the commit (its runtime subset). SNIs are kept:
 * crt-list lines are whole certificates' lines.
 */
export function stillHeld(held: HeldReload, running: RunningIndex, fitted: ConfigModel): HeldReload {
  const desiredBackends = new Map<string, BackendModel>();
  for (const b of fitted.backends) if (!isSpare(b) && held.routes.has(b.routeKey)) desiredBackends.set(b.routeKey, b);
  const routes = new Set([...held.routes].filter((key) => !Bun.deepEquals(running.routeBackend(key), desiredBackends.get(key))));
  const desiredValues = new Map<string, string>();
  for (const file of new Set([...held.mapIds].map((id) => mapIdParts(id).file))) {
    for (const e of fitted.maps[file] ?? []) {
      const id = mapId({ file, key: e.key });
      if (held.mapIds.has(id)) desiredValues.set(id, e.value);
    }
  }
  const mapIds = new Set(
    [...held.mapIds].filter((id) => {
      const { file, key } = mapIdParts(id);
      return running.mapValue(file, key) !== desiredValues.get(id);
    }),
  );
  return { dueAt: held.dueAt, budgetAt: held.budgetAt, routes, mapIds, snis: held.snis };
}

/** What of a held-back reload can go live before it: see runnableHeld. */
export interface Runnable {
  mapIds: Set<string>;
  snis: Set<string>;
}

/**
 * What `held` carries that can go live now. The full step that held the
 * reload back kept every map entry and crt-list line as they ran (its
 * runtime subset changes backends only), so another tenant's route that
 * came in the same batch as the change needing the reload (a new route
 * taking a spare) would wait for that reload too; planned from themselves
 * right after, its entries go live:
 * - with `lines`, the crt-list lines of SNIs no waiting route serves;
 * - the map keys nobody wants any more, and those whose winner the worker
 *   runs as desired (not a waiting route) with its SNI's lines (a route
 *   served before its certificate would answer with the default one).
 * Without `lines` (a line that cannot change live, such as one offering
 * HTTP/2 that would have to go, makes the plan a reload), only the keys of
 * routes whose SNI does not wait.
 */
export function runnableHeld(held: HeldReload, desired: Pick<DesiredIndex, 'mapWinner' | 'contribution'>, lines: boolean): Runnable {
  const waiting = new Set<string>();
  for (const key of held.routes) {
    const sni = desired.contribution(key)?.serving?.sni;
    if (sni !== undefined) waiting.add(sni);
  }
  const snis = new Set(lines ? [...held.snis].filter((sni) => !waiting.has(sni)) : []);
  const mapIds = new Set<string>();
  for (const id of held.mapIds) {
    const winner = desired.mapWinner(id)?.routeKey;
    if (winner !== undefined && held.routes.has(winner)) continue;
    const sni = winner === undefined ? undefined : desired.contribution(winner)?.serving?.sni;
    if (sni !== undefined && held.snis.has(sni) && !snis.has(sni)) continue;
    mapIds.add(id);
  }
  return { mapIds, snis };
}

/** `held` without what went live (`gone`). */
export function released(held: HeldReload, gone: Runnable): HeldReload {
  return { ...held, mapIds: new Set([...held.mapIds].filter((id) => !gone.mapIds.has(id))), snis: new Set([...held.snis].filter((sni) => !gone.snis.has(sni))) };
}

/** `held` once a change planned from itself went live: what now waits with it added, what went live taken out. */
export function heldAfter(held: HeldReload, change: HeldChange): HeldReload {
  return {
    ...held,
    routes: moved(held.routes, change.routes, new Set()),
    mapIds: moved(held.mapIds, change.mapIds, change.releasedMapIds),
    snis: moved(held.snis, change.snis, change.releasedSnis),
  };
}

/**
 * `was` with `added` and without `gone`; `was` itself when that leaves it
 * as it is (a waiting route's own changes, every one of them): a large
 * held-back batch is not copied for each change.
 */
function moved(was: ReadonlySet<string>, added: ReadonlySet<string>, gone: ReadonlySet<string>): ReadonlySet<string> {
  const changes = [...added].some((k) => !was.has(k) && !gone.has(k)) || [...gone].some((k) => was.has(k));
  return changes ? new Set([...was, ...added].filter((k) => !gone.has(k))) : was;
}

/**
 * Why a change cannot be planned from itself while `held` waits: the
 * reload is due, and the full step brings it. Until then the incremental
 * planner fits what it can from what the worker runs (a waiting tenant's
 * endpoint moves go live in milliseconds) and leaves what waits as it
 * runs: a route that needs the reload runs as it ran (its backend serving
 * its owner's host or path edits and its new pods too) or, new, nowhere,
 * and crt-list lines
 * of waiting routes stay as they run.
 */
export function waitsForHeldReload(held: HeldReload, now: number): string | undefined {
  return now >= held.dueAt ? 'the held-back reload is due' : undefined;
}

/**
 * Whether a route that needs a reload (a new one with no free spare, a
 * backend whose shape changed) may wait for the held-back reload rather
 * than have the full step plan one: when that reload would
 * not come sooner for it. One that waits for --interval goes then,
 * whoever needs it; one that waits longer for the reload budgets of the
 * namespaces that need it would go sooner for a namespace that has budget
 * left, or gets it back first (budgetWait). Budgets refill continuously,
 * and a wait is a whole number of milliseconds: the same namespace's wait
 * comes out up to 1 ms either side of `budgetAt`.
 */
export function joinsHeldReload(held: HeldReload, state: Pick<AppliedState, 'reloadBudget'>, routeKey: string, now: number, budget: ReloadBudget): boolean {
  if (held.budgetAt === undefined) return true;
  const wait = namespaceWait(state.reloadBudget, routeKey, now, budget);
  return wait !== undefined && now + wait > held.budgetAt - 1;
}

/**
 * The commit step for a change, when it can be planned from the change
 * alone: haproxy runs what the last commit wanted (or all of it but what a
 * held-back reload carries, which the change does not touch), no reload is
 * due (a worker out of step, a hold past --commit-interval, the held-back
 * one), and the change does not touch what every route shares. Otherwise
 * `full`, and planCommit decides from the whole configuration.
 */
export function planIncrementalCommit(state: AppliedState, step: DesiredStep, desired: DesiredIndex, running: RunningIndex, input: IncrementalInput): IncrementalPlan {
  if (input.sync === 'unknown') return { kind: 'full', why: 'the last commit left the worker short of the desired configuration' };
  if (!state.model || running.model !== state.model || !input.haproxyRunning) return { kind: 'full', why: 'no worker runs the applied model' };
  if (!input.runtimeUpdates) return { kind: 'full', why: 'runtime updates are off' };
  if (state.outOfStep !== undefined) return { kind: 'full', why: `the worker is out of step (${state.outOfStep})` };
  if (state.heldSince !== undefined && input.now - state.heldSince >= input.commitIntervalMs) return { kind: 'full', why: 'routes ran on spares for --commit-interval' };
  if (step.settings === undefined) return { kind: 'full', why: 'what every route shares changed' };
  const held = input.sync === 'in-sync' ? undefined : input.sync;
  const waits = held && waitsForHeldReload(held, input.now);
  if (waits !== undefined) return { kind: 'full', why: waits };
  const holding = held && { ...held, joins: (key: string) => joinsHeldReload(held, state, key, input.now, input.reloadBudget) };
  return planIncremental(running, desired, step.change, step.settings, step.defaultCertificate, () => crtLineNumbers(state), holding, state.loadedMaxConnections);
}

/**
 * Whether the worker runs what a full commit wanted once it is done: not
 * after a deferral, a refusal, a failure, or files equal to the last
 * refused candidate (`unchanged` then means "still refused").
 */
export function staysInSync(result: string, refused: unknown): boolean {
  if (result === 'unchanged') return refused === undefined;
  return result === 'written' || result === 'runtime' || result === 'started' || result === 'reloaded';
}
