import { describe, expect, test } from 'bun:test';
import { toGateway, toReferenceGrant } from './convert-gateway.ts';
import { toGRPCRoute, toHTTPRoute, toTLSRoute } from './convert-routes.ts';

const meta = { name: 'web', namespace: 'shop', uid: 'u', creationTimestamp: '2021-01-01T00:00:00Z', generation: 4 };

describe('toHTTPRoute', () => {
  test("the CRDs' defaults: a Gateway parent, a core Service of weight 1, PathPrefix / without matches, one empty rule without rules", () => {
    const r = toHTTPRoute({ metadata: meta, spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'a', port: 80 }] }] } });
    if (!r.ok) throw new Error(r.error);
    expect(r.value).toEqual({
      ...meta,
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: undefined, name: 'gw', sectionName: '', port: undefined }],
      hostnames: [],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], filters: [], backendRefs: [{ group: '', kind: 'Service', name: 'a', namespace: undefined, port: 80, weight: 1, hasFilters: false }], unsupported: [] }],
    });
    const empty = toHTTPRoute({ metadata: meta, spec: {} });
    expect(empty.ok && empty.value.rules).toEqual([{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], filters: [], backendRefs: [], unsupported: [] }]);
  });

  test('a match keeps its headers, query parameters and method as written; what a rule asks beyond is kept by name', () => {
    const r = toHTTPRoute({
      metadata: meta,
      spec: { rules: [{ matches: [{ headers: [{ name: 'X', value: 'y' }], queryParams: [{ type: 'Exact', name: 'q', value: 'v' }], method: 'GET' }], filters: [{ type: 'RequestRedirect' }], timeouts: { request: '1s' } }] },
    });
    expect(r.ok && r.value.rules[0]).toEqual({
      matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ type: '', name: 'X', value: 'y' }], queryParams: [{ type: 'Exact', name: 'q', value: 'v' }], method: 'GET' }],
      filters: [{ type: 'RequestRedirect' }],
      backendRefs: [],
      unsupported: ['timeouts'],
    });
  });

  test.each([
    [{ metadata: meta, spec: { rules: 'x' } }, 'HTTPRoute shop/web: spec.rules must be a list'],
    [{ metadata: meta, spec: { parentRefs: [{}] } }, 'HTTPRoute shop/web: spec.parentRefs[0].name must be a non-empty string'],
  ])('a malformed HTTPRoute is refused: %#', (obj, error) => {
    const r = toHTTPRoute(obj);
    expect(r.ok ? undefined : r.error).toBe(error);
  });
});

test('toTLSRoute takes the backendRefs of its rules', () => {
  const r = toTLSRoute({ metadata: meta, spec: { hostnames: ['db.example.com'], rules: [{ backendRefs: [{ name: 'db', port: 5432, weight: 2 }] }] } });
  expect(r.ok && [r.value.hostnames, r.value.backendRefs.map((b) => `${b.name}:${b.port}:${b.weight}`)]).toEqual([['db.example.com'], ['db:5432:2']]);
});

test('toGateway fills in allowedRoutes Same and tls.mode Terminate', () => {
  const g = toGateway({ metadata: meta, spec: { gatewayClassName: 'router', listeners: [{ name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'tls' }] } }] } });
  expect(g.ok && g.value.listeners[0]).toEqual({
    name: 'https', hostname: '', port: 443, protocol: 'HTTPS', tlsMode: 'Terminate',
    certificateRefs: [{ group: '', kind: 'Secret', name: 'tls', namespace: undefined }], namespaces: { from: 'Same' }, kinds: [],
  });
});

test('toReferenceGrant: a grant without a name grants every object of the kind', () => {
  const g = toReferenceGrant({ metadata: meta, spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'a' }], to: [{ group: '', kind: 'Service' }] } });
  expect(g.ok && g.value.to).toEqual([{ group: '', kind: 'Service', name: undefined }]);
});

test('toGRPCRoute keeps only the parentRefs, for the status that says GRPCRoutes are not served', () => {
  const r = toGRPCRoute({ metadata: meta, spec: { parentRefs: [{ name: 'gw', sectionName: 'h2' }], rules: [{ backendRefs: [{ name: 'a', port: 9000 }] }] } });
  expect(r.ok && r.value).toEqual({ ...meta, parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: undefined, name: 'gw', sectionName: 'h2', port: undefined }] });
});

test.each([
  ['a weight below 0', [{ name: 'a', port: 80, weight: -1 }], 'HTTPRoute shop/web: spec.rules[0].backendRefs[0].weight must be between 0 and 1000000'],
  ['a weight above the CRD\'s bound', [{ name: 'a', port: 80, weight: 1_000_001 }], 'HTTPRoute shop/web: spec.rules[0].backendRefs[0].weight must be between 0 and 1000000'],
  ['more backendRefs than the CRD allows', Array.from({ length: 17 }, (_, i) => ({ name: `s${i}`, port: 80 })), 'HTTPRoute shop/web: spec.rules[0].backendRefs must have at most 16 items'],
])('an HTTPRoute from a manifest with %s is refused, as the CRD would', (_name, backendRefs, error) => {
  const r = toHTTPRoute({ metadata: { name: 'web', namespace: 'shop' }, spec: { rules: [{ backendRefs }] } });
  expect(r).toEqual({ ok: false, error });
});
