import { describe, expect, test } from 'bun:test';
import { route, routeTls } from '../../test/support/fixtures.ts';
import type { AdmittedRoute } from '../admission/admit-routes.ts';
import { describeRoute, takeRouteChanges } from './route-changes.ts';

describe('describeRoute', () => {
  test.each<[AdmittedRoute, string]>([
    [route({ name: 'a' }), 'a.example.com/ -> http -> service a'],
    [route({ name: 'a', path: '/api' }), 'a.example.com/api -> http -> service a'],
    [route({ name: 'a', tls: routeTls('edge', { insecureEdgeTerminationPolicy: 'Redirect' }) }), 'a.example.com/ -> edge, insecure Redirect -> service a'],
    [route({ name: 'a', tls: routeTls('passthrough') }), 'a.example.com/ -> passthrough -> service a'],
    [
      route({ name: 'a', to: { kind: 'Service', name: 'blue', weight: 3 }, alternateBackends: [{ kind: 'Service', name: 'green', weight: undefined }] }),
      'a.example.com/ -> http -> service blue (weight 3), green (weight 1)',
    ],
  ])('%#: %s', (r, want) => {
    expect(describeRoute(r)).toBe(want);
  });
});

describe('takeRouteChanges', () => {
  const a = route({ name: 'a', namespace: 'ns' });
  const c = route({ name: 'c', namespace: 'ns' });
  test('added, updated and removed, by key, every route looked at', () => {
    const served = new Map([['ns/a', 'x'], ['ns/b', 'y']]);
    const admitted = new Map([['ns/a', a], ['ns/c', c]]);
    expect(takeRouteChanges(served, admitted, undefined)).toEqual({ added: [['ns/c', describeRoute(c)]], updated: [['ns/a', describeRoute(a)]], removed: ['ns/b'] });
    expect(served).toEqual(new Map([['ns/a', describeRoute(a)], ['ns/c', describeRoute(c)]]));
    expect(takeRouteChanges(served, admitted, undefined)).toEqual({ added: [], updated: [], removed: [] });
  });

  test('only the keys named, when a commit says which changed', () => {
    const served = new Map([['ns/a', 'x'], ['ns/b', 'y']]);
    const admitted = new Map([['ns/a', a], ['ns/c', c]]);
    expect(takeRouteChanges(served, admitted, ['ns/b'])).toEqual({ added: [], updated: [], removed: ['ns/b'] });
    expect(served).toEqual(new Map([['ns/a', 'x']]));
  });
});
