import { describe, expect, test } from 'bun:test';
import { route } from '../../test/support/fixtures.ts';
import type { Route } from '../domain/route.ts';
import { compareRouteAge, sortOldestFirst } from './route-age.ts';

function aged(name: string, creationTimestamp: string, uid = `uid-${name}`, namespace = 'default'): Route {
  return route({ name, namespace, creationTimestamp, uid });
}

describe('compareRouteAge', () => {
  const cases: [string, Route, Route][] = [
    ['earlier timestamp', aged('b', '2026-01-01T00:00:00Z'), aged('a', '2026-01-02T00:00:00Z')],
    ['instants, not text', aged('b', '2026-01-01T01:00:00+02:00'), aged('a', '2026-01-01T00:00:00Z')],
    ['same instant written differently: text order', aged('a', '2026-01-01T00:00:00.000Z'), aged('b', '2026-01-01T00:00:00Z')],
    ['equal timestamps: smaller uid', aged('b', '2026-01-01T00:00:00Z', '1'), aged('a', '2026-01-01T00:00:00Z', '2')],
    ['missing timestamp is younger', aged('b', '2026-09-01T00:00:00Z'), aged('a', '')],
    ['identical metadata: namespace/name', aged('x', '', 'u', 'a'), aged('x', '', 'u', 'b')],
  ];
  for (const [name, older, younger] of cases) {
    test(name, () => {
      expect(compareRouteAge(older, younger)).toBeLessThan(0);
      expect(compareRouteAge(younger, older)).toBeGreaterThan(0);
    });
  }

  test('a route is as old as itself', () => {
    const r = aged('a', '2026-01-01T00:00:00Z');
    expect(compareRouteAge(r, r)).toBe(0);
  });
});

describe('sortOldestFirst', () => {
  test('sorts any iterable and agrees with compareRouteAge', () => {
    const routes = [aged('c', ''), aged('b', '2026-01-02T00:00:00Z'), aged('a2', '2026-01-01T00:00:00Z', '2'), aged('a1', '2026-01-01T00:00:00Z', '1')];
    const sorted = sortOldestFirst(new Set(routes));
    expect(sorted.map((r) => r.name)).toEqual(['a1', 'a2', 'b', 'c']);
    expect(sorted).toEqual([...routes].sort(compareRouteAge));
  });
});

describe('canonical timestamps compared as text', () => {
  test('agree with their instants, and any other spelling is parsed', () => {
    const stamps = ['2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', '2025-12-31T23:59:59Z', '2026-01-01T00:00:00.5Z', '2026-01-01T01:00:00+02:00', '2026-01-01T00:00:0xZ', 'yesterday'];
    for (const a of stamps) {
      for (const b of stamps) {
        const sign = Math.sign(compareRouteAge(aged('a', a), aged('b', b)));
        const ms = Date.parse(a) - Date.parse(b);
        const want = a === b ? -1 : Number.isNaN(ms) || ms === 0 ? Math.sign(a < b ? -1 : 1) : Math.sign(ms);
        expect([a, b, sign]).toEqual([a, b, want]);
      }
    }
  });
});

describe('identical metadata', () => {
  test('orders by namespace/name text, a namespace that begins another included', () => {
    const names = [
      ['team', 'b'],
      ['team-a', 'a'],
      ['team', 'a'],
      ['tea', 'z'],
      ['team.x', 'c'],
      ['u', 'a'],
      ['team-a/x', 'a'],
      ['team', '-'],
      ['te', 'a'],
      ['team+', 'a'],
    ];
    const routes = names.map(([namespace, name]) => aged(name as string, '', '', namespace as string));
    const byKey = [...routes].sort((a, b) => (`${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1));
    expect(sortOldestFirst(routes).map((r) => `${r.namespace}/${r.name}`)).toEqual(byKey.map((r) => `${r.namespace}/${r.name}`));
  });
});
