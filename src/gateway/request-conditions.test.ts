import { describe, expect, test } from 'bun:test';
import type { HTTPRouteMatch, ValueMatch } from '../domain/gateway.ts';
import { requestConditions } from './request-conditions.ts';

const header = (name: string, value: string, type = ''): ValueMatch => ({ type, name, value });
const on = (more: Omit<HTTPRouteMatch, 'path'>): HTTPRouteMatch => ({ path: { type: 'PathPrefix', value: '/' }, ...more });

describe('requestConditions', () => {
  test.each([
    ['no conditions', on({}), undefined],
    ['an empty method is any method', on({ method: '' }), undefined],
    ['a method', on({ method: 'PATCH' }), { method: 'PATCH', headers: [], query: [] }],
    ['header names lower-cased and sorted', on({ headers: [header('Version', 'two'), header('Color', 'Orange')] }), { method: undefined, headers: [{ name: 'color', value: 'Orange' }, { name: 'version', value: 'two' }], query: [] }],
    ['the first of equivalent header names counts', on({ headers: [header('version', 'one'), header('VERSION', 'two')] }), { method: undefined, headers: [{ name: 'version', value: 'one' }], query: [] }],
    ['query names keep their case', on({ queryParams: [header('ANIMAL', 'Whale'), header('animal', 'whale')] }), { method: undefined, headers: [], query: [{ name: 'ANIMAL', value: 'Whale' }, { name: 'animal', value: 'whale' }] }],
    ['quotes, #, $, % and backslashes in values are kept for quoting', on({ headers: [header('x', `a'b "c" #d $e %f \\g`)] }), { method: undefined, headers: [{ name: 'x', value: `a'b "c" #d $e %f \\g` }], query: [] }],
    ['every token character but a quote in names', on({ headers: [header("!#$%&*+-.^_`|~09AZaz", 'v')] }), { method: undefined, headers: [{ name: "!#$%&*+-.^_`|~09azaz", value: 'v' }], query: [] }],
  ])('%s', (_name, m, want) => {
    expect(requestConditions(m)).toEqual({ ok: true, value: want });
  });

  test.each([
    ['a lower-case method', on({ method: 'get' }), 'method "get" is not one of'],
    ['RegularExpression headers', on({ headers: [header('x', 'a.*', 'RegularExpression')] }), 'RegularExpression header matches are not supported'],
    ['RegularExpression query parameters', on({ queryParams: [header('x', 'a.*', 'RegularExpression')] }), 'RegularExpression query parameter matches are not supported'],
    ['an unknown type', on({ headers: [header('x', 'a', 'Prefix')] }), 'header match type "Prefix" is not Exact'],
    ['a quote in a name', on({ headers: [header("x'y", 'a')] }), 'header name'],
    ['a space in a name', on({ headers: [header('x y', 'a')] }), 'header name'],
    ['a parenthesis in a name', on({ queryParams: [header('x)', 'a')] }), 'query parameter name'],
    ['a comma in a name', on({ headers: [header('x,y', 'a')] }), 'header name'],
    ['an empty name', on({ headers: [header('', 'a')] }), 'header name'],
    ['a name over 256 characters', on({ headers: [header('n'.repeat(257), 'a')] }), 'header name'],
    ['an empty value', on({ headers: [header('x', '')] }), 'header x: value ""'],
    ['a newline in a value', on({ headers: [header('x', 'a\nb')] }), 'header x: value'],
    ['a carriage return in a value', on({ queryParams: [header('x', 'a\rb')] }), 'query parameter x: value'],
    ['a NUL in a value', on({ headers: [header('x', 'a\u0000b')] }), 'header x: value'],
    ['a leading space', on({ headers: [header('x', ' a')] }), 'header x: value'],
    ['two spaces in a row', on({ headers: [header('x', 'a  b')] }), 'header x: value'],
    ['non-ASCII', on({ headers: [header('x', 'é')] }), 'header x: value'],
    ['a header value over 4096 characters', on({ headers: [header('x', 'v'.repeat(4097))] }), 'header x: value'],
    ['a query value over 1024 characters', on({ queryParams: [header('x', 'v'.repeat(1025))] }), 'query parameter x: value'],
    ['more than 16 headers', on({ headers: Array.from({ length: 17 }, (_, i) => header(`h${i}`, 'v')) }), 'more than 16 header matches'],
  ])('refuses %s', (_name, m, problem) => {
    const verdict = requestConditions(m);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? '' : verdict.problem).toContain(problem);
  });
});
