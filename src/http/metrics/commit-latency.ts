/**
 * How long a change takes from the moment the router received it from a
 * source to the moment haproxy has it: the runtime API answered, or the
 * reload (or start) that carries it is confirmed. A commit that must be
 * tried again (a reload held back by --interval, a check that could not
 * run) carries its changes' age on to the commit that applies them; one
 * that ends without touching haproxy (nothing to change, or a configuration
 * haproxy refused) has nothing to measure.
 */
import type { CommitOutcome } from '../../commit/outcome.ts';

export type AppliedBy = 'runtime' | 'reload';

export interface CommitLatency {
  appliedBy: AppliedBy;
  seconds: number;
}

function appliedBy(outcome: CommitOutcome): AppliedBy | undefined {
  if (outcome.result === 'runtime') return 'runtime';
  const kind = outcome.load?.kind;
  return kind === 'reloaded' || kind === 'started' ? 'reload' : undefined;
}

/** Feed it every outcome in order; it returns the latency of the changes an outcome applied. */
export function commitLatencyTracker(now: () => number = Date.now): (outcome: CommitOutcome) => CommitLatency | undefined {
  let oldest: number | undefined;
  return (outcome) => {
    const by = appliedBy(outcome);
    // Its own changes went live while a held-back reload still carries older ones: those keep their age.
    if (by === 'runtime' && outcome.retryAfterMs !== undefined && oldest !== undefined) {
      return outcome.eventsReceivedAt === undefined ? undefined : { appliedBy: by, seconds: Math.max(0, now() - outcome.eventsReceivedAt) / 1000 };
    }
    if (outcome.eventsReceivedAt !== undefined) oldest = Math.min(oldest ?? Number.POSITIVE_INFINITY, outcome.eventsReceivedAt);
    if (oldest === undefined) return undefined;
    const since = oldest;
    if (by !== undefined || outcome.retryAfterMs === undefined) oldest = undefined;
    return by === undefined ? undefined : { appliedBy: by, seconds: Math.max(0, now() - since) / 1000 };
  };
}
