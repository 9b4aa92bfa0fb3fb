import type { Rejection } from '../admission/rejection.ts';
import { CHECK_ABANDONED, RELOAD_ABANDONED } from '../haproxy/abandoned.ts';
import type { Logger } from '../log.ts';
import { describeCounts, describeReasons, reasonCodes } from '../plan/reload-reasons.ts';
import type { CommitObserver, CommitOutcome } from './outcome.ts';
import type { AdmittedRoute } from '../admission/admit-routes.ts';
import { takeRouteChanges } from './route-changes.ts';

/** Reloads of a running haproxy so far, by reason code: a reload is counted once per reason, however many backends it names. */
export function reloadCounter(): { counts: ReadonlyMap<string, number>; observe: CommitObserver } {
  const counts = new Map<string, number>();
  return {
    counts,
    observe(outcome) {
      const kind = outcome.load?.kind;
      if (kind !== 'reloaded' && kind !== 'died' && kind !== 'failed') return;
      for (const code of reasonCodes(outcome.reloadReasons ?? [])) counts.set(code, (counts.get(code) ?? 0) + 1);
    },
  };
}

export interface LogObserverOptions {
  logger: Logger;
  /** The reload counts the reload lines report. */
  reloadCounts: ReadonlyMap<string, number>;
  /** The operator's maxconn and the open-file limit, to say when and why it was lowered. */
  maxConnections: number;
  fdLimit: number | undefined;
}

/**
 * One log line per thing that happened in a commit, and per route that came,
 * changed, went or was rejected. The routes of the first commit are what
 * the router starts with ("router ready: serving N routes"): each is
 * described at debug level only.
 */
export function logObserver(opts: LogObserverOptions): CommitObserver {
  const log = opts.logger.withTag('commit');
  const reported = new Map<string, Rejection>();
  const served = new Map<string, AdmittedRoute>();
  /** Nothing served yet: the first commit's routes are logged at debug. */
  let started = false;
  /** A commit that served nothing was skipped: the next one looks at every route. */
  let skipped = false;
  const noted = new Map<string, string>();
  let warnedMaxConnections: number | undefined;

  /** The routes whose verdict to look at: those the outcome says changed, or every route either side knows. */
  const keysOf = (outcome: CommitOutcome, known: ReadonlyMap<string, unknown>, now: ReadonlyMap<string, unknown>): Iterable<string> =>
    outcome.changed ?? new Set([...known.keys(), ...now.keys()]);

  function rejections(outcome: CommitOutcome): void {
    for (const key of keysOf(outcome, reported, outcome.rejections)) {
      const r = outcome.rejections.get(key);
      const before = reported.get(key);
      if (r && (!before || before.reason !== r.reason || before.message !== r.message)) log.warn(`route ${key} rejected: ${r.reason}: ${r.message}`);
      if (r) reported.set(key, r);
      else reported.delete(key);
    }
  }

  /** Commits that changed nothing haproxy serves: their routes are logged once a later commit serves them. */
  const NOT_SERVED = new Set(['deferred', 'rejected-by-haproxy', 'reload-failed']);

  function routes(outcome: CommitOutcome): void {
    if (NOT_SERVED.has(outcome.result)) {
      skipped = true;
      return;
    }
    const changes = takeRouteChanges(served, outcome.admitted, skipped ? undefined : outcome.changed);
    skipped = false;
    const level = started ? 'info' : 'debug';
    started = true;
    for (const [key, description] of changes.added) log[level](`route ${key} admitted: ${description}`);
    for (const [key, description] of changes.updated) log.info(`route ${key} updated: ${description}`);
    // A route that went because it was rejected has its rejection said.
    for (const key of changes.removed) if (!outcome.rejections.has(key)) log.info(`route ${key} removed`);
  }

  function notices(outcome: CommitOutcome): void {
    for (const key of keysOf(outcome, noted, outcome.notices)) {
      const notice = outcome.notices.get(key);
      if (notice !== undefined && noted.get(key) !== notice) log.warn(`route ${key} admitted, but ${notice}`);
      if (notice === undefined) noted.delete(key);
      else noted.set(key, notice);
    }
  }

  function maxConnections(outcome: CommitOutcome): void {
    const sized = outcome.maxConnections;
    if (sized === undefined || sized >= opts.maxConnections || sized === warnedMaxConnections) return;
    warnedMaxConnections = sized;
    log.warn(`maxconn lowered from ${opts.maxConnections} to ${sized}: the open-file limit is ${opts.fdLimit} (raise LimitNOFILE to allow more)`);
  }

  function haproxy(outcome: CommitOutcome): void {
    if (outcome.result === 'failed') log.error(`commit failed: ${outcome.error}`);
    if (outcome.overBudget) {
      log.warn(`reload held back: the namespaces that need it used up their reload budget (${describeReasons(outcome.reloadReasons ?? [])}); retrying in ${outcome.retryAfterMs} ms`);
    }
    if (outcome.runtime?.failure !== undefined) log.warn(`runtime update failed (${outcome.runtime.failure}); reloading instead`);
    const refusal = outcome.refusal ?? [];
    if (outcome.result === 'deferred' && outcome.refusal) {
      if (refusal.length === 1 && refusal[0] === CHECK_ABANDONED) log.info(`the new configuration is not checked: ${CHECK_ABANDONED}`);
      else log.warn(`could not check the new configuration (${refusal.join('; ') || 'no output'}); retrying`);
    }
    if (outcome.result === 'rejected-by-haproxy') {
      if (outcome.quarantined?.length) log.warn(`haproxy refused route files; trying again without those routes:\n${refusal.join('\n')}`);
      else log.error(`haproxy rejected the new configuration; keeping the running one:\n${refusal.join('\n')}`);
    }
    const load = outcome.load;
    const reasons = describeReasons(outcome.reloadReasons ?? []);
    switch (load?.kind) {
      case 'pending':
        return log.info(`haproxy is restarting; it will load generation ${load.generation}`);
      case 'died':
        return log.warn(`haproxy stopped during the reload (${load.message}); its restart loads generation ${load.generation}`);
      case 'failed':
        if (load.message === RELOAD_ABANDONED) return log.info(`generation ${load.generation} is not loaded: ${RELOAD_ABANDONED}, haproxy drains next`);
        return log.error(`haproxy reload failed (${load.message}); restoring the previous configuration on disk and retrying`);
      case 'reloaded':
        return log.info(
          `haproxy reloaded (generation ${load.generation}, worker pid ${load.workerPid}): ${reasons} (reloads so far: ${describeCounts(opts.reloadCounts)})`,
        );
    }
  }

  return (outcome) => {
    if (outcome.result !== 'failed') {
      rejections(outcome);
      routes(outcome);
      notices(outcome);
    }
    maxConnections(outcome);
    haproxy(outcome);
  };
}
