import { describe, expect, test } from 'bun:test';
import type { DesiredChange, MapWinner } from './desired-index.ts';
import { heldWith, waitsForHeldReload, type HeldReload } from './incremental-step.ts';

const change = (parts: { routes?: string[]; mapIds?: string[]; snis?: string[] }): DesiredChange => ({
  routes: new Map((parts.routes ?? []).map((key) => [key, { before: undefined, after: undefined }])),
  mapIds: new Set(parts.mapIds ?? []),
  snis: new Set(parts.snis ?? []),
});

/** A reload held back for `ns-a/held`, a new route: its map key and SNI wait with it. */
const held: HeldReload = heldWith(undefined, change({ routes: ['ns-a/held'], mapIds: ['os_http_be.map\u0000held.example.com'], snis: ['held.example.com'] }), 1_000);

/** Map keys won by the held route as well as those it changed. */
const desired = {
  mapWinner: (id: string): MapWinner | undefined =>
    id === 'os_http_be.map\u0000shared.example.com' ? { routeKey: 'ns-a/held', wish: { file: 'os_http_be.map', key: 'shared.example.com', value: 'be_http:ns-a:held', explicit: true } } : undefined,
};

describe('a change while a reload is held back', () => {
  test.each<[string, DesiredChange, number, string | undefined]>([
    ['an endpoint change of another route is planned from itself', change({ routes: ['ns-b/other'] }), 500, undefined],
    ['another route with a map key of its own', change({ routes: ['ns-b/new'], mapIds: ['os_http_be.map\u0000new.example.com'] }), 500, undefined],
    ['a commit with no change of its own before the reload is due', change({}), 999, undefined],
    ['anything once the reload is due', change({ routes: ['ns-b/other'] }), 1_000, 'the held-back reload is due'],
    ['the held route\'s backend again (its endpoints): the planner fits it from what runs', change({ routes: ['ns-a/held'] }), 500, undefined],
    ['a map key the held route changed', change({ routes: ['ns-b/rival'], mapIds: ['os_http_be.map\u0000held.example.com'] }), 500, 'a map key a held-back reload carries changed'],
    ['a map key the held route now wins', change({ routes: ['ns-b/gone'], mapIds: ['os_http_be.map\u0000shared.example.com'] }), 500, 'a map key a held-back reload carries changed'],
    ['another SNI\'s crt-list line while held SNIs wait: planned from itself', change({ routes: ['ns-b/edge'], snis: ['edge.example.com'] }), 500, undefined],
    ['a held SNI\'s crt-list line', change({ routes: ['ns-b/edge'], snis: ['edge.example.com', 'held.example.com'] }), 500, 'a crt-list line a held-back reload carries changed'],
  ])('%s', (_name, c, now, why) => {
    expect(waitsForHeldReload(held, c, desired, now)).toBe(why);
  });

  test('crt-list lines change freely when no held change touched an SNI', () => {
    const plain = heldWith(undefined, change({ routes: ['ns-a/held'], mapIds: ['os_http_be.map\u0000held.example.com'] }), 1_000);
    expect(waitsForHeldReload(plain, change({ routes: ['ns-b/edge'], snis: ['edge.example.com'] }), desired, 500)).toBeUndefined();
  });

  test('a reload held back again carries what it carried and the new change, due at the new time', () => {
    const again = heldWith(held, change({ routes: ['ns-c/more'], mapIds: ['os_http_be.map\u0000more.example.com'] }), 2_000);
    expect(again).toEqual({
      dueAt: 2_000,
      routes: new Set(['ns-a/held', 'ns-c/more']),
      mapIds: new Set(['os_http_be.map\u0000held.example.com', 'os_http_be.map\u0000more.example.com']),
      snis: new Set(['held.example.com']),
    });
  });
});
