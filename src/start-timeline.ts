import type { CommitOutcome } from './commit/outcome.ts';
import type { Logger } from './log.ts';

/** Milliseconds since the process started (the clock `performance.now()` counts from). */
const sinceStart = (): number => Math.round(performance.now());

/**
 * Debug lines along the way from process start to haproxy serving the first
 * configuration, each with the time since the process started, so an
 * operator (or a benchmark) can tell which step a slow start spent its time
 * in: the lists, the first commit (and within it writing the files and
 * haproxy's own load), or what follows.
 */
export class StartTimeline {
  private readonly log: Logger;
  private firstCommitSeen = false;

  constructor(
    logger: Logger,
    private readonly now: () => number = sinceStart,
  ) {
    this.log = logger.withTag('start');
  }

  /** A step of the start reached, e.g. `sources synced: 10000 routes, 9904 endpoint slices`. */
  mark(step: string): void {
    this.log.debug(`${step} (${this.now()} ms after the process started)`);
  }

  /** Logs the first commit that served (or failed to), once. */
  readonly observe = (outcome: CommitOutcome): void => {
    if (this.firstCommitSeen) return;
    this.firstCommitSeen = true;
    this.log.debug(`first commit: ${firstCommitLine(outcome)} (${this.now()} ms after the process started)`);
  };
}

/** What the first commit did and where its time went. */
export function firstCommitLine(outcome: CommitOutcome): string {
  const total = Math.round(outcome.durationMs);
  const routes = `${outcome.admitted.size} of ${outcome.routes.size} routes admitted`;
  if (outcome.result === 'failed') return `failed after ${total} ms: ${outcome.error ?? 'no reason given'}`;
  const load = outcome.load;
  if (!load) return `${outcome.result}, ${routes}, in ${total} ms`;
  const rest = Math.max(0, total - load.checkMs - load.loadMs);
  return `${outcome.result}, ${routes}, in ${total} ms: files written in ${Math.round(load.checkMs)} ms, haproxy ${load.kind} in ${Math.round(load.loadMs)} ms, ${rest} ms in admission, model, render and the worker check`;
}
