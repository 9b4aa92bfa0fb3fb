import { describe, expect, test } from 'bun:test';
import type { DesiredChange } from './desired-index.ts';
import { heldAfter, heldWith, joinsHeldReload, waitsForHeldReload, type HeldReload } from './incremental-step.ts';
import type { BudgetState } from './reload-budget.ts';

const change = (parts: { routes?: string[]; mapIds?: string[]; snis?: string[] }): DesiredChange => ({
  routes: new Map((parts.routes ?? []).map((key) => [key, { before: undefined, after: undefined }])),
  mapIds: new Set(parts.mapIds ?? []),
  snis: new Set(parts.snis ?? []),
});

/** A reload held back for `ns-a/held`, a new route, and `ns-a/reshaped`, a route whose backend changes shape: their map key and SNI wait with them. */
const held: HeldReload = heldWith(undefined, change({ routes: ['ns-a/held', 'ns-a/reshaped'], mapIds: ['os_http_be.map\u0000held.example.com'], snis: ['held.example.com'] }), 1_000, undefined);

describe('a change while a reload is held back', () => {
  // What of it waits is the planner's to keep as it runs (incremental-plan.test.ts); the full step takes over only when the reload is due.
  test.each<[string, number, string | undefined]>([
    ['before the reload is due: planned from itself', 999, undefined],
    ['once it is due: the full step', 1_000, 'the held-back reload is due'],
  ])('%s', (_name, now, why) => {
    expect(waitsForHeldReload(held, now)).toBe(why);
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

test('a change that moves nothing of what waits leaves the held sets as they are, not copied', () => {
  const none = { routes: new Set(['ns-a/held']), mapIds: new Set(['os_http_be.map\u0000held.example.com']), snis: new Set<string>(), releasedMapIds: new Set(['os_http_be.map\u0000gone.example.com']), releasedSnis: new Set(['gone.example.com']) };
  const after = heldAfter(held, none);
  expect([after.routes === held.routes, after.mapIds === held.mapIds, after.snis === held.snis]).toEqual([true, true, true]);
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
