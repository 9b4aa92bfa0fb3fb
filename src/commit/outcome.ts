import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { AdmittedRoute } from '../admission/admit-routes.ts';
import type { Rejection } from '../admission/rejection.ts';
import type { Route } from '../domain/route.ts';
import type { ConfigModel } from '../config/model.ts';
import type { RuntimeCommand } from '../plan/commands.ts';
import type { ReloadReason } from '../plan/reload-reasons.ts';
import type { LoadedResult, LoadTimings } from './loader.ts';
import type { CommitResult } from '../state/commit-scheduler.ts';

export type CommitKind = 'unchanged' | 'written' | 'runtime' | 'deferred' | 'rejected-by-haproxy' | 'started' | 'reloaded' | 'reload-failed' | 'failed';

/** How long a commit that failed for a reason that may pass (a reload, a check that could not run) waits before trying again. */
export const RETRY_AFTER_FAILURE_MS = 2000;

/** What one commit did, for the scheduler, the route status, logs and metrics. */
export interface CommitOutcome extends CommitResult {
  result: CommitKind;
  /**
   * The routes this commit decided on, as written, and its verdicts on them:
   * served routes as admitted (resolved host), rejections, and what the
   * router says about annotations it could not honour, all by route key.
   * After an incremental commit these are the router's live maps: read
   * them when the outcome is observed, not later.
   */
  routes: ReadonlyMap<string, Route>;
  admitted: ReadonlyMap<string, AdmittedRoute>;
  rejections: ReadonlyMap<string, Rejection>;
  notices: ReadonlyMap<string, string>;
  /** The routes whose verdict may differ from the last outcome's; undefined: any may. */
  changed?: ReadonlySet<string>;
  /** Why this commit reloaded (or wanted to), when it did. */
  reloadReasons?: readonly ReloadReason[];
  /** Runtime commands sent (by kind), and the failure that turned them into a reload. */
  runtime?: { commands: number; kinds: ReadonlyMap<RuntimeCommand['kind'], number>; failure?: string };
  /** Routes haproxy refused this time (by key), now kept out until their TLS changes. */
  quarantined?: readonly string[];
  /** A generation haproxy accepted and what became of loading it. */
  load?: LoadedResult & LoadTimings;
  /** haproxy's lines when `haproxy -c` refused a candidate (or could not run: result `deferred`). */
  refusal?: readonly string[];
  /** maxconn as sized to the open-file limit. */
  maxConnections?: number;
  /** A reload waits for the namespaces that asked for it to have reload budget again. */
  overBudget?: boolean;
  /** The next commit has work of its own (map keys and crt-list lines the reload held back that can go live): run it now, before any retry time. */
  again?: boolean;
  /** Why the commit failed (result `failed`): the scheduler tries again. */
  error?: string;
  /** From the start of the commit to its end. */
  durationMs: number;
  /** When the oldest source event this commit took in was received (ms since the epoch); undefined: none. */
  eventsReceivedAt?: number;
  /** What haproxy's worker runs after this commit, e.g. which route each backend (spares included) serves; none before the first load. */
  running?: ConfigModel;
}

/** How many commands of each kind a runtime update sends. */
export function commandKinds(commands: readonly RuntimeCommand[]): ReadonlyMap<RuntimeCommand['kind'], number> {
  const kinds = new Map<RuntimeCommand['kind'], number>();
  for (const c of commands) kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
  return kinds;
}

/** What the commit path makes of a load haproxy accepted. */
export function loadedOutcome(
  result: LoadedResult,
  timings: LoadTimings,
  reasons: readonly ReloadReason[],
): Pick<CommitOutcome, 'result' | 'load' | 'reloadReasons' | 'retryAfterMs'> {
  const kinds: Record<LoadedResult['kind'], CommitKind> = { started: 'started', pending: 'reloaded', reloaded: 'reloaded', died: 'reloaded', failed: 'reload-failed' };
  return {
    result: kinds[result.kind],
    load: { ...result, ...timings },
    ...(result.kind === 'started' ? {} : { reloadReasons: reasons }),
    ...(result.kind === 'failed' ? { retryAfterMs: RETRY_AFTER_FAILURE_MS } : {}),
  };
}

/** Sees every commit's outcome: logs, route status and metrics hang here, outside the commit path. */
export type CommitObserver = (outcome: CommitOutcome) => void;

/** Hands an outcome to every observer; one that throws is logged, and the others still see it: the commit happened. */
export function notifyObservers(observers: readonly CommitObserver[], outcome: CommitOutcome, log: Logger): void {
  for (const observe of observers) {
    try {
      observe(outcome);
    } catch (err) {
      log.error(`a commit observer failed: ${errorMessage(err)}`);
    }
  }
}
