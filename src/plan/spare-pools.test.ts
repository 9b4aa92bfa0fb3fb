import { describe, expect, test } from 'bun:test';
import { route, routeTls, settings } from '../../test/support/fixtures.ts';
import { buildConfigModel } from '../config/build-model.ts';
import type { BackendModel, ConfigModel } from '../config/model.ts';
import { MAX_SPARES_PER_POOL, routesPerPool, sparePoolSizes } from '../config/spare-pool-sizes.ts';
import { isSpare, sparePool, sparePoolOf } from '../config/spares.ts';
import type { AdmittedRoute } from '../domain/route-options.ts';
import { NO_OPTIONS } from '../domain/route-options.ts';
import { fitToRunning } from './fit-to-running.ts';
import { nextSparePools, withSparePools } from './spare-pools.ts';

const build = (routes: AdmittedRoute[], spares: number, more: Parameters<typeof settings>[0] = {}): ConfigModel =>
  buildConfigModel({ routes, slices: [], settings: settings({ sparesPerShape: spares, ...more }), allowAddress: () => true, defaultCertificate: '' });
const model = (spares: number): ConfigModel => build([], spares);

/** `running` with the first `n` spares of the plain HTTP pool taken by routes. */
function taking(running: ConfigModel, n: number): ConfigModel {
  let left = n;
  return {
    ...running,
    backends: running.backends.map((b) => (left > 0 && sparePool(b.name) === 'be_http:_spare' && isSpare(b) && left-- > 0 ? { ...b, routeKey: `ns/r${left}` } : b)),
  };
}

const poolSize = (m: ConfigModel, pool: string) => m.backends.filter((b) => sparePool(b.name) === pool).length;
const httpRoutes = (n: number) => Array.from({ length: n }, (_, i) => route({ name: `r${i}` }));
const oneHttp = build(httpRoutes(1), 10).backends.find((b) => !isSpare(b)) as BackendModel;
/** The plain HTTP pool a load of `n` such routes renders. */
const sizedFor = (n: number) => sparePoolSizes(routesPerPool(Array<BackendModel>(n).fill(oneHttp), model(10).settings), model(10).settings).get('be_http:_spare') ?? 10;

describe('nextSparePools', () => {
  test.each([
    [0, new Map()],
    [3, new Map()],
    [7, new Map([['be_http:_spare', 14]])],
    [10, new Map([['be_http:_spare', 20]])],
  ])('%i of 10 spares taken: %p', (taken, pools) => {
    expect(nextSparePools(taking(model(10), taken), model(10))).toEqual(pools);
  });

  test('a pool its routes already size larger than twice what was taken stays as they size it', () => {
    const desired = build(httpRoutes(1000), 10);
    expect(poolSize(desired, 'be_http:_spare')).toBe(128);
    expect(nextSparePools(taking(model(10), 10), desired)).toEqual(new Map());
    expect(nextSparePools(taking(desired, 64), desired)).toEqual(new Map());
    expect(nextSparePools(taking(desired, 100), desired)).toEqual(new Map([['be_http:_spare', 200]]));
  });

  test('never more than the cap, and no pools at all when spares are off (runtime updates off)', () => {
    const big = taking(model(400), 400);
    expect(nextSparePools(big, model(400)).get('be_http:_spare')).toBe(MAX_SPARES_PER_POOL);
    expect(nextSparePools(taking(model(10), 10), model(0))).toEqual(new Map());
    expect(nextSparePools(undefined, model(10))).toEqual(new Map());
  });

  test.each([
    [0, 11],
    [1000, 8],
    [10_000, 7],
  ])('3,000 adds of one shape in a stream after a start with %i routes of it cost %i loads (the cap of 512 per load sets the pace)', (routes, loads) => {
    let pool = poolSize(build(httpRoutes(routes), 10), 'be_http:_spare');
    let count = 0;
    for (let added = 0; added < 3000; ) {
      const running = withSparePools(model(10), new Map([['be_http:_spare', pool]]));
      added += pool;
      count++;
      const desired = withSparePools(model(10), new Map([['be_http:_spare', sizedFor(routes + added)]]));
      pool = nextSparePools(taking(running, pool), desired).get('be_http:_spare') ?? poolSize(desired, 'be_http:_spare');
    }
    expect(count).toBe(loads);
  });
});

describe('sparePoolOf', () => {
  const policy = (p: string) => ({ insecureEdgeTerminationPolicy: p });
  const options = (o: Partial<typeof NO_OPTIONS>) => ({ options: { ...NO_OPTIONS, ...o } });
  test.each([
    ['plain HTTP', route({ name: 'a' })],
    ['edge', route({ name: 'a', tls: routeTls('edge') })],
    ['edge, Redirect', route({ name: 'a', tls: routeTls('edge', policy('Redirect')) })],
    ['edge, Allow', route({ name: 'a', tls: routeTls('edge', policy('Allow')) })],
    ['reencrypt', route({ name: 'a', tls: routeTls('reencrypt') })],
    ['reencrypt, Allow', route({ name: 'a', tls: routeTls('reencrypt', policy('Allow')) })],
    ['passthrough', route({ name: 'a', tls: routeTls('passthrough') })],
    ['alternate backends', route({ name: 'a', alternateBackends: [{ kind: 'Service', name: 'b', weight: 1 }] })],
    ['no cookies', { ...route({ name: 'a' }), ...options({ cookiesDisabled: true }) }],
    ['a cookie name of its own', { ...route({ name: 'a' }), ...options({ cookieName: 'c' }) }],
    ['SameSite Lax', { ...route({ name: 'a', tls: routeTls('edge') }), ...options({ cookieSameSite: 'Lax' }) }],
    ['balance leastconn', { ...route({ name: 'a' }), ...options({ balance: 'leastconn' }) }],
  ] as const)('%s: the pool of the spare a new route of it takes, if any', (_, r) => {
    const running = model(1);
    const next = build([r], 1);
    const own = next.backends.find((b) => !isSpare(b));
    const fitted = fitToRunning(running, next).backends.find((b) => !isSpare(b));
    const took = fitted?.name === own?.name ? undefined : sparePool(fitted?.name ?? '');
    expect(own && sparePoolOf(next.settings)(own)).toBe(took);
  });
});

describe('withSparePools', () => {
  test('renders each pool given at its size, the others as they were, backends in name order', () => {
    const sized = withSparePools(build(httpRoutes(100), 2), new Map([['be_edge_http:_spare', 5]]));
    expect(poolSize(sized, 'be_edge_http:_spare')).toBe(5);
    expect(poolSize(sized, 'be_http:_spare')).toBe(25);
    expect(poolSize(sized, 'be_tcp:_spare')).toBe(2);
    expect(sized.backends.map((b) => b.name)).toEqual([...sized.backends.map((b) => b.name)].sort());
    const plain = model(2);
    expect(withSparePools(plain, new Map())).toBe(plain);
  });
});
