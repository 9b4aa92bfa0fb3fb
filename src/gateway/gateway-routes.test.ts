import { describe, expect, test } from 'bun:test';
import { GATEWAY_GROUP, type BackendRef, type Gateway, type HTTPRoute, type HTTPRouteFilter, type Listener, type ReferenceGrant, type TLSRoute } from '../domain/gateway.ts';
import { objectKey } from '../domain/route.ts';
import { convertHTTPRoute, convertTLSRoute, GATEWAY_HOST_SCOPE, NO_BACKEND_SERVICE, type ConversionContext } from './gateway-routes.ts';
import type { IngressSecret } from '../domain/ingress.ts';
import { makeCA, makeLeaf } from '../../test/support/certs.ts';
import { evaluateListeners } from './listeners.ts';

const listener = (l: Partial<Listener> & Pick<Listener, 'name'>): Listener => ({
  hostname: '', port: 80, protocol: 'HTTP', tlsMode: undefined, certificateRefs: [], namespaces: { from: 'All' }, kinds: [], ...l,
});
const gateway = (listeners: Listener[]): Gateway => ({
  namespace: 'infra', name: 'gw', uid: 'u', creationTimestamp: '2020-01-01T00:00:00Z', generation: 1, className: 'router', listeners, addresses: [],
});
const ref = (name: string, more: Partial<BackendRef> = {}): BackendRef => ({ group: '', kind: 'Service', name, namespace: undefined, port: 80, weight: 1, hasFilters: false, ...more });
const PARENT = { group: GATEWAY_GROUP, kind: 'Gateway', namespace: 'infra', name: 'gw', sectionName: '', port: undefined };

function httpRoute(more: Partial<HTTPRoute> = {}): HTTPRoute {
  return {
    namespace: 'shop', name: 'web', uid: 'u1', creationTimestamp: '2021-01-01T00:00:00Z', generation: 1,
    parentRefs: [PARENT], hostnames: ['shop.example.com'],
    rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], filters: [], backendRefs: [ref('web')], unsupported: [] }],
    ...more,
  };
}

const leaf = makeLeaf(makeCA('gateway-routes-test'), { dnsNames: ['*.example.com'] });
const SECRET: IngressSecret = { namespace: 'infra', name: 'tls', type: 'kubernetes.io/tls', data: { 'tls.crt': leaf.cert, 'tls.key': leaf.key }, undecodable: [] };
const TLS_REF = { group: '', kind: 'Secret', name: 'tls', namespace: undefined };

function context(listeners: Listener[], grants: ReferenceGrant[] = []): ConversionContext {
  const secret = (namespace: string, name: string) => (namespace === 'infra' && name === 'tls' ? SECRET : undefined);
  const states = evaluateListeners([gateway(listeners)], { httpPort: 80, httpsPort: 443, secret, grants: () => grants });
  return {
    listeners: (key) => states.get(key),
    namespace: (name) => ({ name, labels: {} }),
    service: (namespace, name) => ({ namespace, name, ports: [{ name: 'http', port: 80 }] }),
    grants: (ns) => grants.filter((g) => g.namespace === ns),
  };
}

const HTTP = [listener({ name: 'http' })];

describe('convertHTTPRoute', () => {
  test('one route per host and path match, in the host scope of Gateway API routes, named after its source', () => {
    const c = convertHTTPRoute(
      httpRoute({
        hostnames: ['a.example.com', '*.b.example.com'],
        rules: [
          { matches: [{ path: { type: 'PathPrefix', value: '/' } }, { path: { type: 'Exact', value: '/x' } }], filters: [], backendRefs: [ref('web')], unsupported: [] },
          // The same path in a later rule: the first rule keeps it.
          { matches: [{ path: { type: 'Exact', value: '/x' } }], filters: [], backendRefs: [ref('other')], unsupported: [] },
        ],
      }),
      context(HTTP),
    );
    expect(c.routes.map((r) => [r.host, r.path, r.exactPath ?? false, r.wildcardPolicy, r.deepWildcard ?? false, r.to.name, r.tls, r.hostScope])).toEqual([
      ['a.example.com', '', false, 'None', false, 'web', undefined, GATEWAY_HOST_SCOPE],
      ['a.example.com', '/x', true, 'None', false, 'web', undefined, GATEWAY_HOST_SCOPE],
      ['wildcard.b.example.com', '', false, 'Subdomain', true, 'web', undefined, GATEWAY_HOST_SCOPE],
      ['wildcard.b.example.com', '/x', true, 'Subdomain', true, 'web', undefined, GATEWAY_HOST_SCOPE],
    ]);
    expect(c.routes.every((r) => r.uid === 'shop/web' && r.namespace === 'shop' && /^web_httproute_[0-9a-f]{16}$/.test(r.name))).toBe(true);
    expect(new Set(c.routes.map(objectKey)).size).toBe(4);
    expect([c.resolvedRefs.ok, c.dropped, c.parents[0]?.routeKeys.length]).toEqual([true, [], 4]);
  });

  test('weights keep their ratio within a route\'s 0-256, 0 stays 0; unset counts 1', () => {
    const rules = [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], filters: [], backendRefs: [ref('a', { weight: 3000 }), ref('b', { weight: 1000 }), ref('c', { weight: 0 })], unsupported: [] }];
    const [r] = convertHTTPRoute(httpRoute({ rules }), context(HTTP)).routes;
    expect([r?.to, ...(r?.alternateBackends ?? [])].map((t) => `${t?.name}:${t?.weight}`)).toEqual(['a:256', 'b:85', 'c:0']);
  });

  test.each([
    ['no grant', [], 'RefNotPermitted', NO_BACKEND_SERVICE],
    ['a grant for another kind', [{ namespace: 'backends', name: 'g', from: [{ group: GATEWAY_GROUP, kind: 'TLSRoute', namespace: 'shop' }], to: [{ group: '', kind: 'Service', name: undefined }] }], 'RefNotPermitted', NO_BACKEND_SERVICE],
    ['a grant for another Service', [{ namespace: 'backends', name: 'g', from: [{ group: GATEWAY_GROUP, kind: 'HTTPRoute', namespace: 'shop' }], to: [{ group: '', kind: 'Service', name: 'other' }] }], 'RefNotPermitted', NO_BACKEND_SERVICE],
    ['a grant', [{ namespace: 'backends', name: 'g', from: [{ group: GATEWAY_GROUP, kind: 'HTTPRoute', namespace: 'shop' }], to: [{ group: '', kind: 'Service', name: undefined }] }], 'ResolvedRefs', 'web'],
  ] as [string, ReferenceGrant[], string, string][])('a backendRef into another namespace with %s', (_name, grants, reason, service) => {
    const rules = [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], filters: [], backendRefs: [ref('web', { namespace: 'backends' })], unsupported: [] }];
    const c = convertHTTPRoute(httpRoute({ rules }), context(HTTP, grants));
    expect([c.resolvedRefs.reason, c.routes[0]?.to.name]).toEqual([reason, service]);
    expect(c.routes[0]?.filters?.invalidBackends).toEqual(service === NO_BACKEND_SERVICE ? { weight: 1, total: 1 } : undefined);
  });

  test.each([
    ['backendRefs, none valid', [ref('missing'), ref('missing', { kind: 'Pod' })], [], { weight: 2, total: 2 }],
    ['backendRefs, none valid, weights 0', [ref('missing', { weight: 0 })], [], { weight: 0, total: 0 }],
    ['backendRefs, none valid, a header filter', [ref('missing')], [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-a', value: 'b' }], add: [], remove: [] } }], { weight: 1, total: 1 }],
    ['backendRefs, none valid, a redirect (which answers)', [ref('missing')], [{ type: 'RequestRedirect', requestRedirect: { scheme: undefined, hostname: 'x.example.com', port: undefined, statusCode: undefined, path: undefined } }], undefined],
    ['no backendRef', [], [], undefined],
    ['one valid backendRef and an invalid one', [ref('web', { weight: 3 }), ref('missing')], [], { weight: 1, total: 4 }],
    ['one valid backendRef and an invalid one of weight 0', [ref('web', { weight: 3 }), ref('missing', { weight: 0 })], [], undefined],
    ['valid backendRefs only', [ref('web'), ref('api')], [], undefined],
  ] as [string, ReturnType<typeof ref>[], HTTPRouteFilter[], { weight: number; total: number } | undefined][])('a rule with %s: answered 500 by the router: %p', (_name, backendRefs, filters, answered) => {
    const rules = [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], filters, backendRefs, unsupported: [] }];
    const ctx = context(HTTP);
    const [r] = convertHTTPRoute(httpRoute({ rules }), { ...ctx, service: (ns, name) => (name === 'missing' ? undefined : ctx.service(ns, name)) }).routes;
    expect(r?.filters?.invalidBackends).toEqual(answered);
  });

  test.each([
    ['a listener of another namespace only', [listener({ name: 'http', namespaces: { from: 'Same' } })], 'NotAllowedByListeners'],
    ['a listener for TLSRoutes only', [listener({ name: 'tls', port: 443, protocol: 'TLS', tlsMode: 'Passthrough' })], 'NotAllowedByListeners'],
    ['a listener of another host name', [listener({ name: 'http', hostname: 'other.example.com' })], 'NoMatchingListenerHostname'],
  ])('%s: %s', (_name, listeners, reason) => {
    const c = convertHTTPRoute(httpRoute(), context(listeners));
    const attachment = c.parents[0]?.attachment;
    expect([c.routes.length, attachment?.ours && attachment.accepted.reason]).toEqual([0, reason]);
  });

  test('a parentRef to a Gateway not ours is left to its controller', () => {
    const c = convertHTTPRoute(httpRoute({ parentRefs: [{ ...PARENT, name: 'theirs' }] }), context(HTTP));
    expect([c.routes.length, c.parents[0]?.attachment.ours]).toEqual([0, false]);
  });

  test('neither listener nor route naming a host: every host, through the catch-all wildcard, over HTTP and HTTPS', () => {
    const c = convertHTTPRoute(httpRoute({ hostnames: [] }), context(HTTP));
    expect(c.routes.map((r) => [r.host, r.wildcardPolicy, r.deepWildcard, r.tls?.termination])).toEqual([['wildcard.0', 'Subdomain', true, undefined]]);
    const https = convertHTTPRoute(httpRoute({ hostnames: [] }), context([listener({ name: 'https', protocol: 'HTTPS', port: 443, certificateRefs: [TLS_REF] })]));
    expect(https.routes.map((r) => [r.host, r.deepWildcard, r.tls?.termination, r.tls?.certificate === leaf.cert])).toEqual([['wildcard.0', true, 'edge', true]]);
    expect(https.parents[0]?.notes).toEqual([]);
  });

  test("a route carries the host names of its Gateways' usable listeners, by port, those it does not attach to included", () => {
    const listeners = [
      listener({ name: 'http', hostname: '*.example.com' }),
      listener({ name: 'https', protocol: 'HTTPS', port: 443, certificateRefs: [TLS_REF] }),
      listener({ name: 'other', hostname: 'other.example.org' }),
      listener({ name: 'broken', protocol: 'HTTPS', port: 443, hostname: 'broken.example.com', certificateRefs: [] }),
      listener({ name: 'elsewhere', port: 8080, hostname: 'elsewhere.example.com' }),
    ];
    const c = convertHTTPRoute(httpRoute({ hostnames: ['a.example.com'], parentRefs: [{ ...PARENT, sectionName: 'http' }] }), context(listeners));
    expect(c.routes.map((r) => [r.host, r.listenerHosts])).toEqual([['a.example.com', { http: ['*.example.com', 'other.example.org'], https: ['*.0'] }]]);
  });

  test('a TLS listener and a TLSRoute that both leave the host name open pass nothing through, said why', () => {
    const tls = convertTLSRoute(
      { namespace: 'shop', name: 'db', uid: 'u', creationTimestamp: '', generation: 1, parentRefs: [PARENT], hostnames: [], backendRefs: [ref('db')] },
      context([listener({ name: 'tls', port: 443, protocol: 'TLS', tlsMode: 'Passthrough' })]),
    );
    expect([tls.routes.length, tls.parents[0]?.notes]).toEqual([0, ['listener tls: neither the listener nor the route names a hostname: every host is not passed through']]);
  });
});

describe('convertTLSRoute', () => {
  const tlsRoute: TLSRoute = { namespace: 'shop', name: 'db', uid: 'u', creationTimestamp: '', generation: 1, parentRefs: [PARENT], hostnames: ['db.example.com'], backendRefs: [ref('db')] };

  test('a Passthrough listener passes its hosts through by SNI', () => {
    const c = convertTLSRoute(tlsRoute, context([listener({ name: 'tls', port: 443, protocol: 'TLS', tlsMode: 'Passthrough' })]));
    expect(c.routes.map((r) => [r.host, r.tls?.termination, r.to.name, /_tlsroute_/.test(r.name)])).toEqual([['db.example.com', 'passthrough', 'db', true]]);
  });

  test('an HTTP listener does not take TLSRoutes', () => {
    const c = convertTLSRoute(tlsRoute, context(HTTP));
    const attachment = c.parents[0]?.attachment;
    expect([c.routes.length, attachment?.ours && attachment.accepted.reason]).toEqual([0, 'NotAllowedByListeners']);
  });
});
