import type { CertificateFile, ConfigModel } from '../config/model.ts';
import { namesPatchedFrom, type RenderedFiles, type RenderModel } from '../config/render.ts';
import type { RuntimeCommand } from './commands.ts';
import { crtLineNumbers, type AppliedState } from './applied-state.ts';
import { fitToRunning } from './fit-to-running.ts';
import { planUpdate, runtimeSubset } from './plan.ts';
import { budgetWait, type ReloadBudget } from './reload-budget.ts';
import { nextSparePools, withSparePools } from './spare-pools.ts';
import type { ReloadReason } from './reload-reasons.ts';

/** What a commit knows besides the applied state: the desired configuration, haproxy's condition and the settings. */
export interface CommitInput {
  /** What a fresh load would run: every admitted route on its own backend, full spare pools. */
  model: ConfigModel;
  now: number;
  /** `supervising`: haproxy was started and is ours to keep alive; `running`: a master is up right now. */
  haproxy: { supervising: boolean; running: boolean };
  /** false: reload for every change (--runtime-updates=false). */
  runtimeUpdates: boolean;
  /** Minimum time between two reload starts (--interval). */
  reloadIntervalMs: number;
  /** Longest time the worker may run on spares before a reload (--commit-interval). */
  commitIntervalMs: number;
  /** How many reloads one namespace may cause. */
  reloadBudget: ReloadBudget;
}

/** A configuration to put on disk: `model` as the worker will hold it, `plain` as a fresh load would run it. */
export interface Target {
  files: RenderedFiles;
  model: ConfigModel;
  plain: ConfigModel;
}

/**
 * What the shell does for one commit. Every kind but `unchanged` first
 * writes `certificates` (files are named by content, so this is
 * idempotent).
 */
export type CommitPlan =
  /** The files would be the ones applied, or the ones haproxy refused last. */
  | { kind: 'unchanged' }
  /** Nothing the worker needs to know (e.g. server order): keep the disk in step. */
  | ({ kind: 'write'; certificates: CertificateFile[] } & Target)
  /** Write the files, then send the commands; if any fails, the worker is out of step and a reload follows. */
  | ({ kind: 'runtime'; certificates: CertificateFile[]; commands: RuntimeCommand[] } & Target)
  /**
   * A reload is due but --interval has not passed: try again after
   * `retryAfterMs`; meanwhile `subset` (endpoint changes in backends the
   * reload does not need) goes live through the runtime API.
   */
  | {
      kind: 'defer';
      certificates: CertificateFile[];
      retryAfterMs: number;
      reasons: ReloadReason[];
      /** The reload waits for these namespaces' reload budget, not (only) for --interval. */
      overBudget: boolean;
      /** When it waits for their budget beyond --interval: the first of them has one back then. */
      budgetAt: number | undefined;
      /** The desired configuration fitted to the worker: what it lacks until the reload is where it differs from what runs after `subset`. */
      fitted: ConfigModel;
      subset: { files: RenderedFiles; model: ConfigModel; commands: RuntimeCommand[] } | undefined;
    }
  /** Check the files, then start haproxy on them (`start`) or reload it. */
  | ({ kind: 'reload'; certificates: CertificateFile[]; reasons: ReloadReason[]; start: boolean } & Target);

/** Of a patch render of `a`, only the names it set are compared: a change costs its own files, not a look at every file. */
function sameFiles(a: RenderedFiles | undefined, b: RenderedFiles): boolean {
  if (!a || a.size !== b.size) return false;
  for (const name of namesPatchedFrom(b, a) ?? b.keys()) if (a.get(name) !== b.get(name)) return false;
  return true;
}

const reason = (code: ReloadReason['code']): ReloadReason[] => [{ code, backend: undefined }];

/**
 * A reload decided on, its candidate not rendered yet: the shell renders
 * `model` (every file, so in steps: changes may go aside meanwhile) and
 * hands the files to reloadPlan.
 */
export interface ReloadToRender {
  kind: 'render-reload';
  certificates: CertificateFile[];
  reasons: ReloadReason[];
  start: boolean;
  /** The plain model to load, spare pools refilled. */
  model: ConfigModel;
  /** A candidate equal to the one haproxy refused last is not tried again (only while the worker runs in step). */
  refusedCounts: boolean;
}

/**
 * The commit path's one decision, pure: from what haproxy holds (`state`)
 * and what it should hold (`input.model`), what to do now.
 *
 * While haproxy runs and runtime updates are on, the desired model is first
 * re-expressed in terms of what the worker runs (fitToRunning: routes keep
 * their backends, new ones take spares), which is what the runtime API can
 * reach. Changes planUpdate can make live go through the runtime API;
 * anything else reloads, at most once per --interval, from the plain model
 * (every route on its own backend, pools full). A worker out of step, or
 * on spares for longer than --commit-interval, reloads too.
 */
export function planCommit(state: AppliedState, input: CommitInput, render: RenderModel): CommitPlan {
  const decided = decideCommit(state, input, render);
  if (decided.kind !== 'render-reload') return decided;
  return reloadPlan(state, decided, render(decided.model));
}

/**
 * planCommit up to the render of a reload's candidate, which it leaves to
 * the caller (`render-reload`): at 100,000 routes that render takes about a
 * second, and changes that arrive meanwhile can go to the worker being
 * replaced if the caller renders in steps.
 */
export function decideCommit(state: AppliedState, input: CommitInput, render: RenderModel): CommitPlan | ReloadToRender {
  const { model, haproxy } = input;
  const live = state.model !== undefined && haproxy.running;
  const fitted = state.model && input.runtimeUpdates && haproxy.running ? fitToRunning(state.model, model) : model;
  const flush = state.heldSince !== undefined && input.now - state.heldSince >= input.commitIntervalMs && haproxy.running;
  const steady = !flush && state.outOfStep === undefined;
  const unchanged = (files: RenderedFiles) => steady && (sameFiles(state.files, files) || sameFiles(state.refused, files));
  // The fitted files are rendered only for a commit that does not reload (what it writes, and what "unchanged"
  // compares): a reload reason is a difference in what the files say, so a reload renders only the files it loads,
  // once rather than twice (BENCHMARKS.md, issue #12).
  let files: RenderedFiles | undefined;
  if (!live) {
    files = render(fitted);
    if (unchanged(files)) return { kind: 'unchanged' };
  }

  const certificates = model.certificates;
  let reasons: ReloadReason[];
  if (flush) reasons = reason('commit-interval');
  else if (!live || !state.model) reasons = reason('initial-load');
  else if (state.outOfStep !== undefined) reasons = reason(state.outOfStep);
  else {
    // Fitted even when every change reloads, so the reasons name what changed rather than how check slots are numbered.
    const update = planUpdate(state.model, fitted === model ? fitToRunning(state.model, model) : fitted, crtLineNumbers(state), state.loadedMaxConnections);
    if (update.kind === 'none' || (update.kind === 'runtime' && input.runtimeUpdates)) {
      files = render(fitted);
      if (unchanged(files)) return { kind: 'unchanged' };
      const target: Target = { files, model: fitted, plain: model };
      return update.kind === 'none' ? { kind: 'write', certificates, ...target } : { kind: 'runtime', certificates, commands: update.commands, ...target };
    }
    reasons = update.kind === 'runtime' ? reason('runtime-updates-disabled') : update.reasons;
  }

  const interval = state.lastReloadAt + input.reloadIntervalMs - input.now;
  // A reload only namespaces over their budget ask for waits for them; one anybody else (or nobody) needs goes.
  const budget = haproxy.supervising ? budgetWait(state.reloadBudget, reasons, input.now, input.reloadBudget) : undefined;
  if (haproxy.supervising && (interval > 0 || budget !== undefined)) {
    const retryAfterMs = Math.max(interval, budget ?? 0);
    const budgetAt = budget !== undefined && budget > interval ? input.now + budget : undefined;
    return { kind: 'defer', certificates, retryAfterMs, reasons, overBudget: budget !== undefined, budgetAt, fitted, subset: deferredSubset(state, input, fitted, render) };
  }
  // A load refills the spare pools: as the routes of each shape size them, or larger where routes took spares fast (spare-pools.ts).
  const plain = withSparePools(model, nextSparePools(state.model, model));
  if (files && fitted === plain) return { kind: 'reload', certificates, reasons, start: !haproxy.supervising, files, model: plain, plain };
  return { kind: 'render-reload', certificates, reasons, start: !haproxy.supervising, model: plain, refusedCounts: live && steady };
}

/** The reload `decided` asked for, its candidate rendered into `files`; the candidate haproxy refused last is not tried again until it changes. */
export function reloadPlan(state: AppliedState, decided: ReloadToRender, files: RenderedFiles): CommitPlan {
  if (decided.refusedCounts && sameFiles(state.refused, files)) return { kind: 'unchanged' };
  const { certificates, reasons, start, model } = decided;
  return { kind: 'reload', certificates, reasons, start, files, model, plain: model };
}

/**
 * While a reload waits for --interval, the backends that only changed in
 * ways the runtime API can apply take their new version now; commands
 * planned against a worker that does not hold the applied model could fail
 * or half apply, so there are none then.
 */
function deferredSubset(state: AppliedState, input: CommitInput, fitted: ConfigModel, render: RenderModel): Extract<CommitPlan, { kind: 'defer' }>['subset'] {
  if (!state.model || !input.runtimeUpdates || !input.haproxy.running || state.outOfStep !== undefined) return undefined;
  const partial = runtimeSubset(state.model, fitted);
  if (partial === state.model) return undefined;
  const update = planUpdate(state.model, partial, crtLineNumbers(state), state.loadedMaxConnections);
  return update.kind === 'runtime' ? { files: render(partial), model: partial, commands: update.commands } : undefined;
}
