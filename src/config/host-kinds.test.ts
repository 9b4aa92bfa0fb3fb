import { describe, expect, test } from 'bun:test';
import { route, routeTls, settings, slice } from '../../test/support/fixtures.ts';
import type { Route } from '../domain/route.ts';
import { buildConfigModel } from './build-model.ts';
import { CATCH_ALL_HOST } from './deep-wildcards.ts';
import { GATEWAY_API_HOST, LISTENER_HOST, ROUTE_HOST } from './host-kinds.ts';

const gateway = { hostScope: 'gateway.networking.k8s.io' };
const model = (routes: Route[], deepWildcards = true) =>
  buildConfigModel({ routes, slices: routes.map((r) => slice(r.to.name, ['10.0.0.1'])), settings: settings({ deepWildcards }), allowAddress: () => true, defaultCertificate: '' });
const hosts = (routes: Route[], deepWildcards = true) => {
  const m = model(routes, deepWildcards);
  return { http: m.maps['os_http_be_hosts.map'], https: m.maps['os_edge_reencrypt_be_hosts.map'] };
};
const entry = (key: string, value: string) => ({ key, value });

describe('host kind map entries', () => {
  const cases: [string, Route[], { http: { key: string; value: string }[]; https: { key: string; value: string }[] }][] = [
    ['a Gateway API route: its host, whatever its path', [route({ name: 'a', path: '/foo', ...gateway })], { http: [entry('a.example.com', GATEWAY_API_HOST)], https: [] }],
    ['a Route: its host, as a Route host, on both sides whatever it serves (no Gateway API wildcard takes it)', [route({ name: 'a', path: '/foo' })], { http: [entry('a.example.com', ROUTE_HOST)], https: [entry('a.example.com', ROUTE_HOST)] }],
    ['an exact path and a prefix on one host: one entry', [route({ name: 'a', path: '/x', exactPath: true, ...gateway }), route({ name: 'b', host: 'a.example.com', path: '/y', ...gateway })], { http: [entry('a.example.com', GATEWAY_API_HOST)], https: [] }],
    ['a deep wildcard: keyed `*.domain`', [route({ name: 'a', host: 'wildcard.example.com', wildcardPolicy: 'Subdomain', deepWildcard: true, ...gateway })], { http: [entry('*.example.com', GATEWAY_API_HOST)], https: [] }],
    ['the catch-all: keyed `*.0`', [route({ name: 'a', host: CATCH_ALL_HOST, wildcardPolicy: 'Subdomain', deepWildcard: true, ...gateway })], { http: [entry('*.0', GATEWAY_API_HOST)], https: [] }],
    ['a Route wildcard: keyed `.domain`', [route({ name: 'a', host: 'www.example.com', wildcardPolicy: 'Subdomain' })], { http: [entry('.example.com', ROUTE_HOST)], https: [entry('.example.com', ROUTE_HOST)] }],
    ['a Route and a Gateway API route on one host: the Route keeps it, whichever is older', [route({ name: 'g', host: 'h.example.com', ...gateway }), route({ name: 'r', host: 'h.example.com', path: '/r' })], { http: [entry('h.example.com', ROUTE_HOST)], https: [entry('h.example.com', ROUTE_HOST)] }],
    ['edge: the TLS frontends only', [route({ name: 'a', tls: routeTls('edge'), ...gateway })], { http: [], https: [entry('a.example.com', GATEWAY_API_HOST)] }],
    ['edge with Redirect: both', [route({ name: 'a', tls: routeTls('edge', { insecureEdgeTerminationPolicy: 'Redirect' }) })], { http: [entry('a.example.com', ROUTE_HOST)], https: [entry('a.example.com', ROUTE_HOST)] }],
    ['a Gateway API passthrough route: none', [route({ name: 'a', tls: routeTls('passthrough'), ...gateway })], { http: [], https: [] }],
    ['a passthrough Route: both, as any Route', [route({ name: 'a', tls: routeTls('passthrough') })], { http: [entry('a.example.com', ROUTE_HOST)], https: [entry('a.example.com', ROUTE_HOST)] }],
    [
      'a route with request conditions: its host, though its paths leave the maps',
      [route({ name: 'a', requestMatch: { method: 'GET', headers: [], query: [], order: 0 }, ...gateway })],
      { http: [entry('a.example.com', GATEWAY_API_HOST)], https: [] },
    ],
    [
      'the host names of the listeners a route is served through, each on its own port',
      [route({ name: 'a', tls: routeTls('edge', { insecureEdgeTerminationPolicy: 'Allow' }), listenerHosts: { http: ['*.example.com'], https: ['*.0'] }, ...gateway })],
      { http: [entry('*.example.com', GATEWAY_API_HOST), entry('a.example.com', GATEWAY_API_HOST)], https: [entry('*.0', GATEWAY_API_HOST), entry('a.example.com', GATEWAY_API_HOST)] },
    ],
    [
      'a name a listener names exactly is the listener\'s, the route\'s own entry included: no wildcard of another listener serves it',
      [route({ name: 'a', host: 'secure.example.com', listenerHosts: { http: ['*.example.com', 'secure.example.com'], https: [] }, ...gateway })],
      { http: [entry('*.example.com', GATEWAY_API_HOST), entry('secure.example.com', LISTENER_HOST)], https: [] },
    ],
    [
      "a listener's name a Route serves stays the Route's",
      [route({ name: 'g', host: 'g.example.com', listenerHosts: { http: ['h.example.com'], https: [] }, ...gateway }), route({ name: 'r', host: 'h.example.com' })],
      { http: [entry('g.example.com', GATEWAY_API_HOST), entry('h.example.com', ROUTE_HOST)], https: [entry('h.example.com', ROUTE_HOST)] },
    ],
  ];
  test.each(cases)('%s', (_, routes, expected) => expect(hosts(routes)).toEqual(expected));

  test('without the Gateway API, no entries', () => {
    expect(hosts([route({ name: 'a', ...gateway }), route({ name: 'b' })], false)).toEqual({ http: [], https: [] });
  });
});
