import { afterEach, describe, expect, test } from 'bun:test';
import { IdleCollector, QUIET_MS } from './idle-collector.ts';

let collector: IdleCollector | undefined;
afterEach(() => collector?.stop());

/** A collector looking every 10 ms, on a clock the test moves; `looks` waits for several looks. */
function setup() {
  const state = { rss: 100, now: 0, collections: 0 };
  collector = new IdleCollector({
    collect: () => {
      state.collections++;
      state.rss = 100;
    },
    rss: () => state.rss,
    now: () => state.now,
    lookEveryMs: 10,
  });
  return { c: collector, state, looks: () => Bun.sleep(50) };
}

describe('IdleCollector', () => {
  test('collects once memory grew by a quarter since the last collection, and not again until it grows again', async () => {
    const { state, looks } = setup();
    state.rss = 120;
    await looks();
    expect(state.collections).toBe(0);
    state.rss = 300;
    await looks();
    expect(state.collections).toBe(1);
    state.rss = 110;
    await looks();
    expect(state.collections).toBe(1);
  });

  test('not while commits come: only once the last one is QUIET_MS old', async () => {
    const { c, state, looks } = setup();
    state.rss = 400;
    state.now = 10_000;
    c.committed();
    state.now += QUIET_MS - 1;
    await looks();
    expect(state.collections).toBe(0);
    state.now += 1;
    await looks();
    expect(state.collections).toBe(1);
  });

  test('stop ends the looking', async () => {
    const { c, state, looks } = setup();
    c.stop();
    state.rss = 400;
    await looks();
    expect(state.collections).toBe(0);
  });
});
