import type { Rejection } from '../admission/rejection.ts';
import type { ConfigModel } from '../config/model.ts';
import type { RenderedFiles } from '../config/render.ts';
import type { RuntimeCommand } from './commands.ts';
import { lineNumbersAfter, loadedLineNumbers, type CrtLineNumbers } from './crt-line-numbers.ts';
import { chargeReload, type BudgetState, type ReloadBudget } from './reload-budget.ts';
import type { ReloadReason, ReloadReasonCode } from './reload-reasons.ts';

/** A route kept out of the configuration because haproxy refused its files, until its TLS changes. */
export interface QuarantineEntry {
  /** The route's TLS (as JSON) when haproxy refused it; any change lets it be tried again. */
  tls: string;
  rejection: Rejection;
}

/**
 * What the running haproxy holds, and what the commit path remembers about
 * it, as plain values: everything a commit decides from, apart from the
 * desired configuration and the moment. The commit shell keeps one and
 * replaces it with what the pure transitions return.
 */
export interface AppliedState {
  /** What the worker runs: the last loaded model with every runtime update since; undefined before the first load. */
  readonly model: ConfigModel | undefined;
  /** The files on disk for `model`. */
  readonly files: RenderedFiles | undefined;
  /**
   * The numbers the worker gave its crt-list lines, once runtime commands
   * added or deleted some; undefined while they are those of the file it
   * loaded (see crtLineNumbers).
   */
  readonly crtLines: CrtLineNumbers | undefined;
  /** Certificate file names `model` refers to: a pruning must keep them (and the previous ones, for a rollback). */
  readonly certNames: ReadonlySet<string>;
  /** The last candidate `haproxy -c` refused: the same files are not tried again. */
  readonly refused: RenderedFiles | undefined;
  /**
   * Set when the worker or the disk no longer matches `model` (a runtime
   * batch failed half way, a check after a load found other servers, the
   * files on disk failed `haproxy -c`): the next commit reloads from the
   * model, for this reason. A load clears it.
   */
  readonly outOfStep: Extract<ReloadReasonCode, 'runtime-update-failed' | 'worker-out-of-step' | 'config-check-failed'> | undefined;
  /** Since when the worker runs a model a fresh load would not (routes on spares, removed routes' backends); a reload ends it. */
  readonly heldSince: number | undefined;
  /** When the last reload (or start) began; reloads are at least --interval apart. */
  readonly lastReloadAt: number;
  /** Routes whose certificate or CA haproxy refused to load, by route key. */
  readonly quarantine: ReadonlyMap<string, QuarantineEntry>;
  /** What is left of each namespace's reload budget (see reload-budget.ts). */
  readonly reloadBudget: BudgetState;
  /**
   * The `maxconn` the worker loaded with: haproxy takes a lower or equal one
   * live (`set maxconn global`), a higher one only in a reload. Undefined
   * before the first load.
   */
  readonly loadedMaxConnections: number | undefined;
}

export const INITIAL_STATE: AppliedState = {
  model: undefined,
  files: undefined,
  crtLines: undefined,
  certNames: new Set(),
  refused: undefined,
  outOfStep: undefined,
  heldSince: undefined,
  lastReloadAt: Number.NEGATIVE_INFINITY,
  quarantine: new Map(),
  reloadBudget: new Map(),
  loadedMaxConnections: undefined,
};

/**
 * Whether `running` serves every route as a fresh load of `plain` would:
 * no route on a spare, no removed route's backend left. Free spares do
 * not count (a load sizes the pools as it sees fit, spare-pools.ts).
 */
function sameBackendNames(plain: ConfigModel, running: ConfigModel): boolean {
  if (running === plain) return true;
  const serving = (m: ConfigModel) => m.backends.filter((b) => b.routeKey !== '').map((b) => b.name);
  return Bun.deepEquals(serving(plain), serving(running));
}

/**
 * The state once the worker holds `model` (fitted to what it ran before),
 * written as `files`; `plain` is what a fresh load would run, so the hold
 * starts (or goes on, or ends) here. Returns the certificate files a
 * pruning must keep: this model's and the previous one's, which stays
 * loadable for a rollback.
 */
export function markApplied(
  state: AppliedState,
  applied: { files: RenderedFiles; model: ConfigModel; plain: ConfigModel },
  now: number,
): { state: AppliedState; keepCertificates: ReadonlySet<string> } {
  const certNames = new Set(applied.model.certificates.map((c) => c.name));
  const held = !sameBackendNames(applied.plain, applied.model);
  return {
    state: { ...state, files: applied.files, model: applied.model, certNames, heldSince: held ? (state.heldSince ?? now) : undefined },
    keepCertificates: new Set([...certNames, ...state.certNames]),
  };
}

/**
 * The state once the worker took an incremental change (planIncremental):
 * the certificate names only grow (files that left are pruned by the next
 * full commit), and a hold starts when a route took a spare or left its
 * backend behind; only a load ends one.
 */
export function markPatched(state: AppliedState, applied: { files: RenderedFiles; model: ConfigModel; certificatesAdded: readonly string[]; holds: boolean }, now: number): AppliedState {
  const certNames = applied.certificatesAdded.length === 0 ? state.certNames : new Set([...state.certNames, ...applied.certificatesAdded]);
  const heldSince = applied.holds ? (state.heldSince ?? now) : state.heldSince;
  return { ...state, files: applied.files, model: applied.model, certNames, heldSince };
}

/** A reload (or the first start) begins now. */
export function reloadStarted(state: AppliedState, now: number): AppliedState {
  return { ...state, lastReloadAt: now };
}

/**
 * A freshly loaded worker holds the model on disk: nothing is out of step
 * any more, its crt-list lines are numbered as the file has them, and its
 * connection limit can go no higher than the file's.
 */
export function workerLoaded(state: AppliedState): AppliedState {
  const loadedMaxConnections = state.model?.settings.maxConnections;
  if (state.outOfStep === undefined && state.crtLines === undefined && state.loadedMaxConnections === loadedMaxConnections) return state;
  return { ...state, outOfStep: undefined, crtLines: undefined, loadedMaxConnections };
}

/** The numbers of the worker's crt-list lines: see AppliedState.crtLines. */
export function crtLineNumbers(state: AppliedState): CrtLineNumbers {
  return state.crtLines ?? loadedLineNumbers(state.model?.crtList ?? []);
}

/**
 * The worker ran `commands`, every one successfully, on the model the
 * state holds (before the model they lead to is recorded): its crt-list
 * lines are numbered as they left them.
 */
export function commandsRan(state: AppliedState, commands: readonly RuntimeCommand[]): AppliedState {
  if (!commands.some((c) => c.kind === 'add-crt-list' || c.kind === 'del-crt-list')) return state;
  return { ...state, crtLines: lineNumbersAfter(crtLineNumbers(state), commands) };
}

/** The worker was found not to match the applied model; `reason` says how. */
export function workerOutOfStep(state: AppliedState, reason: NonNullable<AppliedState['outOfStep']>): AppliedState {
  return { ...state, outOfStep: reason };
}

/** haproxy refused these files as a whole (no route to blame): they are not tried again until they change. */
export function candidateRefused(state: AppliedState, files: RenderedFiles): AppliedState {
  return { ...state, refused: files };
}

/** The routes kept out now. */
export function quarantined(state: AppliedState, quarantine: ReadonlyMap<string, QuarantineEntry>): AppliedState {
  return quarantine === state.quarantine ? state : { ...state, quarantine };
}

/** A reload with these reasons happened: the namespaces that caused it pay for it. */
export function reloadCharged(state: AppliedState, reasons: readonly ReloadReason[], now: number, budget: ReloadBudget): AppliedState {
  return { ...state, reloadBudget: chargeReload(state.reloadBudget, reasons, now, budget) };
}

/** A candidate passed `haproxy -c`. */
export function candidateAccepted(state: AppliedState): AppliedState {
  return state.refused === undefined ? state : { ...state, refused: undefined };
}
