import { describe, expect, test } from 'bun:test';
import { OPERATOR_DEFAULT_THREADS, threadCountCost, threadCountText, threadCountWarning, warnAboutThreadCount } from './thread-cost.ts';

describe('threadCountCost', () => {
  test.each([
    // configured by the operator: never
    [{ configured: 64, cpus: 64, routes: 100_000 }, undefined],
    [{ configured: 1, cpus: 64, routes: 100_000 }, undefined],
    // few CPUs: no thread beyond the operator's default
    [{ configured: undefined, cpus: 2, routes: 100_000 }, undefined],
    [{ configured: undefined, cpus: OPERATOR_DEFAULT_THREADS, routes: 1_000_000 }, undefined],
    // 10,000 routes: 0.1 s per extra thread, a second from 14 CPUs on
    [{ configured: undefined, cpus: 13, routes: 10_000 }, undefined],
    [{ configured: undefined, cpus: 14, routes: 10_000 }, { threads: 14, extraSeconds: 1 }],
    // 100,000 routes on 32 CPUs: 28 threads beyond 4, about a second each
    [{ configured: undefined, cpus: 32, routes: 100_000 }, { threads: 32, extraSeconds: 28 }],
    // a small router on a large host
    [{ configured: undefined, cpus: 128, routes: 500 }, undefined],
    // haproxy 2.6 runs 64 threads at most
    [{ configured: undefined, cpus: 256, routes: 100_000 }, { threads: 64, extraSeconds: 60 }],
  ])('%o -> %o', (facts, expected) => {
    const cost = threadCountCost(facts);
    if (expected === undefined) expect(cost).toBeUndefined();
    else {
      expect(cost?.threads).toBe(expected.threads);
      expect(cost?.extraSeconds).toBeCloseTo(expected.extraSeconds, 6);
    }
  });
});

test('the warning names the count, the cost, the version and the setting', () => {
  expect(threadCountWarning({ threads: 32, extraSeconds: 28 }, 100_000, '2.6.12-1+deb12u1')).toBe(
    "haproxy runs 32 threads (one per CPU, 64 at most: ROUTER_THREADS is unset), and haproxy 2.6.12-1+deb12u1 builds its Lua view of all 100000 routes' backends once per thread at every start and reload: about 28 s more CPU per load than with ROUTER_THREADS=4 (the OpenShift ingress operator's default), by the figures of the test host in BENCHMARKS.md; set ROUTER_THREADS to the threads the traffic needs",
  );
});

describe('warnAboutThreadCount', () => {
  const many = { configured: undefined, cpus: 32, routes: 100_000 };
  const run = async (facts: typeof many | { configured: number; cpus: number; routes: number }, lua: boolean) => {
    const warnings: string[] = [];
    let asked = 0;
    await warnAboutThreadCount(
      facts,
      '2.6.12',
      async () => {
        asked++;
        return lua;
      },
      (m) => warnings.push(m),
    );
    return { warnings, asked };
  };

  test('warns when the count costs and haproxy has Lua', async () => {
    const { warnings, asked } = await run(many, true);
    expect(asked).toBe(1);
    expect(warnings).toEqual([threadCountWarning({ threads: 32, extraSeconds: 28 }, 100_000, '2.6.12')]);
  });

  test('says nothing for a haproxy without Lua', async () => {
    expect(await run(many, false)).toEqual({ warnings: [], asked: 1 });
  });

  test('does not ask haproxy when the count costs nothing worth a warning', async () => {
    expect(await run({ ...many, configured: 32 }, true)).toEqual({ warnings: [], asked: 0 });
    expect(await run({ ...many, cpus: 2 }, true)).toEqual({ warnings: [], asked: 0 });
  });
});

test.each([
  [4, 64, '4 threads (ROUTER_THREADS)'],
  [1, 64, '1 thread (ROUTER_THREADS)'],
  [undefined, 2, '2 threads (one per CPU; ROUTER_THREADS unset)'],
  [undefined, 1, '1 thread (one per CPU; ROUTER_THREADS unset)'],
  [undefined, 96, '64 threads (one per CPU, 64 at most; ROUTER_THREADS unset)'],
])('threadCountText(%p, %p) is %p', (configured, cpus, text) => {
  expect(threadCountText(configured, cpus)).toBe(text);
});
