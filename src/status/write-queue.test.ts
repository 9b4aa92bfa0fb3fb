import { heapStats } from 'bun:jsc';
import { describe, expect, test } from 'bun:test';
import { createLogger } from '../log.ts';
import { WriteGate } from './write-gate.ts';
import { WriteQueue } from './write-queue.ts';

const silent = createLogger({ format: 'json', level: 'silent' });

/** A write per key that completes only when the test says so; records starts and the most in flight at once. */
function writes() {
  const pending = new Map<string, () => void>();
  const started: string[] = [];
  let inFlight = 0;
  let most = 0;
  const started$ = { waiters: [] as (() => void)[] };
  const write = (key: string) =>
    new Promise<void>((resolve) => {
      started.push(key);
      inFlight++;
      most = Math.max(most, inFlight);
      pending.set(key, () => {
        inFlight--;
        pending.delete(key);
        resolve();
      });
      for (const w of started$.waiters.splice(0)) w();
    });
  return {
    write,
    started,
    pending,
    most: () => most,
    /** Resolves once `n` writes have started in all. */
    async untilStarted(n: number) {
      while (started.length < n) await new Promise<void>((r) => started$.waiters.push(r));
    },
    finish(key: string) {
      pending.get(key)?.();
    },
    finishAll() {
      for (const done of [...pending.values()]) done();
    },
  };
}

describe('WriteQueue', () => {
  test('runs at most `concurrency` writes at once, and every key', async () => {
    const w = writes();
    const q = new WriteQueue(w.write, () => true, (k) => k, silent, { concurrency: 3 });
    for (let i = 0; i < 10; i++) q.add(`k${i}`);
    await w.untilStarted(3);
    expect(w.pending.size).toBe(3);
    while (w.started.length < 10 || w.pending.size > 0) {
      w.finishAll();
      await Bun.sleep(0);
    }
    await q.idle();
    expect(w.most()).toBe(3);
    expect(w.started.toSorted()).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`).toSorted());
  });

  test('starts nothing while the gate is shut; writes in flight when it shuts complete', async () => {
    const w = writes();
    const gate = new WriteGate(true);
    const q = new WriteQueue(w.write, () => true, (k) => k, silent, { gate, concurrency: 2 });
    q.add('a');
    q.add('b');
    q.add('c');
    await Bun.sleep(5);
    expect(w.started).toEqual([]);
    gate.release();
    await w.untilStarted(2);
    expect(w.started).toEqual(['a', 'b']);
    // A commit starts: 'a' and 'b' complete, 'c' waits for it to end.
    gate.hold();
    w.finishAll();
    await Bun.sleep(5);
    expect(w.started).toEqual(['a', 'b']);
    gate.release();
    await w.untilStarted(3);
    expect(w.started).toEqual(['a', 'b', 'c']);
    w.finishAll();
    await q.idle();
  });

  test('a key asked for again during its write is written again after it, never twice at once', async () => {
    const w = writes();
    const q = new WriteQueue(w.write, () => true, (k) => k, silent, { concurrency: 4 });
    q.add('a');
    await w.untilStarted(1);
    q.add('a');
    q.add('b');
    await w.untilStarted(2);
    await Bun.sleep(5);
    expect(w.started).toEqual(['a', 'b']);
    w.finish('a');
    await w.untilStarted(3);
    expect(w.started).toEqual(['a', 'b', 'a']);
    w.finishAll();
    await q.idle();
  });

  test('stop drops what is queued', async () => {
    const w = writes();
    const q = new WriteQueue(w.write, () => true, (k) => k, silent, { concurrency: 1 });
    q.add('a');
    q.add('b');
    await w.untilStarted(1);
    q.stop();
    w.finishAll();
    await q.idle();
    expect(w.started).toEqual(['a']);
  });

  test('keeps nothing per write once it is done (a long-lived router writes without end)', async () => {
    const q = new WriteQueue(async () => {}, () => true, (k) => k, silent, { concurrency: 4 });
    const reactions = () => {
      Bun.gc(true);
      return heapStats().objectTypeCounts.SlimPromiseReaction ?? 0;
    };
    const before = reactions();
    for (let i = 0; i < 20_000; i++) q.add(`k${i}`);
    await q.idle();
    expect(reactions() - before).toBeLessThan(2_000);
  });

  test('stop ends the wait for a gate that never opens', async () => {
    const w = writes();
    const q = new WriteQueue(w.write, () => true, (k) => k, silent, { gate: new WriteGate(true) });
    q.add('a');
    q.stop();
    await q.idle();
    expect(w.started).toEqual([]);
  });
});

describe('WriteGate', () => {
  test('opens when every hold is released, the start hold included', async () => {
    const gate = new WriteGate(true);
    let opened = false;
    void gate.whenOpen().then(() => (opened = true));
    gate.hold();
    gate.release();
    await Bun.sleep(0);
    expect(opened).toBe(false);
    gate.release();
    await Bun.sleep(0);
    expect(opened).toBe(true);
    expect(gate.open).toBe(true);
    gate.release();
    expect(gate.open).toBe(true);
    gate.hold();
    expect(gate.open).toBe(false);
  });
});
