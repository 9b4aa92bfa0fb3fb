import { describe, expect, test } from 'bun:test';
import { Wakeup, workerForked } from './poll-master.ts';

/** Whether `promise` settles within `ms`. */
const within = (promise: Promise<unknown>, ms: number) => Promise.race([promise.then(() => true), Bun.sleep(ms).then(() => false)]);

describe('Wakeup', () => {
  test('a pause ends when haproxy says it forked a worker, not at its full length', async () => {
    const wakeup = new Wakeup();
    const pause = wakeup.sleep(60_000);
    wakeup.now();
    expect(await within(pause, 1000)).toBe(true);
  });

  test('a wake-up while nobody pauses ends the next pause at once, and only that one', async () => {
    const wakeup = new Wakeup();
    wakeup.now();
    expect(await within(wakeup.sleep(60_000), 1000)).toBe(true);
    const next = wakeup.sleep(60_000);
    expect(await within(next, 50)).toBe(false);
    wakeup.now();
    await next;
  });

  test('without a wake-up a pause lasts its length', async () => {
    const t0 = performance.now();
    await new Wakeup().sleep(30);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
  });
});

describe('workerForked', () => {
  test.each([
    // As haproxy 2.6 writes them when it starts a worker and when it loads.
    ['[NOTICE]   (5193) : New worker (5196) forked', true],
    ['[NOTICE]   (5193) : Loading success.', false],
    ['[ALERT]    (5193) : Current worker (5196) exited with code 143 (Terminated)', false],
    ['[WARNING]  (5193) : New worker (5196) forked by someone', false],
  ])('%j: %p', (line, forked) => {
    expect(workerForked(line)).toBe(forked);
  });
});
