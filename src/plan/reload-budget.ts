import type { ReloadReason } from './reload-reasons.ts';

/**
 * How many reloads one namespace may cause: a bucket of `burst` reloads,
 * refilled by one every `refillMs`. Every reload leaves old workers serving
 * their connections until hard-stop-after, each holding a whole
 * configuration in memory: without a budget, one tenant who keeps forcing
 * reloads (toggling alternate backends, outgrowing the spares) would pile
 * them up until the host runs out of memory, for everyone.
 */
export interface ReloadBudget {
  burst: number;
  refillMs: number;
}

/** What is left of each namespace's budget, as of `at`. */
export type BudgetState = ReadonlyMap<string, { tokens: number; at: number }>;

export const DEFAULT_RELOAD_BUDGET: ReloadBudget = { burst: 5, refillMs: 120_000 };

const namespaceOf = (routeKey: string) => routeKey.slice(0, routeKey.indexOf('/'));

function tokens(state: BudgetState, namespace: string, now: number, budget: ReloadBudget): number {
  const held = state.get(namespace);
  if (!held) return budget.burst;
  return Math.min(budget.burst, held.tokens + (now - held.at) / budget.refillMs);
}

/** The namespaces whose routes are the reasons; undefined when a reason concerns no route (settings, a load...): such a reload is nobody's to budget. */
function causedBy(reasons: readonly ReloadReason[]): Set<string> | undefined {
  const namespaces = new Set<string>();
  for (const r of reasons) {
    if (r.route === undefined) return undefined;
    namespaces.add(namespaceOf(r.route));
  }
  return namespaces;
}

/**
 * How long a reload with these reasons must wait because every namespace
 * that caused it has spent its budget; undefined when it may go now. A
 * reload that any namespace with budget left (or no route at all) needs
 * goes now, and takes the others' changes along.
 */
export function budgetWait(state: BudgetState, reasons: readonly ReloadReason[], now: number, budget: ReloadBudget): number | undefined {
  const namespaces = causedBy(reasons);
  if (namespaces === undefined || namespaces.size === 0) return undefined;
  let wait = Number.POSITIVE_INFINITY;
  for (const ns of namespaces) {
    const own = waitFor(state, ns, now, budget);
    if (own === undefined) return undefined;
    wait = Math.min(wait, own);
  }
  return wait;
}

/** How long a reload that only `routeKey`'s namespace needs would wait for its budget; undefined when it may go now. */
export function namespaceWait(state: BudgetState, routeKey: string, now: number, budget: ReloadBudget): number | undefined {
  return waitFor(state, namespaceOf(routeKey), now, budget);
}

function waitFor(state: BudgetState, namespace: string, now: number, budget: ReloadBudget): number | undefined {
  const left = tokens(state, namespace, now, budget);
  return left >= 1 ? undefined : Math.ceil((1 - left) * budget.refillMs);
}

/** Each namespace that caused a reload pays one reload of its budget. */
export function chargeReload(state: BudgetState, reasons: readonly ReloadReason[], now: number, budget: ReloadBudget): BudgetState {
  const namespaces = causedBy(reasons);
  if (namespaces === undefined || namespaces.size === 0) return state;
  const next = new Map(state);
  for (const ns of namespaces) next.set(ns, { tokens: Math.max(0, tokens(state, ns, now, budget) - 1), at: now });
  // Full buckets need no record: forgetting them keeps the state as small as the set of recent reloaders.
  for (const ns of [...next.keys()]) if (!namespaces.has(ns) && tokens(next, ns, now, budget) >= budget.burst) next.delete(ns);
  return next;
}
