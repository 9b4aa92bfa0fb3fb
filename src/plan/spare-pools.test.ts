import { describe, expect, test } from 'bun:test';
import { settings } from '../../test/support/fixtures.ts';
import { buildConfigModel } from '../config/build-model.ts';
import type { ConfigModel } from '../config/model.ts';
import { isSpare, sparePool } from '../config/spares.ts';
import { MAX_SPARES_PER_POOL, nextSparePools, withSparePools } from './spare-pools.ts';

const model = (spares: number): ConfigModel => buildConfigModel({ routes: [], slices: [], settings: settings({ sparesPerShape: spares }), allowAddress: () => true, defaultCertificate: '' });

/** `running` with the first `n` spares of the plain HTTP pool taken by routes. */
function taking(running: ConfigModel, n: number): ConfigModel {
  let left = n;
  return {
    ...running,
    backends: running.backends.map((b) => (left > 0 && sparePool(b.name) === 'be_http:_spare' && isSpare(b) && left-- > 0 ? { ...b, routeKey: `ns/r${left}` } : b)),
  };
}

const poolSize = (m: ConfigModel, pool: string) => m.backends.filter((b) => sparePool(b.name) === pool).length;

describe('nextSparePools', () => {
  test.each([
    [0, new Map()],
    [3, new Map()],
    [7, new Map([['be_http:_spare', 14]])],
    [10, new Map([['be_http:_spare', 20]])],
  ])('%i of 10 spares taken: %p', (taken, pools) => {
    expect(nextSparePools(taking(model(10), taken), 10)).toEqual(pools);
  });

  test('never more than the cap, and no pools at all when spares are off (runtime updates off)', () => {
    const big = taking(model(400), 400);
    expect(nextSparePools(big, 400).get('be_http:_spare')).toBe(MAX_SPARES_PER_POOL);
    expect(nextSparePools(taking(model(10), 10), 0)).toEqual(new Map());
    expect(nextSparePools(undefined, 10)).toEqual(new Map());
  });

  test('a stream of routes of one shape doubles its pool at each load up to the cap: 3,000 adds from 10 spares cost 11 loads', () => {
    let loads = 0;
    let pool = 10;
    for (let added = 0; added < 3000; ) {
      const running = taking(model(10), 0);
      const sized = withSparePools(running, new Map([['be_http:_spare', pool]]));
      added += pool;
      loads++;
      pool = nextSparePools(taking(sized, pool), 10).get('be_http:_spare') ?? 10;
    }
    expect(loads).toBe(11);
  });
});

describe('withSparePools', () => {
  test('renders each pool at its size, the others at the operator size, backends in name order', () => {
    const sized = withSparePools(model(2), new Map([['be_http:_spare', 5]]));
    expect(poolSize(sized, 'be_http:_spare')).toBe(5);
    expect(poolSize(sized, 'be_edge_http:_spare')).toBe(2);
    expect(sized.backends.map((b) => b.name)).toEqual([...sized.backends.map((b) => b.name)].sort());
    const plain = model(2);
    expect(withSparePools(plain, new Map())).toBe(plain);
  });
});
