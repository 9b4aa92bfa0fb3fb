import { describe, expect, test } from 'bun:test';
import { route, routeTls } from '../../test/support/fixtures.ts';
import type { AdmittedRoute } from '../admission/admit-routes.ts';
import { describeRoute, routeChanges } from './route-changes.ts';

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

describe('routeChanges', () => {
  test('added, updated and removed, by key', () => {
    const before = new Map([['ns/a', 'x'], ['ns/b', 'y']]);
    const after = new Map([['ns/a', 'x2'], ['ns/c', 'z']]);
    expect(routeChanges(before, after)).toEqual({ added: [['ns/c', 'z']], updated: [['ns/a', 'x2']], removed: ['ns/b'] });
    expect(routeChanges(after, after)).toEqual({ added: [], updated: [], removed: [] });
  });
});
