import { describe, expect, test } from 'bun:test';
import { budgetWait, chargeReload, type BudgetState, type ReloadBudget } from './reload-budget.ts';
import type { ReloadReason } from './reload-reasons.ts';

const budget: ReloadBudget = { burst: 2, refillMs: 60_000 };
const by = (...routes: string[]): ReloadReason[] => routes.map((route) => ({ code: 'backend-added', backend: `be_http:${route}`, route }));
const charged = (reasons: ReloadReason[], times: number, at = 0): BudgetState => {
  let state: BudgetState = new Map();
  for (let i = 0; i < times; i++) state = chargeReload(state, reasons, at, budget);
  return state;
};

describe('the reload budget of a namespace', () => {
  test('a burst of reloads goes; the next waits until one is refilled', () => {
    expect(budgetWait(charged(by('busy/a'), 1), by('busy/b'), 0, budget)).toBeUndefined();
    expect(budgetWait(charged(by('busy/a'), 2), by('busy/b'), 0, budget)).toBe(60_000);
    expect(budgetWait(charged(by('busy/a'), 2), by('busy/b'), 45_000, budget)).toBe(15_000);
    expect(budgetWait(charged(by('busy/a'), 2), by('busy/b'), 60_000, budget)).toBeUndefined();
  });

  test('a reload another namespace with budget left needs goes, whatever the spent one wants', () => {
    expect(budgetWait(charged(by('busy/a'), 2), by('busy/b', 'quiet/c'), 0, budget)).toBeUndefined();
  });

  test('a reload for a reason no route owns (settings, a load, the worker) is never held back', () => {
    const unowned: ReloadReason[] = [{ code: 'settings-changed', backend: undefined }, ...by('busy/a')];
    expect(budgetWait(charged(by('busy/a'), 2), unowned, 0, budget)).toBeUndefined();
    expect(chargeReload(new Map(), unowned, 0, budget).size).toBe(0);
  });

  test('every namespace that caused a reload pays for it; full buckets are forgotten', () => {
    const state = chargeReload(charged(by('busy/a'), 1, 0), by('quiet/c'), 200_000, budget);
    expect([...state.keys()]).toEqual(['quiet']);
  });
});
