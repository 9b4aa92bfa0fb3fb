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
  /** The route as the log saw it before, served to another path. */
  const moved = (r: AdmittedRoute): AdmittedRoute => ({ ...r, path: '/old' });

  test('added, updated and removed, by key, every route looked at', () => {
    const was = moved(a);
    const known = new Map([['ns/a', was], ['ns/b', b]]);
    const admitted = new Map([['ns/a', a], ['ns/c', c]]);
    expect(takeRouteChanges(known, admitted, undefined)).toEqual({ added: [['ns/c', describeRoute(c)]], updated: [['ns/a', describeRoute(a)]], removed: ['ns/b'] });
    expect(known).toEqual(new Map([['ns/a', a], ['ns/c', c]]));
    expect(known.get('ns/a')).toBe(a);
    expect(takeRouteChanges(known, admitted, undefined)).toEqual({ added: [], updated: [], removed: [] });
  });

  test('a route served as the same object is not described again; an equal one in a new object is not reported', () => {
    const known = new Map([['ns/a', a]]);
    let described = 0;
    const counting = new Proxy(a, { get: (target, p, receiver) => (p === 'host' && described++, Reflect.get(target, p, receiver)) });
    expect(takeRouteChanges(new Map([['ns/a', counting]]), new Map([['ns/a', counting]]), undefined)).toEqual({ added: [], updated: [], removed: [] });
    expect(described).toBe(0);
    expect(takeRouteChanges(known, new Map([['ns/a', { ...a }]]), undefined)).toEqual({ added: [], updated: [], removed: [] });
    expect(takeRouteChanges(known, new Map([['ns/a', moved(a)]]), undefined)).toEqual({ added: [], updated: [['ns/a', describeRoute(moved(a))]], removed: [] });
  });

  test('only the keys named, when a commit says which changed', () => {
    const known = new Map([['ns/a', moved(a)], ['ns/b', b]]);
    const admitted = new Map([['ns/a', a], ['ns/c', c]]);
    expect(takeRouteChanges(known, admitted, ['ns/b'])).toEqual({ added: [], updated: [], removed: ['ns/b'] });
    expect(known).toEqual(new Map([['ns/a', moved(a)]]));
  });
});
