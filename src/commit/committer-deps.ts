import type { AdmissionViews } from '../admission/admission-index.ts';
import type { Rejection } from '../admission/rejection.ts';
import type { Renderer } from '../config/render.ts';
import type { Route } from '../domain/route.ts';
import type { RuntimeClient } from '../haproxy/runtime-api/runtime-client.ts';
import type { Logger } from '../log.ts';
import type { DesiredConfig } from '../plan/desired-config.ts';
import type { DesiredIndex } from '../plan/desired-index.ts';
import type { DesiredStep } from '../plan/desired-state.ts';
import type { ReloadBudget } from '../plan/reload-budget.ts';
import type { CommitObserver } from './outcome.ts';
import type { CommitTimeline } from './commit-timeline.ts';
import type { TakenEvents } from '../state/router-state.ts';
import type { ConfigChecker, ConfigWriter, HaproxyProcess } from './ports.ts';

export interface CommitterDeps {
  /** The routes the sources know now (admitted or not). */
  routes(): ReadonlyMap<string, Route>;
  /** The configuration the router wants from the routes (admission and model); `held` are kept out, still holding their hosts. */
  desired(routes: Iterable<Route>, held: ReadonlyMap<string, Rejection>): DesiredConfig;
  /**
   * The desired configuration kept change by change: each commit first takes
   * in its changes (`held` as for `desired`), and one that touches few
   * routes is planned from them alone (see fast-lane.ts).
   */
  incremental?: IncrementalDesired;
  render: Renderer;
  writer: ConfigWriter;
  checker: ConfigChecker;
  haproxy: HaproxyProcess;
  runtime: RuntimeClient;
  /** false: reload for every change, as openshift-router does by default (--runtime-updates=false). */
  runtimeUpdates: boolean;
  /** Minimum time between two reload starts (--interval); runtime updates are never held back. */
  reloadIntervalMs: number;
  /** Longest time routes run on spare backends before a reload (--commit-interval). */
  commitIntervalMs: number;
  /** How many reloads one namespace may cause; default DEFAULT_RELOAD_BUDGET. */
  reloadBudget?: ReloadBudget;
  /** A reload began that changes may go aside of (Committer.aside): the scheduler may offer them now. */
  asideOpen?(): void;
  /**
   * A whole configuration, rendered, goes to haproxy now (a start or a
   * reload, whether haproxy then takes it or not): the render's garbage is
   * dead, and the commit mostly waits from here.
   */
  loading?(): void;
  /** Asks for a commit outside any source change (the worker was found out of step, a hold ran out). */
  requestCommit(): void;
  /** Takes the source events not yet taken by a commit: how many, and when the oldest arrived (router-state.ts). */
  takeEvents?(): TakenEvents | undefined;
  /** Where each commit's time goes, logged at debug level; the runtime client reports haproxy's first replies to it. */
  timeline?: CommitTimeline;
  observers: readonly CommitObserver[];
  logger: Logger;
  now?: () => number;
  /** Replaces the event loop's turn between slices of a reload's render, and runs between every two of its steps (tests hold a render there). */
  renderTurn?: () => Promise<void>;
}

/** The desired configuration as the router keeps it, change by change (plan/desired-state.ts). */
export interface IncrementalDesired {
  /** Takes in the changes since the last commit, with the routes held back now. */
  update(held: ReadonlyMap<string, Rejection>): DesiredStep;
  readonly index: DesiredIndex;
  /** Every route and its verdict, live. */
  readonly views: AdmissionViews;
}
