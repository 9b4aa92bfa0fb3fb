import { describe, expect, test } from 'bun:test';
import type { HTTPRouteMatch, HTTPRouteRule } from '../domain/gateway.ts';
import { planRules } from './http-rules.ts';

const match = (type: string, value: string, more: Omit<HTTPRouteMatch, 'path'> = {}): HTTPRouteMatch => ({ path: { type, value }, ...more });
const rule = (matches: HTTPRouteMatch[], more: Partial<HTTPRouteRule> = {}): HTTPRouteRule => ({ matches, filters: [], backendRefs: [], unsupported: [], ...more });

describe('planRules', () => {
  test.each([
    ['PathPrefix / is the whole host', match('PathPrefix', '/'), { path: '', exact: false, order: 0 }],
    ['PathPrefix keeps segment boundaries as a route path', match('PathPrefix', '/api'), { path: '/api', exact: false, order: 0 }],
    ['a trailing slash is ignored', match('PathPrefix', '/api/'), { path: '/api', exact: false, order: 0 }],
    ['Exact is exact', match('Exact', '/login'), { path: '/login', exact: true, order: 0 }],
    ['Exact / is exactly /', match('Exact', '/'), { path: '/', exact: true, order: 0 }],
    [
      'method, headers and query parameters are conditions',
      match('PathPrefix', '/', { method: 'GET', headers: [{ type: 'Exact', name: 'Version', value: 'one' }], queryParams: [{ type: '', name: 'q', value: 'v' }] }),
      { path: '', exact: false, order: 0, conditions: { method: 'GET', headers: [{ name: 'version', value: 'one' }], query: [{ name: 'q', value: 'v' }] } },
    ],
  ])('%s', (_name, m, want) => {
    const plan = planRules({ rules: [rule([m])] });
    expect(plan.rules[0]?.matches).toEqual([want]);
    expect(plan.dropped).toEqual([]);
  });

  test.each([
    ['a header of a bad name', match('PathPrefix', '/', { headers: [{ type: '', name: "it's", value: 'x' }] }), 'rule 0 match 0: header name "it\'s" is not a token of at most 256 characters without a quote'],
    ['an unknown method', match('PathPrefix', '/', { method: 'BREW' }), 'rule 0 match 0: method "BREW" is not one of GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH'],
    ['RegularExpression', match('RegularExpression', '/a.*'), 'rule 0 match 0: RegularExpression path matches are not supported yet'],
    ['an unknown type', match('Glob', '/a'), 'rule 0 match 0: path match type "Glob" is not one of Exact, PathPrefix'],
    ['a relative path', match('PathPrefix', 'a'), 'rule 0 match 0: path "a" must begin with "/" and hold no "//"'],
    ['a double slash', match('Exact', '/a//b'), 'rule 0 match 0: path "/a//b" must begin with "/" and hold no "//"'],
  ])('a match on %s is dropped and named', (_name, m, dropped) => {
    const plan = planRules({ rules: [rule([m, match('Exact', '/kept')])] });
    expect([plan.dropped, plan.rules[0]?.matches.map((x) => x.path)]).toEqual([[dropped], ['/kept']]);
  });

  test('matches are numbered across rules, dropped ones included, for the spec\'s last tie-breaker', () => {
    const plan = planRules({ rules: [rule([match('Exact', '/a'), match('Glob', '/x')]), rule([match('Exact', '/b')])] });
    expect(plan.rules.flatMap((r) => r.matches.map((m) => [m.path, m.order]))).toEqual([
      ['/a', 0],
      ['/b', 2],
    ]);
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
