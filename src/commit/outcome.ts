import type { AdmittedRoute } from '../admission/admit-routes.ts';
import type { ConfigModel } from '../config/model.ts';
import type { Rejection } from '../admission/rejection.ts';
import type { ReloadReason } from '../plan/reload-reasons.ts';
import type { LoadedResult, LoadTimings } from './loader.ts';
import type { CommitResult } from '../state/commit-scheduler.ts';

export type CommitKind = 'unchanged' | 'written' | 'runtime' | 'deferred' | 'rejected-by-haproxy' | 'started' | 'reloaded' | 'reload-failed';

/** What one commit did, for the scheduler, the route status, logs and metrics. */
export interface CommitOutcome extends CommitResult {
  result: CommitKind;
  /** Served routes as admitted (resolved host), oldest first. */
  admitted: readonly AdmittedRoute[];
  rejections: ReadonlyMap<string, Rejection>;
  /** Admitted routes with annotations the router could not honour: what it says about them. */
  notices: ReadonlyMap<string, string>;
  /** Why this commit reloaded (or wanted to), when it did. */
  reloadReasons?: readonly ReloadReason[];
  /** Runtime commands sent, and the failure that turned them into a reload. */
  runtime?: { commands: number; failure?: string };
  /** Routes haproxy refused this time (by key), now kept out until their TLS changes. */
  quarantined?: readonly string[];
  /** A generation haproxy accepted and what became of loading it. */
  load?: LoadedResult & LoadTimings;
  /** haproxy's lines when `haproxy -c` refused a candidate (or could not run: result `deferred`). */
  refusal?: readonly string[];
  /** `namespace/name` of the route each backend the worker runs serves, by backend name (spares a route took over too). */
  backendRoutes?: ReadonlyMap<string, string>;
  /** maxconn as sized to the open-file limit. */
  maxConnections?: number;
  /** From the start of the commit to its end. */
  durationMs: number;
}

/** Sees every commit's outcome: logs, route status and metrics hang here, outside the commit path. */
export type CommitObserver = (outcome: CommitOutcome) => void;

/** Which route each backend serves; spares no route took (no route key) are left out. */
export function backendRoutes(model: ConfigModel | undefined): ReadonlyMap<string, string> {
  const routes = new Map<string, string>();
  for (const b of model?.backends ?? []) if (b.routeKey !== '') routes.set(b.name, b.routeKey);
  return routes;
}
