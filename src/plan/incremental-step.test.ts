import { describe, expect, test } from 'bun:test';
import type { DesiredChange, MapWinner } from './desired-index.ts';
import type { BackendModel } from '../config/model.ts';
import { heldAfter, heldWith, joinsHeldReload, waitsForHeldReload, type HeldReload } from './incremental-step.ts';
import type { BudgetState } from './reload-budget.ts';

const change = (parts: { routes?: string[]; mapIds?: string[]; snis?: string[] }): DesiredChange => ({
  routes: new Map((parts.routes ?? []).map((key) => [key, { before: undefined, after: undefined }])),
  mapIds: new Set(parts.mapIds ?? []),
  snis: new Set(parts.snis ?? []),
});

/** A reload held back for `ns-a/held`, a new route, and `ns-a/reshaped`, a route whose backend changes shape: their map keys and SNI wait with them. */
const held: HeldReload = heldWith(undefined, change({ routes: ['ns-a/held', 'ns-a/reshaped'], mapIds: ['os_http_be.map\u0000held.example.com'], snis: ['held.example.com'] }), 1_000, undefined);

const wish = (routeKey: string, key: string): MapWinner => ({ routeKey, wish: { file: 'os_http_be.map', key, value: `be_http:${routeKey.replace('/', ':')}`, explicit: true } });
/** Map keys won by the held routes as well as those they changed. */
const desired = {
  mapWinner: (id: string): MapWinner | undefined =>
    id === 'os_http_be.map\u0000shared.example.com' ? wish('ns-a/held', 'shared.example.com') : id === 'os_http_be.map\u0000reshaped.example.com' ? wish('ns-a/reshaped', 'reshaped.example.com') : undefined,
};
/** The worker runs `ns-a/reshaped` (on its old backend), not `ns-a/held`. */
const running = { routeBackend: (key: string) => (key === 'ns-a/reshaped' ? ({ name: 'be_http:ns-a:reshaped' } as BackendModel) : undefined) };

describe('a change while a reload is held back', () => {
  test.each<[string, DesiredChange, number, string | undefined]>([
    ['an endpoint change of another route is planned from itself', change({ routes: ['ns-b/other'] }), 500, undefined],
    ['another route with a map key of its own', change({ routes: ['ns-b/new'], mapIds: ['os_http_be.map\u0000new.example.com'] }), 500, undefined],
    ['a commit with no change of its own before the reload is due', change({}), 999, undefined],
    ['anything once the reload is due', change({ routes: ['ns-b/other'] }), 1_000, 'the held-back reload is due'],
    ['the held route\'s backend again (its endpoints): the planner fits it from what runs', change({ routes: ['ns-a/held'] }), 500, undefined],
    ['a map key the held route changed: the planner leaves it as it runs', change({ routes: ['ns-b/rival'], mapIds: ['os_http_be.map\u0000held.example.com'] }), 500, undefined],
    ['a map key the held route the worker does not run now wins: the same', change({ routes: ['ns-b/gone'], mapIds: ['os_http_be.map\u0000shared.example.com'] }), 500, undefined],
    ['a map key a held route the worker runs wins', change({ routes: ['ns-b/gone'], mapIds: ['os_http_be.map\u0000reshaped.example.com'] }), 500, 'a map key a held-back route that runs wins changed'],
    ['another SNI\'s crt-list line while held SNIs wait: planned from itself', change({ routes: ['ns-b/edge'], snis: ['edge.example.com'] }), 500, undefined],
    ['a held SNI\'s crt-list line: the planner keeps or sends it', change({ routes: ['ns-b/edge'], snis: ['edge.example.com', 'held.example.com'] }), 500, undefined],
  ])('%s', (_name, c, now, why) => {
    expect(waitsForHeldReload(held, c, desired, running, now)).toBe(why);
  });

  test('a reload held back again carries what it carried and the new change, due at the new time', () => {
    const again = heldWith(held, change({ routes: ['ns-c/more'], mapIds: ['os_http_be.map\u0000more.example.com'] }), 2_000, 1_500);
    expect(again).toEqual({
      dueAt: 2_000,
      budgetAt: 1_500,
      routes: new Set(['ns-a/held', 'ns-a/reshaped', 'ns-c/more']),
      mapIds: new Set(['os_http_be.map\u0000held.example.com', 'os_http_be.map\u0000more.example.com']),
      snis: new Set(['held.example.com']),
    });
  });

  test('a change planned from itself adds what now waits and takes out what went live', () => {
    const after = heldAfter(held, {
      routes: new Set(['ns-c/new']),
      mapIds: new Set(['os_http_be.map\u0000new.example.com']),
      snis: new Set(['new.example.com']),
      releasedMapIds: new Set(['os_http_be.map\u0000held.example.com']),
      releasedSnis: new Set(['held.example.com']),
    });
    expect(after).toEqual({
      dueAt: 1_000,
      budgetAt: undefined,
      routes: new Set(['ns-a/held', 'ns-a/reshaped', 'ns-c/new']),
      mapIds: new Set(['os_http_be.map\u0000new.example.com']),
      snis: new Set(['new.example.com']),
    });
  });
});

describe('a new route with no spare joins a held-back reload only if it would not come sooner for it', () => {
  const budget = { burst: 2, refillMs: 60_000 };
  // ns-a spent its budget at 0 (one reload back at 60 s), ns-b has half a reload left (one back at 30 s), ns-c all of it.
  const state: { reloadBudget: BudgetState } = {
    reloadBudget: new Map([
      ['ns-a', { tokens: 0, at: 0 }],
      ['ns-b', { tokens: 0.5, at: 0 }],
    ]),
  };
  // Held back at 0 for ns-a's budget: due when it has a reload back.
  const overBudget: HeldReload = { ...held, dueAt: 60_000, budgetAt: 60_000 };
  test.each<[string, HeldReload, string, number, boolean]>([
    ['a reload that waits for --interval takes anyone along', { ...held, dueAt: 5_000 }, 'ns-c/new', 0, true],
    ['one that waits for budgets: a namespace with budget left needs the full step (it reloads sooner)', overBudget, 'ns-c/new', 0, false],
    ['a namespace whose budget comes back sooner: the same', overBudget, 'ns-b/new', 0, false],
    ['a namespace that waits as long (the one over budget itself)', overBudget, 'ns-a/more', 0, true],
    ['the same later, its wait a whole number of ms from another instant', overBudget, 'ns-a/more', 1_234.5, true],
    ['the same once its budget came back', overBudget, 'ns-a/more', 60_000, false],
  ])('%s', (_name, h, key, now, joins) => {
    expect(joinsHeldReload(h, state, key, now, budget)).toBe(joins);
  });
});
