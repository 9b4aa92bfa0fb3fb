import { describe, expect, test } from 'bun:test';
import type { HTTPRouteMatch, HTTPRouteRule } from '../domain/gateway.ts';
import { planRules } from './http-rules.ts';

const match = (type: string, value: string, beyondPath: string[] = []): HTTPRouteMatch => ({ path: { type, value }, beyondPath });
const rule = (matches: HTTPRouteMatch[], more: Partial<HTTPRouteRule> = {}): HTTPRouteRule => ({ matches, filters: [], backendRefs: [], unsupported: [], ...more });

describe('planRules', () => {
  test.each([
    ['PathPrefix / is the whole host', match('PathPrefix', '/'), { path: '', exact: false }],
    ['PathPrefix keeps segment boundaries as a route path', match('PathPrefix', '/api'), { path: '/api', exact: false }],
    ['a trailing slash is ignored', match('PathPrefix', '/api/'), { path: '/api', exact: false }],
    ['Exact is exact', match('Exact', '/login'), { path: '/login', exact: true }],
    ['Exact / is exactly /', match('Exact', '/'), { path: '/', exact: true }],
  ])('%s', (_name, m, want) => {
    const plan = planRules({ rules: [rule([m])] });
    expect(plan.rules[0]?.matches).toEqual([want]);
    expect(plan.dropped).toEqual([]);
  });

  test.each([
    ['header', match('PathPrefix', '/', ['header']), 'rule 0 match 0: header matches are not supported yet'],
    ['query and method', match('PathPrefix', '/', ['query parameter', 'method']), 'rule 0 match 0: query parameter, method matches are not supported yet'],
    ['RegularExpression', match('RegularExpression', '/a.*'), 'rule 0 match 0: RegularExpression path matches are not supported yet'],
    ['an unknown type', match('Glob', '/a'), 'rule 0 match 0: path match type "Glob" is not one of Exact, PathPrefix'],
    ['a relative path', match('PathPrefix', 'a'), 'rule 0 match 0: path "a" must begin with "/" and hold no "//"'],
    ['a double slash', match('Exact', '/a//b'), 'rule 0 match 0: path "/a//b" must begin with "/" and hold no "//"'],
  ])('a match on %s is dropped and named', (_name, m, dropped) => {
    const plan = planRules({ rules: [rule([m, match('Exact', '/kept')])] });
    expect([plan.dropped, plan.rules[0]?.matches.map((x) => x.path)]).toEqual([[dropped], ['/kept']]);
  });

  test.each([
    ['filters not served', { filters: [{ type: 'RequestMirror' }, { type: 'CORS' }] }, 'rule 0: filters RequestMirror, CORS are not supported yet'],
    ['timeouts', { unsupported: ['timeouts'] }, 'rule 0: timeouts is not supported yet'],
    ['backendRef filters', { backendRefs: [{ group: '', kind: 'Service', name: 'a', namespace: undefined, port: 80, weight: 1, hasFilters: true }] }, 'rule 0: filters on backendRefs are not supported yet'],
  ])('a rule with %s is dropped whole', (_name, more, dropped) => {
    const plan = planRules({ rules: [rule([match('PathPrefix', '/')], more), rule([match('Exact', '/b')])] });
    expect([plan.dropped, plan.rules.map((r) => r.index)]).toEqual([[dropped], [1]]);
  });
});

describe('planRules with filters', () => {
  test('a rule with filters it serves is served with them; one with a bad filter is dropped, naming it', () => {
    const redirect = { type: 'RequestRedirect', requestRedirect: { scheme: 'https', hostname: undefined, port: undefined, statusCode: 301, path: undefined } };
    const plan = planRules({ rules: [rule([match('PathPrefix', '/r')], { filters: [redirect] }), rule([match('PathPrefix', '/x')], { filters: [{ ...redirect, requestRedirect: { ...redirect.requestRedirect, statusCode: 200 } }] })] });
    expect(plan.rules.map((r) => [r.index, r.filters?.redirect?.statusCode])).toEqual([[0, 301]]);
    expect(plan.dropped).toEqual(['rule 1: requestRedirect.statusCode 200 is not one of 301, 302, 303, 307, 308']);
  });
});
