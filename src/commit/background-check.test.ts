import { describe, expect, test } from 'bun:test';
import { captureLogs } from '../../test/support/log-capture.ts';
import type { CheckResult } from '../haproxy/check-config.ts';
import { BackgroundCheck, CHECK_SPACING_FACTOR, MIN_CHECK_INTERVAL_MS } from './background-check.ts';
import type { ConfigChecker } from './ports.ts';

/** A checker whose checks end when the test says, with the answer it gives; `started(n)` resolves once `n` checks have started. */
function heldChecker() {
  const calls: { path: string; background: boolean | undefined; finish: (r: CheckResult) => void }[] = [];
  let waiters: { n: number; resolve: () => void }[] = [];
  const checker: ConfigChecker = {
    check: (path, opts) =>
      new Promise((resolve) => {
        calls.push({ path, background: opts?.background, finish: resolve });
        for (const w of waiters) if (calls.length >= w.n) w.resolve();
        waiters = waiters.filter((w) => calls.length < w.n);
      }),
  };
  const started = (n: number) => (calls.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })));
  return { checker, calls, started };
}

const refused: CheckResult = { ok: false, output: ["[ALERT] (1) : config : parsing [haproxy.config:40] : 'server x' : could not resolve address '08.0.0.1'."] };

function setup(now = () => 0) {
  const { checker, calls, started } = heldChecker();
  const refusals: (readonly string[])[] = [];
  const logs = captureLogs();
  const holds = new Set<number>();
  const hold = async (generation: number) => {
    holds.add(generation);
    return () => holds.delete(generation);
  };
  const flushes = { count: 0 };
  const flush = async () => void flushes.count++;
  const check = new BackgroundCheck({ checker, hold, flush, onRefused: (o) => refusals.push(o), logger: logs.logger, now });
  return { check, calls, started, refusals, logs, holds, flushes };
}

describe('BackgroundCheck', () => {
  test('a generation written without a check that haproxy refuses is reported, with haproxy\'s words in the log', async () => {
    const { check, calls, started, refusals, logs } = setup();
    check.written(3, '/g/3/haproxy.config');
    await started(1);
    expect(calls.map((c) => c.path)).toEqual(['/g/3/haproxy.config']);
    // Nothing waits for it: it runs as a background check, yielding the CPU.
    expect(calls[0]?.background).toBe(true);
    calls[0]?.finish(refused);
    await check.idle();
    expect(refusals).toHaveLength(1);
    expect(logs.logs.some((r) => r.level === 'error' && r.msg.includes('generation 3') && r.msg.includes('08.0.0.1'))).toBe(true);
  });

  test('a check reads the generation with its waiting writes flushed, not held: changes meanwhile go in place', async () => {
    const { check, calls, started, holds, flushes } = setup();
    check.written(4, '/g/4/haproxy.config');
    await started(1);
    expect({ holds: [...holds], flushes: flushes.count }).toEqual({ holds: [], flushes: 1 });
    calls[0]?.finish({ ok: true, output: [] });
    await check.idle();
    expect([...holds]).toEqual([]);
  });

  test('refused while its generation changed: judged again at once, with the generation held; a refusal then counts', async () => {
    let clock = 0;
    const { check, calls, started, holds, refusals } = setup(() => clock);
    check.written(5, '/g/5/haproxy.config');
    await started(1);
    // A change goes in place while haproxy reads the files.
    check.written(5, '/g/5/haproxy.config');
    calls[0]?.finish(refused);
    await started(2);
    expect({ refusals: refusals.length, holds: [...holds] }).toEqual({ refusals: 0, holds: [5] });
    calls[1]?.finish(refused);
    await check.idle();
    expect({ refusals: refusals.length, holds: [...holds] }).toEqual({ refusals: 1, holds: [] });
  });

  test('refused while its generation changed, then passing once held: nothing is refused', async () => {
    const { check, calls, started, refusals } = setup();
    check.written(6, '/g/6/haproxy.config');
    await started(1);
    check.written(6, '/g/6/haproxy.config');
    calls[0]?.finish(refused);
    await started(2);
    calls[1]?.finish({ ok: true, output: [] });
    await check.idle();
    expect(refusals).toEqual([]);
  });

  test('one check at a time, and only the newest generation is checked next', async () => {
    let clock = 0;
    const { check, calls, started, refusals } = setup(() => clock);
    check.written(1, '/g/1');
    check.written(2, '/g/2');
    check.written(3, '/g/3');
    await started(1);
    expect(calls).toHaveLength(1);
    clock = MIN_CHECK_INTERVAL_MS;
    // Generation 1 is no longer in use: its verdict does not count.
    calls[0]?.finish(refused);
    await started(2);
    expect(calls.map((c) => c.path)).toEqual(['/g/1', '/g/3']);
    calls[1]?.finish({ ok: true, output: [] });
    await check.idle();
    expect(refusals).toEqual([]);
  });

  test('a generation a load checked replaces what was pending', async () => {
    let clock = 0;
    const { check, calls, started, refusals } = setup(() => clock);
    check.written(1, '/g/1');
    check.written(2, '/g/2');
    check.checked(3);
    await started(1);
    clock = MIN_CHECK_INTERVAL_MS;
    calls[0]?.finish(refused);
    await check.idle();
    expect(calls).toHaveLength(1);
    expect(refusals).toEqual([]);
  });

  test('a check that could not run (no alert) is not a verdict', async () => {
    const { check, calls, started, refusals } = setup();
    check.written(1, '/g/1');
    await started(1);
    calls[0]?.finish({ ok: false, output: ['cannot run haproxy: timeout'] });
    await check.idle();
    expect(refusals).toEqual([]);
  });

  test('checks are at least MIN_CHECK_INTERVAL_MS apart; stop() ends what is due', async () => {
    let clock = 0;
    const { check, calls, started } = setup(() => clock);
    check.written(1, '/g/1');
    await started(1);
    calls[0]?.finish({ ok: true, output: [] });
    await Bun.sleep(0);
    check.written(2, '/g/2');
    expect(calls).toHaveLength(1);
    check.stop();
    await check.idle();
    expect(calls).toHaveLength(1);
  });

  test('a long check spaces the next one CHECK_SPACING_FACTOR times its duration out', async () => {
    const starts: number[] = [];
    const checker: ConfigChecker = {
      async check() {
        starts.push(performance.now());
        // A check that takes 150 ms: the next may start 1.5 s after this one did, not MIN_CHECK_INTERVAL_MS.
        if (starts.length === 1) await Bun.sleep(150);
        return { ok: true, output: [] };
      },
    };
    const check = new BackgroundCheck({ checker, hold: async () => () => undefined, flush: async () => undefined, onRefused: () => undefined, logger: captureLogs().logger });
    check.written(1, '/g/1');
    await Bun.sleep(0);
    check.written(2, '/g/2');
    await check.idle();
    expect(starts).toHaveLength(2);
    expect((starts[1] ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(CHECK_SPACING_FACTOR * 150 - 20);
  });
});
