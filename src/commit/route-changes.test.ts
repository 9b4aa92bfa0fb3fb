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
  const b = route({ name: 'b', namespace: 'ns' });
  const c = route({ name: 'c', namespace: 'ns' });
  const stale = (r: AdmittedRoute) => ({ route: { ...r }, description: 'x' });
  const served = (r: AdmittedRoute) => ({ route: r, description: describeRoute(r) });

  test('added, updated and removed, by key, every route looked at', () => {
    const known = new Map([['ns/a', stale(a)], ['ns/b', stale(b)]]);
    const admitted = new Map([['ns/a', a], ['ns/c', c]]);
    expect(takeRouteChanges(known, admitted, undefined)).toEqual({ added: [['ns/c', describeRoute(c)]], updated: [['ns/a', describeRoute(a)]], removed: ['ns/b'] });
    expect(known).toEqual(new Map([['ns/a', served(a)], ['ns/c', served(c)]]));
    expect(takeRouteChanges(known, admitted, undefined)).toEqual({ added: [], updated: [], removed: [] });
  });

  test('a route served as the same object is not described again', () => {
    const known = new Map([['ns/a', { route: a, description: 'as described before' }]]);
    expect(takeRouteChanges(known, new Map([['ns/a', a]]), undefined)).toEqual({ added: [], updated: [], removed: [] });
    expect(known.get('ns/a')?.description).toBe('as described before');
    // An equal route in a new object is described, and reported only if it reads differently.
    expect(takeRouteChanges(known, new Map([['ns/a', { ...a }]]), undefined)).toEqual({ added: [], updated: [['ns/a', describeRoute(a)]], removed: [] });
    expect(takeRouteChanges(known, new Map([['ns/a', { ...a }]]), undefined)).toEqual({ added: [], updated: [], removed: [] });
  });

  test('only the keys named, when a commit says which changed', () => {
    const known = new Map([['ns/a', stale(a)], ['ns/b', stale(b)]]);
    const admitted = new Map([['ns/a', a], ['ns/c', c]]);
    expect(takeRouteChanges(known, admitted, ['ns/b'])).toEqual({ added: [], updated: [], removed: ['ns/b'] });
    expect(known).toEqual(new Map([['ns/a', stale(a)]]));
  });
});
