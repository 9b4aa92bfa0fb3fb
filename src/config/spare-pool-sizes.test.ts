import { describe, expect, test } from 'bun:test';
import { route, routeTls, settings } from '../../test/support/fixtures.ts';
import { buildConfigModel } from './build-model.ts';
import type { BackendModel } from './model.ts';
import type { ConfigSettings } from './settings.ts';
import { MAX_SPARES_PER_POOL, routesPerPool, sparePoolSizes } from './spare-pool-sizes.ts';
import { isSpare, sparePool } from './spares.ts';

const base = (sparesPerShape: number, more: Partial<ConfigSettings> = {}) => settings({ sparesPerShape, ...more });

/** The backend of one plain HTTP route and one edge route that allows plain HTTP. */
function routeBackends(): { http: BackendModel; edgeAllow: BackendModel } {
  const routes = [route({ name: 'h' }), route({ name: 'e', tls: routeTls('edge', { insecureEdgeTerminationPolicy: 'Allow' }) })];
  const m = buildConfigModel({ routes, slices: [], settings: base(0), allowAddress: () => true, defaultCertificate: '' });
  const named = (name: string) => m.backends.find((b) => b.routeKey === `default/${name}`) as BackendModel;
  return { http: named('h'), edgeAllow: named('e') };
}

const times = (n: number, b: BackendModel) => Array.from({ length: n }, () => b);

describe('sparePoolSizes', () => {
  const { http, edgeAllow } = routeBackends();
  test.each([
    ['no routes', [], 10, {}],
    ['a small pool: a spare per 4 routes, no fewer than the operator size', times(40, http), 10, {}],
    ['41 routes: one over the operator size', times(41, http), 10, { 'be_http:_spare': 11 }],
    ['320 routes', times(320, http), 10, { 'be_http:_spare': 80 }],
    ['up to 128 spares while routes are few', times(1000, http), 10, { 'be_http:_spare': 128 }],
    ['then a spare per 32 routes', times(4097, http), 10, { 'be_http:_spare': 129 }],
    ['3,200 routes', times(3200, http), 10, { 'be_http:_spare': 128 }],
    ['6,400 routes', times(6400, http), 10, { 'be_http:_spare': 200 }],
    ['each pool from its own routes', [...times(6400, http), ...times(64, edgeAllow)], 1, { 'be_http:_spare': 200, 'be_edge_http:_spare_allow': 16 }],
    ['at most the cap', times(100_000, http), 10, { 'be_http:_spare': MAX_SPARES_PER_POOL }],
    ['an operator size over the cap stays', times(100_000, http), 600, {}],
    ['spares off (runtime updates off): none', times(3200, http), 0, {}],
  ] as const)('%s', (_, backends, sparesPerShape, expected) => {
    const settings = base(sparesPerShape);
    expect(Object.fromEntries(sparePoolSizes(routesPerPool(backends, settings), settings))).toEqual(expected);
  });

  test('the model of a fresh load renders its pools at those sizes', () => {
    const routes = Array.from({ length: 100 }, (_, i) => route({ name: `r${i}` }));
    const m = buildConfigModel({ routes, slices: [], settings: base(2), allowAddress: () => true, defaultCertificate: '' });
    const sizes = new Map<string, number>();
    for (const b of m.backends) if (isSpare(b)) sizes.set(sparePool(b.name), (sizes.get(sparePool(b.name)) ?? 0) + 1);
    expect(sizes.get('be_http:_spare')).toBe(25);
    expect(sizes.get('be_http:_spare_rr')).toBe(2);
    expect(sizes.get('be_edge_http:_spare')).toBe(2);
  });
});
