import type { Rejection } from '../admission/rejection.ts';
import { serverCheckKey } from '../config/check-servers.ts';
import type { ConfigModel } from '../config/model.ts';
import type { RenderedFiles, Renderer } from '../config/render.ts';
import { serverKey } from '../domain/names.ts';
import type { AppliedState } from '../plan/applied-state.ts';
import type { RuntimeCommand } from '../plan/commands.ts';
import type { DesiredStep } from '../plan/desired-state.ts';
import type { IncrementalPlan } from '../plan/incremental-plan.ts';
import { mergeChange, type DesiredChange } from '../plan/desired-index.ts';
import { heldAfter, heldWith, planIncrementalCommit, released, runnableHeld, staysInSync, stillHeld, type IncrementalInput, type WorkerSync } from '../plan/incremental-step.ts';
import { numberLoadedLines } from '../plan/crt-line-numbers.ts';
import { createdWith } from '../plan/revive.ts';
import { RunningIndex, type RunningPatch } from '../plan/running-index.ts';
import type { IncrementalDesired } from './committer-deps.ts';
import type { CommitOutcome } from './outcome.ts';

/** A reload a full commit held back: when it is due, and the desired configuration fitted to the worker it is to bring. */
export interface HeldReloadTarget {
  dueAt: number;
  budgetAt: number | undefined;
  fitted: ConfigModel;
}

export type Verdicts = Pick<CommitOutcome, 'routes' | 'admitted' | 'rejections' | 'notices' | 'changed'>;

/**
 * What the committer remembers between commits for incremental ones: how
 * what the worker runs stands against what the last commit wanted (a
 * reload it held back included), the running model indexed, and the routes
 * whose verdict changed since the last outcome observers saw (all of them,
 * after a commit that failed).
 */
export class IncrementalCommits {
  private sync: WorkerSync = 'unknown';
  /** Where a patch on its way to the worker leaves `sync` once it got there. */
  private resume: WorkerSync | undefined;
  /** Where the commit planned last leaves `sync` once the worker took it, when it moved what a held-back reload carries. */
  private planned: WorkerSync | undefined;
  /** What the full commit under way took in (loading and fullDone read it). */
  private taken: DesiredChange | undefined;
  private running: RunningIndex | undefined;
  private unreported: Set<string> | undefined = new Set();
  private indexing: ReturnType<typeof setTimeout> | undefined;
  /** The last full commit held back map keys or crt-list lines that can go live: the next commit plans them with its own changes. */
  private catchUp = false;
  /** The last catch-up went to the full step: the full commit that follows sets none (no loop of full commits). */
  private catchUpMissed = false;

  /**
   * What the changes taken in during the reload under way changed (see
   * loading): the new worker lacks all of it. `broken`: one of them could
   * not be followed from itself (what every route shares changed, or it
   * threw), and the commit after the reload takes the full step.
   */
  private carried: { change: DesiredChange; verdicts: Set<string>; broken: boolean } | undefined;
  /** Changes the next commit plans with its own: those the reload's new worker was loaded without. */
  private pending: DesiredChange | undefined;
  /** The routes whose verdict the aside under way changed. */
  private asideVerdicts: ReadonlySet<string> = new Set();

  constructor(private readonly desired: IncrementalDesired) {}

  /** Takes in a commit's changes: admission and the desired configuration (the full step reads them as they stand then). */
  take(held: ReadonlyMap<string, Rejection>): DesiredStep {
    let step = this.desired.update(held);
    if (this.pending) {
      const change = this.pending;
      this.pending = undefined;
      mergeChange(change, step.change);
      step = { ...step, change };
    }
    this.taken = step.change;
    if (this.unreported) for (const key of step.verdicts) this.unreported.add(key);
    return step;
  }

  /**
   * Takes in changes that arrived while a reload is under way, to plan them
   * against the worker being replaced (see `loading`); the changes of the
   * commit that reloads stay its own.
   */
  takeAside(held: ReadonlyMap<string, Rejection>): DesiredStep {
    const carried = this.carried;
    if (!carried) throw new Error('a change taken in aside with no reload under way');
    const step = this.desired.update(held);
    this.asideVerdicts = step.verdicts;
    mergeChange(carried.change, step.change);
    for (const key of step.verdicts) carried.verdicts.add(key);
    carried.broken ||= step.settings === undefined;
    return step;
  }

  /** A change taken in aside threw on its way: nothing is known of what went where. */
  asideFailed(): void {
    if (this.carried) this.carried.broken = true;
  }

  /**
   * The commit under way reloads, to a configuration with the changes it
   * took in: until the new worker answers, the old one lacks exactly those
   * (and what a reload held back before carried). Recorded as a reload held
   * back that is never due, so changes planned meanwhile (takeAside) leave
   * them as they run. Returns false when the worker's state is not known,
   * and nothing can be planned from a change alone.
   */
  loading(): boolean {
    if (this.sync === 'unknown' || !this.taken) return false;
    this.sync = heldWith(this.sync === 'in-sync' ? undefined : this.sync, this.taken, Number.POSITIVE_INFINITY, undefined);
    this.carried = { change: { routes: new Map(), mapIds: new Set(), snis: new Set() }, verdicts: new Set(), broken: false };
    return true;
  }

  /**
   * The reload is done (fullDone said how) and changes were taken in
   * meanwhile (whether they went to the worker it replaced or not): the new
   * worker has none of them. With it in step otherwise, the next commit
   * plans them from themselves, with its own, against what it loaded, and
   * reports the verdicts they changed; else it takes the full step.
   */
  loadedWithAsides(): void {
    const carried = this.carried;
    this.carried = undefined;
    if (this.sync === 'in-sync' && carried && !carried.broken) {
      this.pending = carried.change;
      if (this.unreported) for (const key of carried.verdicts) this.unreported.add(key);
      return;
    }
    this.sync = 'unknown';
    this.catchUp = false;
    clearTimeout(this.indexing);
  }

  /** Plans the changes `take` took in from themselves, when the step can (else `full`). */
  plan(state: AppliedState, step: DesiredStep, input: Omit<IncrementalInput, 'sync'>): IncrementalPlan {
    if (!state.model) return { kind: 'full', why: 'nothing loaded yet' };
    const held = this.sync;
    const catchUp = this.catchUp;
    this.catchUp = false;
    this.planned = undefined;
    const running = this.index(state.model);
    if (!catchUp || typeof held !== 'object') return this.moving(held, planIncrementalCommit(state, step, this.desired.index, running, { ...input, sync: held }));
    let plan: IncrementalPlan = { kind: 'full', why: 'nothing to catch up' };
    // With the lines first; a line that cannot change live sends that plan to the full step, and the keys go without them.
    for (const lines of [true, false]) {
      const runnable = runnableHeld(held, this.desired.index, lines);
      // They go in as changed, no longer held: the planner reads their winners and lines as they stand now.
      const rest = released(held, runnable);
      const change = { ...step.change, mapIds: new Set([...step.change.mapIds, ...runnable.mapIds]), snis: new Set([...step.change.snis, ...runnable.snis]) };
      plan = planIncrementalCommit(state, { ...step, change }, this.desired.index, running, { ...input, sync: rest });
      if (plan.kind === 'full') continue;
      this.sync = rest;
      this.catchUpMissed = false;
      return this.moving(rest, plan);
    }
    // Planned by the full step instead, they stay held: it works out what waits from what it holds.
    this.catchUpMissed = true;
    return plan;
  }

  /** `plan`, remembering how it moves what the held-back reload carries (`held`) for when the worker took it. */
  private moving(held: WorkerSync, plan: IncrementalPlan): IncrementalPlan {
    if (plan.kind !== 'full' && plan.held && typeof held === 'object') this.planned = heldAfter(held, plan.held);
    return plan;
  }

  /** Whether the next commit has held-back map keys or lines to send live (the last full commit held a reload back). */
  get caughtUpNext(): boolean {
    return this.catchUp;
  }

  /** How long the reload a full commit held back still waits at `now`, if one does: a commit planned here keeps it waiting. */
  heldReloadIn(now: number): number | undefined {
    return typeof this.sync === 'object' ? Math.max(0, this.sync.dueAt - now) : undefined;
  }

  /**
   * The running model once the worker took `patch` (before it did: a
   * failure sends the next commit down the full step), and what each
   * server `commands` delete was created with, read from the model before.
   */
  patched(patch: RunningPatch, commands: readonly RuntimeCommand[]): { model: ConfigModel; createdWith: Map<string, string | undefined> } {
    const running = this.running;
    if (!running) throw new Error('incremental commit without a running model');
    this.resume = this.planned ?? this.sync;
    this.sync = 'unknown';
    const created = new Map<string, string | undefined>();
    for (const c of commands) {
      if (c.kind !== 'del-server') continue;
      const backend = running.backend(c.backend);
      const server = backend?.servers.find((s) => s.name === c.server);
      const track = backend && server && running.slotFor(serverCheckKey(backend, server))?.name;
      created.set(serverKey(c), backend && server && track !== undefined ? createdWith(backend, server, track) : undefined);
    }
    return { model: running.apply(patch), createdWith: created };
  }

  /** The files of the model a patch led to, from those of the model before (`previous`). */
  files(render: Renderer, previous: RenderedFiles, model: ConfigModel, patch: RunningPatch): RenderedFiles {
    const running = this.running;
    if (!running) throw new Error('incremental commit without a running model');
    const changes = { backends: patch.backends, checks: patch.checks, maps: patch.maps.keys(), crtList: patch.crtAdded.length + patch.crtRemoved.length > 0, settings: patch.settings !== undefined };
    return render.patch(previous, model, changes, running.patchLookup());
  }

  /** The worker took the patch: the outcome's verdicts, live, with the routes whose verdict changed since the last one. */
  applied(): Verdicts {
    this.settle();
    const changed = this.unreported;
    this.unreported = new Set();
    return { ...this.views(), ...(changed ? { changed } : {}) };
  }

  private settle(): void {
    const next = this.resume ?? this.planned;
    if (next !== undefined) this.sync = next;
    this.resume = undefined;
    this.planned = undefined;
    this.running?.settled();
  }

  private views(): Omit<Verdicts, 'changed'> {
    const views = this.desired.views;
    return { routes: views.routes, admitted: views.admitted, rejections: views.rejected, notices: views.notices };
  }

  /**
   * A change planned during a reload went to the worker being replaced: as
   * `applied`, reporting the routes whose verdict it changed; those whose
   * verdict changed before stay to be reported by the commits that took them.
   */
  appliedAside(): Verdicts {
    this.settle();
    return { ...this.views(), changed: this.asideVerdicts };
  }

  /** Every route's verdict as the router has it now, for an outcome that reports them all. */
  liveVerdicts(): Verdicts {
    return this.views();
  }

  /**
   * A full commit came to `result`; `complete`: every admitted route was in
   * its model; `held`: it held a reload back (and what it could send went
   * live). With the worker in step before, the held-back reload carries
   * what of this commit's changes and of those it carried already the
   * worker still lacks; the changes that touch none of it are planned from
   * themselves meanwhile, and the next commit sends the map keys and lines
   * of it that can run (runnableHeld) live. When the next change can be
   * planned from itself, the model now running is indexed once this commit
   * is done rather than when that change comes (O(routes): 30-80 ms at
   * 10,000 routes, a change's own cost many times over).
   */
  fullDone(result: CommitOutcome['result'], complete: boolean, refusedBefore: unknown, running: () => Pick<AppliedState, 'model' | 'files' | 'crtLines'>, held?: HeldReloadTarget): void {
    const before = this.sync;
    this.planned = undefined;
    const { model } = running();
    if (complete && staysInSync(result, refusedBefore)) this.sync = 'in-sync';
    else if (complete && held && model && before !== 'unknown' && this.taken) {
      this.sync = stillHeld(heldWith(before === 'in-sync' ? undefined : before, this.taken, held.dueAt, held.budgetAt), this.index(model), held.fitted);
    } else this.sync = 'unknown';
    const runnable = typeof this.sync === 'object' && !this.catchUpMissed ? runnableHeld(this.sync, this.desired.index, true) : undefined;
    this.catchUp = runnable !== undefined && runnable.mapIds.size + runnable.snis.size > 0;
    this.catchUpMissed = false;
    this.unreported = new Set();
    // A full commit's change is every route after a start or a reload: 15-20 MB at 100,000 routes, read by nothing once it is done.
    this.taken = undefined;
    clearTimeout(this.indexing);
    if (this.sync === 'unknown') return;
    this.indexing = setTimeout(() => {
      const { model, files, crtLines } = running();
      if (!model) return;
      this.index(model).adoptTexts((name) => files?.get(name));
      // The worker's lines are still numbered as its file has them (no runtime command changed them yet).
      if (crtLines === undefined) numberLoadedLines(model.crtList);
    }, 0);
    this.indexing.unref();
  }

  private index(model: ConfigModel): RunningIndex {
    clearTimeout(this.indexing);
    if (this.running?.model !== model) this.running = new RunningIndex(model);
    return this.running;
  }

  /**
   * The patch from `patched` did not become what runs (the runtime update
   * failed, or the commit threw): the model before it is the applied one
   * again, and the patched index is dropped (the next full commit indexes
   * what it leads to).
   */
  reverted(): void {
    this.sync = 'unknown';
    this.pending = undefined;
    this.catchUp = false;
    this.resume = undefined;
    this.planned = undefined;
    if (this.running?.revert()) this.running = undefined;
  }

  /** A commit failed: observers did not see its verdicts, so the next outcome reports every route. */
  failed(): void {
    this.reverted();
    this.unreported = undefined;
  }
}
