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

/** Spellings of creationTimestamp a manifest can hold: the API server's, other valid ones, ones that roll over or do not parse. */
const STAMPS = [
  '2026-01-01T00:00:00Z',
  '2026-01-01T00:00:01Z',
  '2025-12-31T23:59:59Z',
  '2026-01-01T00:00:00.5Z',
  '2026-01-01T01:00:00+02:00',
  '2025-12-31T23:00:00-02:00',
  '2026-02-31T00:00:00Z',
  '2026-03-01T00:00:00Z',
  '2026-03-02T00:00:00.5Z',
  '2026-01-01T24:00:00Z',
  '2026-01-02T00:00:00Z',
  '2026-01-01T00:00:0xZ',
  '2026-01-01T00:00:/0Z',
  '2025x',
  'yesterday',
  '',
];

describe('timestamps', () => {
  test('instants oldest first, the same instant by text; then what does not parse, by text; then none', () => {
    const group = (t: string) => (t === '' ? 2 : Number.isNaN(Date.parse(t)) ? 1 : 0);
    for (const a of STAMPS) {
      for (const b of STAMPS) {
        const sign = Math.sign(compareRouteAge(aged('a', a), aged('b', b)));
        const ms = Date.parse(a) - Date.parse(b);
        const text = Math.sign(a < b ? -1 : 1);
        const want = a === b ? -1 : group(a) !== group(b) ? Math.sign(group(a) - group(b)) : group(a) === 0 ? Math.sign(ms) || text : text;
        expect([a, b, sign]).toEqual([a, b, want]);
      }
    }
  });

  test("sortOldestFirst agrees with compareRouteAge with any spelling among them, and with only the API server's", () => {
    const mixed = STAMPS.map((t, i) => aged(`r${i}`, t, `u${i % 3}`));
    expect(sortOldestFirst(mixed)).toEqual([...mixed].sort(compareRouteAge));
    const canonical = ['2026-01-02T00:00:00Z', '', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2025-06-30T23:59:59Z'].map((t, i) => aged(`c${i}`, t, `u${i % 2}`));
    expect(sortOldestFirst(canonical).map((r) => r.name)).toEqual(['c4', 'c2', 'c3', 'c0', 'c1']);
  });

  // The indexes patch the admitted routes' order by binary search (patchSorted): an order with a cycle in it would
  // leave a route they took out where it was.
  test('are ordered without a cycle, whatever the spelling', () => {
    const routes = STAMPS.map((t, i) => aged(`r${i}`, t, 'same-uid'));
    for (const a of routes) {
      for (const b of routes) {
        for (const c of routes) {
          if (compareRouteAge(a, b) < 0 && compareRouteAge(b, c) < 0) expect([a.creationTimestamp, b.creationTimestamp, c.creationTimestamp, compareRouteAge(a, c) < 0]).toEqual([a.creationTimestamp, b.creationTimestamp, c.creationTimestamp, true]);
        }
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
