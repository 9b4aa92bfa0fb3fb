import { describe, expect, test } from 'bun:test';
import { route } from '../../test/support/fixtures.ts';
import { backend, server } from '../../test/support/models.ts';
import { budgetedChecks, checkRoom, routesOverRoom } from './descriptor-budget.ts';

const pods = (...octets: number[]) => octets.map((o) => server(`p${o}`, { ip: `10.0.0.${o}` }));
/** Routes r1 (oldest) to r4 and their backends, each on the given pods. */
function routesOn(...podsPerRoute: number[][]) {
  const routes = podsPerRoute.map((_, i) => route({ name: `r${i + 1}`, creationTimestamp: `2026-01-0${i + 1}T00:00:00Z` }));
  const backends = podsPerRoute.map((octets, i) => ({ ...backend(`be_http:default:r${i + 1}`, pods(...octets)), routeKey: `default/r${i + 1}` }));
  return { routes, backends };
}
const settings = { checkIntervalMs: 5000 };

describe('checkRoom', () => {
  test.each([
    [undefined, undefined],
    [Number.POSITIVE_INFINITY, undefined],
    [20000, 18800],
    [1100, -100],
  ])('open-file limit %p leaves %p checks', (limit, room) => expect(checkRoom(limit)).toBe(room));
});

describe('budgetedChecks', () => {
  test.each([
    [0, undefined, 1024],
    [1500, undefined, 2048],
    [1500, 1800, 1800],
    [1900, 1800, 1900],
  ])('%p checks with room %p: %p descriptors', (checks, room, want) => expect(budgetedChecks(checks, room)).toBe(want));
});

describe('routesOverRoom', () => {
  // Every load has 8 free plain and 8 free TLS slots at least: 16 checks before any endpoint.
  test('routes are taken oldest first; the first that does not fit is refused, younger ones needing no new check still fit', () => {
    const { routes, backends } = routesOn([1, 2], [3, 4], [1, 2], [5]);
    expect(routesOverRoom(routes, backends, 16 + 2, settings)).toEqual(new Set(['default/r2', 'default/r4']));
    expect(routesOverRoom(routes, backends, 16 + 4, settings)).toEqual(new Set(['default/r4']));
    expect(routesOverRoom(routes, backends, 16 + 5, settings)).toEqual(new Set());
  });

  test('a younger route that fits after a refused one is kept', () => {
    const { routes, backends } = routesOn([1], [2, 3, 4], [5]);
    expect(routesOverRoom(routes, backends, 16 + 2, settings)).toEqual(new Set(['default/r2']));
  });

  test('more endpoints mean more free slots, and those count too', () => {
    const many = Array.from({ length: 65 }, (_, i) => i + 1);
    const { routes, backends } = routesOn(many);
    expect(routesOverRoom(routes, backends, 16 + 65, settings)).toEqual(new Set(['default/r1']));
    expect(routesOverRoom(routes, backends, 16 + 65 + 1, settings)).toEqual(new Set());
  });
});
