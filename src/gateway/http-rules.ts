/**
 * The part of each HTTPRoute rule the routing engine serves: matches on
 * host and path (`Exact`, and `PathPrefix` on segment boundaries with a
 * trailing slash ignored), through the same maps as Routes, and with
 * method, header and query parameter conditions (request-conditions.ts).
 * What it cannot serve (`RegularExpression` matches, conditions it refuses,
 * filters http-filters.ts refuses, timeouts) is never served partly: the
 * match, or the rule, is dropped and named, for the route's status.
 */
import { validatePath } from '../admission/validate-route.ts';
import type { HTTPRoute, HTTPRouteMatch, HTTPRouteRule } from '../domain/gateway.ts';
import { requestConditions, type Conditions } from './request-conditions.ts';
import type { RouteFilters } from '../domain/route-filters.ts';
import { ruleFilters } from './http-filters.ts';

export interface ServedMatch {
  /** The route path: "" for the whole host. */
  path: string;
  exact: boolean;
  /** Method, headers, query parameters; unset when the match has none. */
  conditions?: Conditions;
  /** The match's place among its route's matches (rules first), the spec's last tie-breaker. */
  order: number;
}

export interface ServedRule {
  index: number;
  rule: HTTPRouteRule;
  matches: ServedMatch[];
  filters: RouteFilters | undefined;
}

export interface RulesPlan {
  rules: ServedRule[];
  /** What is not served, one line each (`rule 1: ...`, `rule 0 match 2: ...`). */
  dropped: string[];
}

type MatchVerdict = { ok: true; match: ServedMatch } | { ok: false; problem: string };

function servedMatch(m: HTTPRouteMatch, order: number): MatchVerdict {
  const { type, value } = m.path;
  if (type === 'RegularExpression') return { ok: false, problem: 'RegularExpression path matches are not supported yet' };
  if (type !== 'Exact' && type !== 'PathPrefix') return { ok: false, problem: `path match type ${JSON.stringify(type)} is not one of Exact, PathPrefix` };
  if (!value.startsWith('/') || value.includes('//')) return { ok: false, problem: `path ${JSON.stringify(value)} must begin with "/" and hold no "//"` };
  const verdict = validatePath(value);
  if (!verdict.ok) return { ok: false, problem: verdict.message };
  const conditions = requestConditions(m);
  if (!conditions.ok) return conditions;
  const extra = conditions.value === undefined ? { order } : { conditions: conditions.value, order };
  if (type === 'Exact') return { ok: true, match: { path: value, exact: true, ...extra } };
  // PathPrefix `/foo/` matches `/foo` too; a route path `/foo` matches `/foo` and `/foo/...`.
  const prefix = value.replace(/(.)\/+$/, '$1');
  return { ok: true, match: { path: prefix === '/' ? '' : prefix, exact: false, ...extra } };
}

/** Why a whole rule is not served, or undefined. */
function ruleProblem(rule: HTTPRouteRule): string | undefined {
  if (rule.unsupported.length > 0) return `${rule.unsupported.join(', ')} ${rule.unsupported.length > 1 ? 'are' : 'is'} not supported yet`;
  if (rule.backendRefs.some((b) => b.hasFilters)) return 'filters on backendRefs are not supported yet';
  return undefined;
}

export function planRules(route: Pick<HTTPRoute, 'rules'>): RulesPlan {
  const plan: RulesPlan = { rules: [], dropped: [] };
  let order = 0;
  route.rules.forEach((rule, index) => {
    const problem = ruleProblem(rule);
    const filters = ruleFilters(rule.filters, rule.matches);
    if (problem !== undefined || !filters.ok) {
      plan.dropped.push(`rule ${index}: ${problem ?? (filters.ok ? '' : filters.problem)}`);
      return;
    }
    const matches: ServedMatch[] = [];
    rule.matches.forEach((m, i) => {
      const verdict = servedMatch(m, order++);
      if (verdict.ok) matches.push(verdict.match);
      else plan.dropped.push(`rule ${index} match ${i}: ${verdict.problem}`);
    });
    if (matches.length > 0) plan.rules.push({ index, rule, matches, filters: filters.value });
  });
  return plan;
}
