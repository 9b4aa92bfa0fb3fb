import type { CommitOutcome } from './commit/outcome.ts';
import type { Logger } from './log.ts';

/** Milliseconds since the process started (the clock `performance.now()` counts from). */
const sinceStart = (): number => Math.round(performance.now());

/** CPU seconds the process has used so far, every thread (the JIT's and the collector's too). */
const cpuSoFar = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/**
 * Debug lines along the way from process start to haproxy serving the first
 * configuration, each with the time since the process started and the CPU
 * the router used so far, so an operator (or a benchmark) can tell which
 * step a slow start spent its time in: the lists, the first commit until
 * haproxy is spawned, haproxy's own load, or what follows.
 */
export class StartTimeline {
  private readonly log: Logger;
  private firstCommitSeen = false;
  private launchSeen = false;

  constructor(
    logger: Logger,
    private readonly now: () => number = sinceStart,
    private readonly cpu: () => number = cpuSoFar,
  ) {
    this.log = logger.withTag('start');
  }

  /** A step of the start reached, e.g. `sources synced: 10000 routes, 9904 endpoint slices`. */
  mark(step: string): void {
    this.log.debug(`${step} (${this.now()} ms after the process started, ${this.cpu().toFixed(2)} s of CPU)`);
  }

  /** haproxy's master spawned: the router's part of the first commit is done, haproxy's load begins. Noted once. */
  readonly launched = (): void => {
    if (this.launchSeen) return;
    this.launchSeen = true;
    this.mark('haproxy spawned');
  };

  /** Logs the first commit that served (or failed to), once. */
  readonly observe = (outcome: CommitOutcome): void => {
    if (this.firstCommitSeen) return;
    this.firstCommitSeen = true;
    this.mark(`first commit: ${firstCommitLine(outcome)}`);
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
