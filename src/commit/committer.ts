import { LogLevels } from 'consola';
import type { RenderedFiles } from '../config/render.ts';
import type { ConfigModel } from '../config/model.ts';
import { objectKey } from '../domain/route.ts';
import type { AdmittedRoute } from '../domain/route-options.ts';
import { errorMessage } from '../errors.ts';
import { WORKER_PID_TIMEOUT_MS } from '../haproxy/timeouts.ts';
import type { RuntimeCommand } from '../plan/commands.ts';
import {
  INITIAL_STATE,
  candidateAccepted,
  candidateRefused,
  commandsRan,
  markApplied,
  markPatched,
  quarantined,
  reloadCharged,
  reloadStarted,
  workerLoaded,
  workerOutOfStep,
  type AppliedState,
} from '../plan/applied-state.ts';
import { decideCommit, planCommit, reloadPlan, type CommitPlan, type ReloadToRender } from '../plan/commit-step.ts';
import { DEFAULT_RELOAD_BUDGET } from '../plan/reload-budget.ts';
import { applyQuarantine, quarantineRefused, quarantineUnwritten, type Candidates } from '../plan/quarantine.ts';
import type { Rejection } from '../admission/rejection.ts';
import { commitInput } from './commit-input.ts';
import { IncrementalCommits, type HeldReloadTarget } from './incremental-commits.ts';
import { loadConfiguration } from './loader.ts';
import { commandKinds, loadedOutcome, notifyObservers, RETRY_AFTER_FAILURE_MS, type CommitOutcome } from './outcome.ts';
import { RuntimeApplier, type RuntimeApplyResult } from './runtime-applier.ts';
import { BackgroundCheck } from './background-check.ts';
import { HoldTimer } from './hold-timer.ts';
import { LoadedWorkerCheck, switchOffChecks } from './worker-check.ts';
import type { CommitterDeps } from './committer-deps.ts';
import { CommitTimeline, commitLine, type CommitPath } from './commit-timeline.ts';

export type { CommitterDeps, IncrementalDesired } from './committer-deps.ts';

export interface Committer {
  commit(): Promise<CommitOutcome>;
  /**
   * Notes that haproxy restarted on its own (the supervisor brought it back):
   * the next commit first brings the new worker in line with the applied
   * model, in turn with other commits, so its checks never interleave with
   * runtime commands. The caller then asks for a commit.
   */
  workerRestarted(): void;
  /**
   * haproxy is about to be (re)started by the supervisor: the servers still
   * waiting to be deleted were the last worker's, and a retry must not reach
   * the new one, which loads the files on disk (they may lag behind the
   * last worker, when they could not be written).
   */
  launching(): void;
  /**
   * The files haproxy is being started from lack changes the last worker
   * ran (they could not be written): once it runs, the commit that brings
   * it in line reloads it from the model, as after a load that went to a
   * restarting master (map entries and certificates are not in the worker
   * check's reach).
   */
  filesBehind(): void;
  /**
   * While a reload is under way (from its decision until the master lists the
   * new worker): commits the changes that arrived since, against the worker
   * being replaced, when they can be planned from themselves. Undefined when
   * they must wait for the reload (none is under way, or they cannot go
   * aside): the commit after it takes them.
   * The new worker loads without them; the commit that follows the reload
   * brings it up to date.
   */
  aside(): Promise<CommitOutcome | undefined>;
  /** Stops the timer that bounds how long routes stay on spares, the background checks and the deletions still waiting. */
  stop(): void;
  /** Resolves once the background checks (of runtime-written generations, and of the servers of a worker just loaded) are done. */
  checksDone(): Promise<void>;
}

/**
 * How long a reload's render runs before the event loop gets a turn (to
 * read watch events and run asides): short against a change's latency
 * goal, long against the turn's own cost (two immediates, some µs).
 */
const RENDER_SLICE_MS = 2;

/** A turn of the event loop that polls for I/O: Bun runs an immediate before polling, and one scheduled from it after. */
const ioTurn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

type Result = Omit<CommitOutcome, 'routes' | 'admitted' | 'rejections' | 'notices' | 'changed' | 'durationMs'>;

/**
 * A full commit's served routes by key, for its outcome: admission's live
 * table when it holds exactly these (no route refused), else a copy. A
 * copy outlives the commit as the last outcome: 6.8 MB at 100,000 routes.
 */
export function servedMap(admitted: readonly AdmittedRoute[], live: ReadonlyMap<string, AdmittedRoute> | undefined): ReadonlyMap<string, AdmittedRoute> {
  if (live && live.size === admitted.length && admitted.every((r) => live.get(objectKey(r)) === r)) return live;
  return new Map(admitted.map((r) => [objectKey(r), r]));
}

/**
 * The commit shell: reads the desired configuration, asks the pure step
 * (planCommit) what to do, carries the plan out through its ports, and
 * feeds what happened back into the applied state. It decides nothing
 * itself beyond the order of its own steps.
 */
export function createCommitter(deps: CommitterDeps): Committer {
  const log = deps.logger.withTag('commit');
  const now = deps.now ?? Date.now;
  const applier = new RuntimeApplier(deps.runtime, log);
  const timeline = deps.timeline ?? new CommitTimeline();
  let state: AppliedState = INITIAL_STATE;
  let restarted = false;
  /**
   * A load went `pending` while haproxy restarted, or haproxy restarted from files that lag behind (filesBehind): the
   * restarted master may have read older files, so its servers matching the model proves nothing about its maps; it is
   * reloaded instead.
   */
  let loadedDuringRestart = false;
  const fast = deps.incremental && new IncrementalCommits(deps.incremental);
  const budget = deps.reloadBudget ?? DEFAULT_RELOAD_BUDGET;
  const hold = new HoldTimer(deps.commitIntervalMs, () => deps.requestCommit(), now);
  const background = new BackgroundCheck({
    checker: deps.checker,
    hold: (generation) => deps.writer.hold(generation),
    flush: () => deps.writer.flush(),
    onRefused() {
      state = workerOutOfStep(state, 'config-check-failed');
      deps.requestCommit();
    },
    logger: log,
  });

  const workerCheck = new LoadedWorkerCheck({
    runtime: deps.runtime,
    model: () => state.model,
    onMismatch() {
      state = workerOutOfStep(state, 'worker-out-of-step');
      deps.requestCommit();
    },
    logger: log,
  });

  /** The reload under way while changes may go aside: the worker it replaces, whether asides took changes in, the one running. */
  let window: { worker: number; took: boolean; running: Promise<unknown> | undefined } | undefined;
  /** Asides took changes in during the load of the commit under way. */
  let tookAside = false;
  const asideTimeline = new CommitTimeline();

  const input = (model: ConfigModel) => commitInput(deps, model, now(), budget);
  async function applied(files: RenderedFiles, model: ConfigModel, plain: ConfigModel | undefined): Promise<void> {
    const next = markApplied(state, { files, model, plain: plain ?? model }, now());
    // Before any await: a background check may mark the state meanwhile, and that mark must stay.
    // A partial update (while a reload waits) leaves the hold as it was.
    state = plain ? next.state : { ...next.state, heldSince: state.heldSince };
    await deps.writer.pruneCertificates(next.keepCertificates);
  }

  async function afterLoad(): Promise<void> {
    const stale = restarted && loadedDuringRestart;
    restarted = false;
    loadedDuringRestart = false;
    applier.forgetWorker();
    state = workerLoaded(state);
    if (stale) {
      state = workerOutOfStep(state, 'worker-out-of-step');
      deps.requestCommit();
      return;
    }
    if (!state.model) return;
    await switchOffChecks(deps.runtime, state.model, log);
    workerCheck.start();
  }

  /** Files only server lines, map entries and crt-list lines changed in: live at once, checked in the background. */
  async function writeUnchecked(files: RenderedFiles): Promise<void> {
    timeline.enter('write');
    const gen = await writeLive(files);
    timeline.enter('other');
    background.written(gen.generation, gen.configPath);
  }

  /** In place while a worker runs: only a start or restart reads the files meanwhile, and neither happens while one runs. */
  async function writeLive(files: RenderedFiles): Promise<{ generation: number; configPath: string }> {
    if (deps.haproxy.running) return deps.writer.update(files);
    const gen = await deps.writer.stage(files);
    await deps.writer.activate(gen.generation);
    return gen;
  }

  /** Runtime path: files first (the store has them on disk before a reload or restart reads them: either must bring up what the worker holds), then the commands. */
  async function applyRuntime(files: RenderedFiles, commands: readonly RuntimeCommand[], record: () => Promise<void>, created?: ReadonlyMap<string, string | undefined>): Promise<RuntimeApplyResult> {
    // No haproxy -c: only server lines (built by the function the running config already accepted), map entries and
    // crt-list lines changed; a certificate haproxy cannot parse fails `set ssl cert`, and the swap is rolled back.
    timeline.enter('write');
    const gen = await writeLive(files);
    timeline.enter('runtime');
    workerCheck.sending(commands);
    const result = await applier.apply(commands, state.model, created);
    timeline.enter('other');
    if (!result.ok) {
      // The unchecked generation must not stay on disk: the reload that follows checks its own candidate.
      await deps.writer.rollback();
      state = workerOutOfStep(state, 'runtime-update-failed');
      return result;
    }
    background.written(gen.generation, gen.configPath);
    state = commandsRan(state, commands);
    await record();
    return result;
  }

  async function load(plan: Extract<CommitPlan, { kind: 'reload' }>, candidates: Candidates): Promise<Result> {
    timeline.enter('check');
    deps.loading?.();
    workerCheck.cancel();
    await openWindow();
    const loading = loadConfiguration(
      {
        writer: deps.writer,
        checker: deps.checker,
        haproxy: deps.haproxy,
        loadStarting: () => {
          state = reloadStarted(state, now());
          applier.pauseRetries();
        },
        checked: () => timeline.enter('load'),
        now,
      },
      plan.files,
    );
    const { result, timings } = await loading.finally(closeWindow);
    if (result.kind !== 'started' && result.kind !== 'reloaded' && result.kind !== 'pending' && result.kind !== 'died') await keepAsidesOnDisk();
    if (result.kind === 'unchecked') return { result: 'deferred', retryAfterMs: RETRY_AFTER_FAILURE_MS, refusal: result.output, reloadReasons: plan.reasons };
    if (result.kind === 'refused') {
      const q = quarantineRefused(state.quarantine, result.output, candidates);
      if (q.added.length > 0) {
        state = quarantined(state, q.quarantine);
        return { result: 'rejected-by-haproxy', retryAfterMs: 0, quarantined: q.added, refusal: result.output };
      }
      state = candidateRefused(state, plan.files);
      return { result: 'rejected-by-haproxy', refusal: result.output };
    }
    state = candidateAccepted(state);
    if (result.kind === 'failed') applier.resumeRetries();
    else {
      // A new worker (or the restart to come) never had the old one's servers waiting for deletion.
      applier.forgetWorker();
      background.checked(result.generation);
      await applied(plan.files, plan.model, plan.plain);
    }
    if (result.kind !== 'started' && result.kind !== 'pending') state = reloadCharged(state, plan.reasons, now(), budget);
    if (result.kind === 'pending') loadedDuringRestart = true;
    if (result.kind === 'started' || result.kind === 'reloaded') {
      timeline.enter('workerCheck');
      await afterLoad();
    }
    return loadedOutcome(result, timings, plan.reasons);
  }

  /**
   * The worker a reload about to begin replaces, when changes may go to it
   * meanwhile: runtime updates on, the worker in step, and a client that
   * can tell which worker a connection reached (both answer on the socket
   * during a reload, the new one once it serves).
   */
  async function workerToGoAside(): Promise<number | undefined> {
    if (!fast || !deps.runtimeUpdates || restarted || state.outOfStep !== undefined) return undefined;
    if (!deps.haproxy.running || !deps.haproxy.supervising || !deps.runtime.together || !deps.runtime.workerPid) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, WORKER_PID_TIMEOUT_MS, undefined)));
    try {
      return await Promise.race([deps.runtime.workerPid().catch(() => undefined), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** From here until the new worker is listed, changes may go aside (when they can: workerToGoAside). */
  async function openWindow(): Promise<void> {
    if (window) return;
    const worker = await workerToGoAside();
    if (worker !== undefined && fast?.loading()) {
      window = { worker, took: false, running: undefined };
      deps.asideOpen?.();
    }
  }

  /**
   * A reload's candidate, every file of it, rendered in slices of the event
   * loop's time with the window open: at 100,000 routes the render takes
   * about a second, which changes arriving meanwhile no longer wait for.
   */
  async function renderReload(decided: ReloadToRender): Promise<CommitPlan> {
    await openWindow();
    timeline.enter('render');
    const rendering = deps.render.steps(decided.model);
    const slice = deps.renderTurn ? 0 : RENDER_SLICE_MS;
    let sliceStart = performance.now();
    for (;;) {
      const step = rendering.next();
      if (step.done) return reloadPlan(state, decided, step.value);
      if (window && performance.now() - sliceStart >= slice) {
        await (deps.renderTurn ?? ioTurn)();
        sliceStart = performance.now();
      }
    }
  }

  /** The old worker keeps serving with the changes that went aside, which only its model holds so far: the disk gets them too. */
  async function keepAsidesOnDisk(): Promise<void> {
    if (tookAside && state.files) await writeUnchecked(state.files);
  }

  /** No more changes go aside; once the one going (if any) is done, the reload's outcome may be recorded. */
  async function closeWindow(): Promise<void> {
    const closing = window;
    window = undefined;
    await closing?.running;
    tookAside ||= closing?.took === true;
  }

  async function carryOut(plan: CommitPlan, model: ConfigModel, candidates: Candidates): Promise<Result> {
    if (plan.kind === 'unchanged') return { result: 'unchanged' };
    timeline.enter('write');
    const unwritten = await deps.writer.writeCertificates(plan.certificates);
    if (unwritten.length > 0) {
      const q = quarantineUnwritten(state.quarantine, unwritten, candidates);
      if (q.unknown.length > 0) throw new Error(`could not write ${q.unknown.map((f) => `${f.name} (${f.code})`).join(', ')}`);
      state = quarantined(state, q.quarantine);
      // The same commit again, without those routes: they hold their hosts, and nobody else waits.
      return { result: 'deferred', retryAfterMs: 0, quarantined: q.added };
    }
    if (plan.kind === 'write') {
      await writeUnchecked(plan.files);
      await applied(plan.files, plan.model, plan.plain);
      return { result: 'written' };
    }
    let runtime: Result['runtime'];
    if (plan.kind === 'runtime') {
      const { files, model: fitted, plain } = plan;
      const result = await applyRuntime(plan.files, plan.commands, () => applied(files, fitted, plain));
      runtime = { commands: plan.commands.length, kinds: commandKinds(plan.commands), ...(result.ok ? {} : { failure: result.failure }) };
      if (result.ok) return { result: 'runtime', runtime };
      // Out of step now: the step plans the reload (or its deferral) from there.
      plan = planCommit(state, input(model), deps.render);
    }
    if (plan.kind === 'defer') {
      if (plan.subset) {
        const subset = plan.subset;
        const result = await applyRuntime(subset.files, subset.commands, () => applied(subset.files, subset.model, undefined));
        runtime = { commands: plan.subset.commands.length, kinds: commandKinds(plan.subset.commands), ...(result.ok ? {} : { failure: result.failure }) };
      }
      if (runtime?.failure === undefined) heldReload = { dueAt: now() + plan.retryAfterMs, budgetAt: plan.budgetAt, fitted: plan.fitted };
      return { result: 'deferred', retryAfterMs: plan.retryAfterMs, reloadReasons: plan.reasons, overBudget: plan.overBudget, ...(runtime ? { runtime } : {}) };
    }
    if (plan.kind !== 'reload') throw new Error(`commit step planned ${plan.kind} for a worker out of step`);
    return { ...(await load(plan, candidates)), ...(runtime ? { runtime } : {}) };
  }

  /**
   * A change planned from itself, or undefined when the full step must
   * decide. Certificates first (what cannot be written goes to the full
   * step, which quarantines its routes), then files and commands as a
   * runtime commit; a runtime commit's certificates reach haproxy in its
   * commands, so their files are written in the background (the check or
   * load that reads them waits for them; one refused fails that check, and
   * the full step quarantines its route).
   *
   * `aside`: a change that arrived during a reload, for the worker being
   * replaced (see Committer.aside). Its files stay in memory (the disk holds
   * the candidate haproxy is loading), its commands are sent only if the
   * connection reaches that worker, and a failure leaves the full step to
   * the commit after the reload.
   */
  async function commitIncrementally(fast: IncrementalCommits, held: ReadonlyMap<string, Rejection>, tl: CommitTimeline, aside?: { worker: number }): Promise<Result | undefined> {
    const step = aside ? fast.takeAside(held) : fast.take(held);
    tl.enter('plan');
    // Aside, the reload under way ends any hold: --commit-interval cannot call for another.
    const commitIntervalMs = aside ? Number.POSITIVE_INFINITY : deps.commitIntervalMs;
    const plan = fast.plan(state, step, { now: now(), haproxyRunning: deps.haproxy.running, runtimeUpdates: deps.runtimeUpdates, commitIntervalMs, reloadBudget: budget });
    if (plan.kind === 'full') {
      log.debug(`${aside ? 'change during a reload waits for it' : 'full commit'}: ${plan.why}`);
      return undefined;
    }
    // A reload held back still waits: the scheduler keeps its retry.
    const reloadIn = aside ? undefined : fast.heldReloadIn(now());
    const waiting = reloadIn === undefined ? {} : { retryAfterMs: reloadIn };
    if (plan.kind === 'unchanged') return { result: 'unchanged', ...waiting };
    tl.enter('write');
    if (plan.kind === 'runtime') deps.writer.writeCertificatesLater(plan.patch.certificatesAdded);
    else if ((await deps.writer.writeCertificates(plan.patch.certificatesAdded)).length > 0) return undefined;
    tl.enter('patch');
    const { model, createdWith } = fast.patched(plan.patch, plan.kind === 'runtime' ? plan.commands : []);
    tl.enter('render');
    const files = state.files ? fast.files(deps.render, state.files, model, plan.patch) : deps.render(model);
    const record = async () => {
      state = markPatched(state, { files, model, certificatesAdded: plan.patch.certificatesAdded.map((c) => c.name), holds: plan.patch.holds }, now());
    };
    if (plan.kind === 'write') {
      if (!aside) await writeUnchecked(files);
      await record();
      return { result: 'written', ...waiting };
    }
    const result = aside ? await applyAside(plan.commands, record, createdWith, aside.worker, tl) : await applyRuntime(files, plan.commands, record, createdWith);
    if (!result.ok) fast.reverted();
    // The full commit that follows reloads, naming only the reason: haproxy's own words are here.
    if (!result.ok && !aside) log.warn(`runtime update failed (${result.failure}); reloading instead`);
    return result.ok ? { result: 'runtime', runtime: { commands: plan.commands.length, kinds: commandKinds(plan.commands) }, ...waiting } : undefined;
  }

  /** A change's commands to the worker a reload replaces: see commitIncrementally. */
  async function applyAside(commands: readonly RuntimeCommand[], record: () => Promise<void>, created: ReadonlyMap<string, string | undefined>, worker: number, tl: CommitTimeline): Promise<RuntimeApplyResult> {
    tl.enter('runtime');
    workerCheck.sending(commands);
    const result = await applier.apply(commands, state.model, created, worker);
    tl.enter('other');
    if (!result.ok) {
      log.debug(`change during a reload waits for it: ${result.failure}`);
      if (result.partial) state = workerOutOfStep(state, 'runtime-update-failed');
      return result;
    }
    state = commandsRan(state, commands);
    await record();
    return result;
  }

  /** See Committer.aside. */
  async function commitAside(fast: IncrementalCommits, open: NonNullable<typeof window>): Promise<CommitOutcome | undefined> {
    const startedAt = now();
    const q = applyQuarantine(state.quarantine, deps.routes());
    // A route let out of quarantine changes its verdict: the commit after the reload takes it in.
    if (q.quarantine !== state.quarantine) return undefined;
    asideTimeline.begin();
    asideTimeline.enter('take');
    open.took = true;
    const events = deps.takeEvents?.();
    asideTimeline.took(events?.count ?? 0, events?.receivedAt);
    const result = await commitIncrementally(fast, q.held, asideTimeline, open);
    if (!result) return undefined;
    const outcome: CommitOutcome = {
      ...result,
      ...fast.appliedAside(),
      maxConnections: state.model?.settings.maxConnections,
      durationMs: now() - startedAt,
      ...(events?.receivedAt === undefined ? {} : { eventsReceivedAt: events.receivedAt }),
      ...(state.model ? { running: state.model } : {}),
    };
    asideTimeline.enter('observers');
    notifyObservers(deps.observers, outcome, log);
    if (log.level >= LogLevels.debug) log.debug(commitLine(asideTimeline.end('aside', outcome.result)));
    return outcome;
  }

  /** How the commit under way went, for its timeline. */
  let path: CommitPath = 'full';
  /** The reload the commit under way held back, if it held one back and sent the rest live: when it is due, and what it is to bring. */
  let heldReload: HeldReloadTarget | undefined;

  async function commit(): Promise<CommitOutcome> {
    const startedAt = now();
    path = 'full';
    heldReload = undefined;
    tookAside = false;
    timeline.enter('take');
    if (restarted && deps.haproxy.running) await afterLoad();
    // With no await in between, the events taken here are exactly those the routes and slices read next hold.
    const events = deps.takeEvents?.();
    timeline.took(events?.count ?? 0, events?.receivedAt);
    const eventsReceivedAt = events?.receivedAt;
    const q = applyQuarantine(state.quarantine, deps.routes());
    state = quarantined(state, q.quarantine);
    const done = (result: Result, verdicts: Pick<CommitOutcome, 'routes' | 'admitted' | 'rejections' | 'notices' | 'changed'>): CommitOutcome => {
      hold.sync(state.heldSince);
      return {
        ...result,
        ...verdicts,
        maxConnections: state.model?.settings.maxConnections,
        durationMs: now() - startedAt,
        ...(eventsReceivedAt === undefined ? {} : { eventsReceivedAt }),
        ...(state.model ? { running: state.model } : {}),
      };
    };
    const result = fast && (await commitIncrementally(fast, q.held, timeline));
    if (fast && result) {
      path = 'incremental';
      return done(result, fast.applied());
    }
    timeline.enter('plan');
    const desired = deps.desired(deps.routes().values(), q.held);
    // From here on the routes are read as this commit decided on them: the source may move on meanwhile.
    const decided = decideCommit(state, input(desired.model), deps.render);
    const refusedBefore = state.refused;
    let carried: Result;
    try {
      const plan = decided.kind === 'render-reload' ? await renderReload(decided) : decided;
      carried = await carryOut(plan, desired.model, { routes: desired.considered, admitted: desired.admitted });
    } finally {
      // Open only if the candidate was not loaded after all (the one haproxy refused last, or a throw).
      if (window) {
        await closeWindow();
        await keepAsidesOnDisk();
      }
    }
    if (carried.load) path = 'reload';
    fast?.fullDone(carried.result, desired.complete, refusedBefore, () => state, heldReload);
    if (tookAside) fast?.loadedWithAsides();
    // Verdicts changed aside since this commit read them (its own and theirs are live now): its snapshot would undo them.
    const verdicts = tookAside && fast ? fast.liveVerdicts() : { routes: desired.considered, admitted: servedMap(desired.admitted, fast?.liveVerdicts().admitted), rejections: desired.rejected, notices: desired.notices };
    return {
      ...done(carried, verdicts),
      maxConnections: desired.model.settings.maxConnections,
      ...(fast?.caughtUpNext || tookAside ? { again: true } : {}),
    };
  }

  /** Observers see the outcome, then the timeline of the whole commit is logged (formatted only at debug level). */
  function observed(outcome: CommitOutcome): void {
    timeline.enter('observers');
    notifyObservers(deps.observers, outcome, log);
    if (log.level >= LogLevels.debug) log.debug(commitLine(timeline.end(path, outcome.result)));
  }

  return {
    async commit() {
      const startedAt = now();
      timeline.begin();
      try {
        const outcome = await commit();
        observed(outcome);
        return outcome;
      } catch (err) {
        // Metrics and logs see a failed commit too; the scheduler tries again.
        fast?.failed();
        observed({ result: 'failed', error: errorMessage(err), routes: new Map(), admitted: new Map(), rejections: new Map(), notices: new Map(), durationMs: now() - startedAt });
        throw err;
      }
    },
    async aside() {
      const open = window;
      if (!fast || !open || open.running || restarted) return undefined;
      const going = commitAside(fast, open);
      open.running = going.catch(() => undefined);
      try {
        return await going;
      } catch (err) {
        // Nothing is known of what reached the worker being replaced: the commit after the reload plans everything.
        fast.asideFailed();
        fast.reverted();
        throw err;
      } finally {
        open.running = undefined;
      }
    },
    launching() {
      applier.forgetWorker();
    },
    filesBehind() {
      loadedDuringRestart = true;
    },
    workerRestarted() {
      restarted = true;
      // The worker it asked is gone; the commit that brings the new one in line asks that one.
      workerCheck.cancel();
    },
    stop() {
      hold.stop();
      workerCheck.cancel();
      background.stop();
      applier.stop();
    },
    checksDone: async () => {
      await workerCheck.done();
      await background.idle();
    },
  };
}
