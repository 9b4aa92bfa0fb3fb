import { describe, expect, test } from 'bun:test';
import { CommitTimeline, commitLine, STAGES, type CommitMarks, type Stage } from './commit-timeline.ts';

const none = Object.fromEntries(STAGES.map((s) => [s, Number.NaN])) as Record<Stage, number>;
const marks = (more: Partial<Omit<CommitMarks, 'stages'>> & { stages?: Partial<Record<Stage, number>> }): CommitMarks => ({
  path: 'incremental',
  result: 'runtime',
  events: 1,
  waitedMs: 0.25,
  firstReplyMs: 0,
  totalMs: 10,
  cpuMs: 4,
  ...more,
  stages: { ...none, ...more.stages },
});

describe('commitLine', () => {
  test.each<[string, CommitMarks, string]>([
    [
      'an endpoint move: every stage it entered, haproxy’s first reply within the runtime stage',
      marks({ stages: { plan: 1.234, render: 0.5, write: 1, runtime: 6, observers: 0.1, other: 0.05 }, firstReplyMs: 5.5, totalMs: 8.884, cpuMs: 3.2 }),
      'commit timeline: path=incremental result=runtime events=1 wait=0.25 plan=1.23 render=0.50 write=1.00 runtime=6.00 firstReply=5.50 observers=0.10 other=0.05 total=8.88 cpu=3.20',
    ],
    [
      'a reload: its load stage, no runtime stage',
      marks({ path: 'reload', result: 'reloaded', events: 3, stages: { plan: 40, write: 5, load: 900, observers: 2 }, totalMs: 947, cpuMs: 60 }),
      'commit timeline: path=reload result=reloaded events=3 wait=0.25 plan=40.00 write=5.00 load=900.00 observers=2.00 total=947.00 cpu=60.00',
    ],
    [
      'a commit without events (a retry, a hold that ran out): no wait',
      marks({ path: 'full', result: 'unchanged', events: 0, waitedMs: Number.NaN, stages: { plan: 2, observers: 0 }, totalMs: 2, cpuMs: 2 }),
      'commit timeline: path=full result=unchanged events=0 plan=2.00 observers=0.00 total=2.00 cpu=2.00',
    ],
  ])('%s', (_, m, line) => {
    expect(commitLine(m)).toBe(line);
  });
});

describe('CommitTimeline', () => {
  test('a stage lasts from its entry to the next; a stage entered twice adds up; replies count in the runtime stage only, from its entry', () => {
    let now = 1_000;
    let cpu = 50;
    const t = new CommitTimeline({ now: () => now, cpu: () => cpu });
    t.begin();
    t.enter('plan');
    t.took(2, 990);
    now += 2;
    t.replied(7);
    t.enter('write');
    now += 1;
    t.enter('runtime');
    now += 5;
    t.replied(4);
    t.replied(0.5);
    t.replied(50);
    t.enter('write');
    now += 1;
    t.enter('observers');
    now += 0.5;
    cpu += 3;
    const m = t.end('incremental', 'runtime');
    // The three waits overlap: together they cover the stage's 5 ms, not their sum.
    expect(m).toMatchObject({ path: 'incremental', result: 'runtime', events: 2, waitedMs: 10, firstReplyMs: 5, totalMs: 9.5, cpuMs: 3 });
    expect(m.stages).toEqual({ ...none, plan: 2, write: 2, runtime: 5, observers: 0.5 });
  });

  test('replies waited for one after the other add up; those waited for at once count once', () => {
    let now = 0;
    const t = new CommitTimeline({ now: () => now, cpu: () => 0 });
    t.begin();
    t.enter('runtime');
    now = 3;
    t.replied(2);
    now = 10;
    t.replied(4);
    t.replied(4);
    t.replied(1);
    const m = t.end('incremental', 'runtime');
    expect(m.firstReplyMs).toBe(6);
    expect(m.firstReplyMs).toBeLessThanOrEqual(m.stages.runtime);
  });

  test('begin() starts over', () => {
    let now = 0;
    const t = new CommitTimeline({ now: () => now, cpu: () => 0 });
    t.begin();
    t.took(5, -3);
    t.enter('runtime');
    t.replied(1);
    now = 10;
    t.end('full', 'runtime');
    t.begin();
    t.enter('plan');
    now = 11;
    const m = t.end('full', 'unchanged');
    expect(m).toMatchObject({ events: 0, firstReplyMs: 0, totalMs: 1 });
    expect(Number.isNaN(m.waitedMs)).toBe(true);
    expect(m.stages).toEqual({ ...none, plan: 1 });
  });
});
