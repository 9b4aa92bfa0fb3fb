import { ApiException } from '@kubernetes/client-node';
import { heapStats } from 'bun:jsc';
import { describe, expect, test } from 'bun:test';
import { captureLogs } from '../../test/support/log-capture.ts';
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

  test('a write the API server throttles (429, Retry-After) pauses every write that long and goes back in the queue, with one warning', async () => {
    const { logger, logs } = captureLogs();
    const startedAt = new Map<string, number[]>();
    let throttles = 2;
    const write = async (key: string) => {
      startedAt.set(key, [...(startedAt.get(key) ?? []), performance.now()]);
      if (key === 'k0' && throttles-- > 0) throw new ApiException(429, 'Too Many Requests', '{"kind":"Status","code":429}', { 'retry-after': '1' });
      await Bun.sleep(1);
    };
    const q = new WriteQueue(write, () => true, (k) => k, logger, { concurrency: 2 });
    for (let i = 0; i < 6; i++) q.add(`k${i}`);
    await q.idle();

    // k0 turned away twice, written the third time; every other key once.
    expect([...startedAt.keys()].toSorted()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5']);
    expect(startedAt.get('k0')).toHaveLength(3);
    for (const k of ['k1', 'k2', 'k3', 'k4', 'k5']) expect(startedAt.get(k)).toHaveLength(1);
    // No write started within a pause: nothing in the second after each attempt turned away.
    const [first = 0, second = 0, third = 0] = startedAt.get('k0') ?? [];
    expect(second - first).toBeGreaterThanOrEqual(995);
    expect(third - second).toBeGreaterThanOrEqual(995);
    const all = [...startedAt.values()].flat();
    for (const turnedAway of [first, second]) expect(all.filter((t) => t > turnedAway + 1 && t < turnedAway + 995)).toEqual([]);
    // One warning for both, not one per write turned away.
    const warnings = logs.filter((r) => r.level === 'warn');
    expect(warnings.map((r) => r.msg)).toEqual(['the API server asks for fewer requests (429 Too Many Requests): status writes wait 1s']);
  });

  test('a write that fails without asking for a pause keeps its own backoff and warning', async () => {
    const { logger, logs } = captureLogs();
    let failures = 1;
    const q = new WriteQueue(
      async () => {
        if (failures-- > 0) throw new ApiException(503, 'Service Unavailable', '{"kind":"Status","code":503}', {});
      },
      () => true,
      (k) => `route ${k}`,
      logger,
    );
    q.add('a');
    await q.idle();
    expect(logs.filter((r) => r.level === 'warn').map((r) => r.msg)).toEqual(['cannot write the status of route a: 503 Service Unavailable; retrying in 1s']);
    q.stop();
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
