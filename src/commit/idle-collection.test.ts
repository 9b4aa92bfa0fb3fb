import { describe, expect, test } from 'bun:test';
import type { CommitKind } from './outcome.ts';
import { COMMITS_OWING_COLLECTION, IDLE_SAMPLE_MS, IDLE_SAMPLES, idleCollection, MAX_NUDGES, rendersEverything, threadCpuMs } from './idle-collection.ts';

/** An idle collection driven by hand: each `tick(busyMs)` is one sample in which the JS thread used `busyMs` of CPU. */
function driven() {
  let cpu = 0;
  let busy = false;
  let tickFn: (() => void) | undefined;
  let intervals = 0;
  const collections: number[] = [];
  let nudges = 0;
  const idle = idleCollection({
    collect: () => collections.push(cpu),
    nudge: () => (nudges += 1),
    threadCpuMs: () => cpu,
    busy: () => busy,
    every: (ms, fn) => {
      expect(ms).toBe(IDLE_SAMPLE_MS);
      intervals += 1;
      tickFn = fn;
      return () => (tickFn = undefined);
    },
  });
  return {
    idle,
    collections,
    intervals: () => intervals,
    nudges: () => nudges,
    sampling: () => tickFn !== undefined,
    setBusy: (b: boolean) => (busy = b),
    tick(busyMs: number) {
      cpu += busyMs;
      tickFn?.();
    },
  };
}

describe('idleCollection', () => {
  test('nothing owed: no sampling, no collection', () => {
    const d = driven();
    for (let i = 0; i < 10; i++) d.tick(0);
    expect(d.sampling()).toBe(false);
    expect(d.collections).toEqual([]);
  });

  test('owed: one collection once the thread has been quiet for the samples in a row, then sampling stops', () => {
    const d = driven();
    d.idle.owe();
    for (let i = 0; i < IDLE_SAMPLES - 1; i++) d.tick(0);
    expect(d.collections).toEqual([]);
    d.tick(0);
    expect(d.collections).toEqual([0]);
    expect(d.sampling()).toBe(false);
    d.tick(0);
    expect(d.collections).toHaveLength(1);
  });

  test('until the first collection, a young one is asked for when one is owed and at every sample not quiet, never at a quiet one', () => {
    const d = driven();
    d.tick(IDLE_SAMPLE_MS);
    expect(d.nudges()).toBe(0);
    d.idle.owe();
    expect(d.nudges()).toBe(1);
    d.tick(IDLE_SAMPLE_MS / 2);
    d.tick(IDLE_SAMPLE_MS / 2);
    expect(d.nudges()).toBe(3);
    d.setBusy(true);
    d.tick(0);
    expect(d.nudges()).toBe(4);
    d.setBusy(false);
    for (let i = 0; i < IDLE_SAMPLES; i++) d.tick(0);
    expect(d.collections).toHaveLength(1);
    expect(d.nudges()).toBe(4);
    d.tick(IDLE_SAMPLE_MS);
    expect(d.nudges()).toBe(4);
  });

  test('after the first collection, never again', () => {
    const d = driven();
    d.idle.owe();
    for (let i = 0; i < IDLE_SAMPLES; i++) d.tick(0);
    expect(d.collections).toHaveLength(1);
    const before = d.nudges();
    d.idle.owe();
    d.tick(IDLE_SAMPLE_MS);
    expect(d.nudges()).toBe(before);
  });

  test('MAX_NUDGES at most, for a router a stream of changes never lets go quiet', () => {
    const d = driven();
    d.idle.owe();
    for (let i = 0; i < 2 * MAX_NUDGES; i++) d.tick(IDLE_SAMPLE_MS);
    d.idle.owe();
    expect(d.nudges()).toBe(MAX_NUDGES);
  });

  test('a busy sample starts the count again', () => {
    const d = driven();
    d.idle.owe();
    const busy = IDLE_SAMPLE_MS * 0.2;
    d.tick(0);
    d.tick(busy);
    for (let i = 0; i < IDLE_SAMPLES - 1; i++) d.tick(1);
    expect(d.collections).toEqual([]);
    d.tick(1);
    expect(d.collections).toEqual([busy + IDLE_SAMPLES]);
  });

  test('a busy router is never collected under, however long it stays busy', () => {
    const d = driven();
    d.idle.owe();
    for (let i = 0; i < 1000; i++) d.tick(IDLE_SAMPLE_MS / 2);
    expect(d.collections).toEqual([]);
    expect(d.sampling()).toBe(true);
  });

  test('owing again while sampling restarts the quiet count on the same timer', () => {
    const d = driven();
    d.idle.owe();
    for (let i = 0; i < IDLE_SAMPLES - 1; i++) d.tick(0);
    d.idle.owe();
    for (let i = 0; i < IDLE_SAMPLES - 1; i++) d.tick(0);
    expect(d.collections).toEqual([]);
    d.tick(0);
    expect(d.collections).toHaveLength(1);
    expect(d.intervals()).toBe(1);
  });

  test('a commit while owed starts the count again, even one that cost the thread no CPU; none while nothing is owed', () => {
    const d = driven();
    d.idle.activity();
    expect(d.sampling()).toBe(false);
    d.idle.owe();
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < IDLE_SAMPLES - 1; i++) d.tick(0);
      d.idle.activity();
    }
    expect(d.collections).toEqual([]);
    for (let i = 0; i < IDLE_SAMPLES; i++) d.tick(0);
    expect(d.collections).toHaveLength(1);
  });

  test('a burst of commits owes a collection too, once quiet; the count starts again after it', () => {
    const d = driven();
    for (let i = 0; i < COMMITS_OWING_COLLECTION - 1; i++) d.idle.activity();
    expect(d.sampling()).toBe(false);
    d.idle.activity();
    expect(d.sampling()).toBe(true);
    // Commits while owed put it off.
    d.tick(0);
    d.idle.activity();
    for (let i = 0; i < IDLE_SAMPLES - 1; i++) d.tick(0);
    expect(d.collections).toEqual([]);
    d.tick(0);
    expect(d.collections).toHaveLength(1);
    for (let i = 0; i < COMMITS_OWING_COLLECTION - 1; i++) d.idle.activity();
    expect(d.sampling()).toBe(false);
  });

  test('never while a commit is under way, however idle the thread (a reload waiting for haproxy)', () => {
    const d = driven();
    d.idle.owe();
    d.setBusy(true);
    for (let i = 0; i < IDLE_SAMPLES * 4; i++) d.tick(0);
    expect(d.collections).toEqual([]);
    d.setBusy(false);
    for (let i = 0; i < IDLE_SAMPLES - 1; i++) d.tick(0);
    expect(d.collections).toEqual([]);
    d.tick(0);
    expect(d.collections).toHaveLength(1);
  });

  test('stopped: nothing owes a collection any more', () => {
    const d = driven();
    d.idle.stop();
    d.idle.owe();
    for (let i = 0; i < COMMITS_OWING_COLLECTION; i++) d.idle.activity();
    expect(d.sampling()).toBe(false);
    expect(d.intervals()).toBe(0);
  });

  test('owed again after a collection: another one', () => {
    const d = driven();
    d.idle.owe();
    for (let i = 0; i < IDLE_SAMPLES; i++) d.tick(0);
    d.idle.owe();
    for (let i = 0; i < IDLE_SAMPLES; i++) d.tick(0);
    expect(d.collections).toHaveLength(2);
    expect(d.intervals()).toBe(2);
  });

  test('stopped: no collection', () => {
    const d = driven();
    d.idle.owe();
    d.idle.stop();
    for (let i = 0; i < IDLE_SAMPLES * 2; i++) d.tick(0);
    expect(d.collections).toEqual([]);
  });
});

describe('threadCpuMs', () => {
  test("the JS thread's CPU, which a busy loop raises", () => {
    const before = threadCpuMs() ?? Number.NaN;
    expect(before).toBeNumber();
    // Busy until the thread has used 30 ms of CPU by its own account, or 5 s went by (a machine too loaded to give it that fails).
    const t0 = performance.now();
    let x = 0;
    while ((threadCpuMs() ?? before) - before < 30 && performance.now() - t0 < 5000) for (let i = 0; i < 100_000; i++) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    expect((threadCpuMs() ?? 0) - before).toBeGreaterThanOrEqual(30);
  });
});

describe('rendersEverything', () => {
  test.each<[CommitKind, boolean]>([
    ['started', true],
    ['reloaded', true],
    ['runtime', false],
    ['written', false],
    ['unchanged', false],
    ['deferred', false],
    ['rejected-by-haproxy', false],
    ['reload-failed', false],
    ['failed', false],
  ])('%s: %p', (result, want) => {
    expect(rendersEverything({ result })).toBe(want);
  });
});
