import { crtLineNumbers, type AppliedState } from './applied-state.ts';
import type { DesiredIndex } from './desired-index.ts';
import type { DesiredStep } from './desired-state.ts';
import { planIncremental, type IncrementalPlan } from './incremental-plan.ts';
import type { RunningIndex } from './running-index.ts';

/** What the incremental step knows besides the applied state and the change. */
export interface IncrementalInput {
  now: number;
  haproxyRunning: boolean;
  runtimeUpdates: boolean;
  commitIntervalMs: number;
  /**
   * The worker ran what the desired configuration asked for after the last
   * commit (fitted to it): nothing was deferred, refused or left half done,
   * so this change is all that differs.
   */
  inSync: boolean;
}

/**
 * The commit step for a change, when it can be planned from the change
 * alone: haproxy runs what the last commit wanted, nothing waits for a
 * reload (a worker out of step, a hold past --commit-interval), and the
 * change does not touch what every route shares. Otherwise `full`, and
 * planCommit decides from the whole configuration.
 */
export function planIncrementalCommit(state: AppliedState, step: DesiredStep, desired: DesiredIndex, running: RunningIndex, input: IncrementalInput): IncrementalPlan {
  if (!input.inSync) return { kind: 'full', why: 'the last commit left the worker short of the desired configuration' };
  if (!state.model || running.model !== state.model || !input.haproxyRunning) return { kind: 'full', why: 'no worker runs the applied model' };
  if (!input.runtimeUpdates) return { kind: 'full', why: 'runtime updates are off' };
  if (state.outOfStep !== undefined) return { kind: 'full', why: `the worker is out of step (${state.outOfStep})` };
  if (state.heldSince !== undefined && input.now - state.heldSince >= input.commitIntervalMs) return { kind: 'full', why: 'routes ran on spares for --commit-interval' };
  if (step.settings === undefined) return { kind: 'full', why: 'what every route shares changed' };
  return planIncremental(running, desired, step.change, step.settings, step.defaultCertificate, () => crtLineNumbers(state));
}

/**
 * Whether the worker runs what a full commit wanted once it is done: not
 * after a deferral, a refusal, a failure, or files equal to the last
 * refused candidate (`unchanged` then means "still refused").
 */
export function staysInSync(result: string, refused: unknown): boolean {
  if (result === 'unchanged') return refused === undefined;
  return result === 'written' || result === 'runtime' || result === 'started' || result === 'reloaded';
}
