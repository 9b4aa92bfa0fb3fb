import { describe, expect, test } from 'bun:test';
import { backend, model, server } from '../../test/support/models.ts';
import type { MatchRule } from '../config/match-rules.ts';
import { fitToRunning } from './fit-to-running.ts';
import { planUpdate } from './plan.ts';

const rule = (routeKey: string, value: string, method = 'GET'): MatchRule => ({
  side: 'http',
  keyHost: 'h.example.com',
  exact: [],
  prefix: ['h.example.com/'],
  conditions: { method, headers: [], query: [] },
  value,
  routeKey,
});
const a = backend('be_http:ns:a', [server('s1')], { routeKey: 'ns/a' });
const b = backend('be_http:ns:b', [server('s1')], { routeKey: 'ns/b' });

describe('match rules in the commit step', () => {
  test.each([
    ['the same rules plan nothing', [rule('ns/a', a.name)], [rule('ns/a', a.name)], { kind: 'none' }],
    ['a rule added reloads, naming its route', [rule('ns/a', a.name)], [rule('ns/a', a.name), rule('ns/b', b.name, 'POST')], { kind: 'reload', reasons: [{ code: 'match-rules-changed', backend: undefined, route: 'ns/b' }] }],
    ['a condition changed reloads', [rule('ns/a', a.name)], [rule('ns/a', a.name, 'PUT')], { kind: 'reload', reasons: [{ code: 'match-rules-changed', backend: undefined, route: 'ns/a' }] }],
    ['rules reordered reload, naming no route', [rule('ns/a', a.name), rule('ns/b', b.name)], [rule('ns/b', b.name), rule('ns/a', a.name)], { kind: 'reload', reasons: [{ code: 'match-rules-changed', backend: undefined }] }],
  ])('%s', (_name, before, after, want) => {
    expect(planUpdate(model([a, b], { matchRules: before }), model([a, b], { matchRules: after }))).toEqual(want as never);
  });

  test('a rule sends traffic to the backend its route runs on', () => {
    const spare = backend('be_http:_spare:0', [], { routeKey: '' });
    const fitted = fitToRunning(model([a, spare]), model([a, b], { matchRules: [rule('ns/b', b.name)] }));
    expect(fitted.matchRules.map((r) => r.value)).toEqual([spare.name]);
  });
});
