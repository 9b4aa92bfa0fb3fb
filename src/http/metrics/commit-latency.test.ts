import { describe, expect, test } from 'bun:test';
import type { CommitOutcome } from '../../commit/outcome.ts';
import { commitLatencyTracker } from './commit-latency.ts';

const outcome = (more: Partial<CommitOutcome>): CommitOutcome => ({ result: 'unchanged', routes: new Map(), admitted: new Map(), rejections: new Map(), notices: new Map(), durationMs: 1, ...more });
const runtime = (receivedAt?: number) => outcome({ result: 'runtime', eventsReceivedAt: receivedAt, runtime: { commands: 1, kinds: new Map([['add-map', 1]]) } });
const reloaded = (receivedAt?: number) =>
  outcome({ result: 'reloaded', eventsReceivedAt: receivedAt, load: { kind: 'reloaded', generation: 2, workerPid: 9, checkMs: 1, loadMs: 1 } });
const deferred = (receivedAt?: number) => outcome({ result: 'deferred', eventsReceivedAt: receivedAt, retryAfterMs: 500 });

describe('commitLatencyTracker', () => {
  test.each<[string, [number, CommitOutcome][], (string | undefined)[]]>([
    ['a runtime update: from its event to the reply', [[1_250, runtime(1_000)]], ['runtime 0.25']],
    ['a reload: from its event to the confirmation', [[3_000, reloaded(1_000)]], ['reload 2']],
    [
      'a reload held back by --interval carries the oldest event on to the reload',
      [
        [1_100, deferred(1_000)],
        [1_600, deferred(1_500)],
        [6_000, reloaded(undefined)],
      ],
      [undefined, undefined, 'reload 5'],
    ],
    [
      'a change that goes live while a reload waits is measured alone; the held-back changes keep their age for the reload',
      [
        [1_100, deferred(1_000)],
        [2_050, outcome({ ...runtime(2_000), retryAfterMs: 3_000 })],
        [6_000, reloaded(undefined)],
      ],
      [undefined, 'runtime 0.05', 'reload 5'],
    ],
    ['a commit with nothing to change measures nothing and forgets its events', [[1_100, outcome({ eventsReceivedAt: 1_000 })], [9_000, runtime(8_000)]], [undefined, 'runtime 1']],
    ['a commit without new events measures nothing', [[1_000, runtime(undefined)]], [undefined]],
    [
      'a configuration haproxy refused is not carried on',
      [
        [1_100, outcome({ result: 'rejected-by-haproxy', eventsReceivedAt: 1_000 })],
        [2_000, reloaded(1_900)],
      ],
      [undefined, 'reload 0.1'],
    ],
    [
      'a start counts as a reload',
      [[4_000, outcome({ result: 'started', eventsReceivedAt: 1_000, load: { kind: 'started', generation: 1, checkMs: 1, loadMs: 1 } })]],
      ['reload 3'],
    ],
  ])('%s', (_name, steps, expected) => {
    let clock = 0;
    const track = commitLatencyTracker(() => clock);
    const seen = steps.map(([at, o]) => {
      clock = at;
      const l = track(o);
      return l && `${l.appliedBy} ${l.seconds}`;
    });
    expect(seen).toEqual(expected);
  });
});
