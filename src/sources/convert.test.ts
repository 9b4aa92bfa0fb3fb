import { describe, expect, test } from 'bun:test';
import { gatewayRouteName, ingressRouteName } from '../domain/names.ts';
import type { Route } from '../domain/route.ts';
import { toRoute, type Conversion } from './convert.ts';

const minimalRoute = {
  apiVersion: 'route.openshift.io/v1',
  kind: 'Route',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { to: { name: 'web-svc' } },
};

const minimalExpected: Route = {
  namespace: 'shop',
  name: 'web',
  uid: '',
  creationTimestamp: '',
  labels: {},
  annotations: {},
  host: '',
  subdomain: '',
  path: '',
  to: { kind: 'Service', name: 'web-svc', weight: undefined },
  alternateBackends: [],
  targetPort: undefined,
  tls: undefined,
  wildcardPolicy: 'None',
};

/** The minimal route with `spec` merged into its spec. */
function routeWithSpec(spec: Record<string, unknown>): unknown {
  return { ...minimalRoute, spec: { ...minimalRoute.spec, ...spec } };
}

function value<T>(c: Conversion<T>): T {
  if (!c.ok) throw new Error(`expected success, got: ${c.error}`);
  return c.value;
}

describe('toRoute', () => {
  test.each([
    ['an Ingress', ingressRouteName('web', 'web.example.com /')],
    ['an HTTPRoute', gatewayRouteName('HTTPRoute', 'shop', 'web', 'web.example.com /')],
    ['a TLSRoute', gatewayRouteName('TLSRoute', 'shop', 'web', 'web.example.com')],
  ])('a Route may not take the name of a route generated from %s: the two would share a key', (_what, name) => {
    expect(toRoute({ ...minimalRoute, metadata: { name, namespace: 'shop' } })).toEqual({
      ok: false,
      error: `Route shop/${name}: metadata.name has the form of the routes the router generates from Ingresses and Gateway API routes`,
    });
  });

  test('minimal route gets empty strings and the API defaults for kind and wildcardPolicy', () => {
    expect(toRoute(minimalRoute)).toEqual({ ok: true, value: minimalExpected });
  });

  test('full route keeps every domain field and strips the rest', () => {
    const full = {
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: {
        name: 'web',
        namespace: 'shop',
        uid: 'u-1',
        creationTimestamp: '2024-05-01T10:00:00Z',
        labels: { app: 'web' },
        annotations: { 'haproxy.router.openshift.io/timeout': '5s' },
        managedFields: [{ manager: 'kubectl' }],
        resourceVersion: '42',
      },
      spec: {
        host: 'www.example.test',
        subdomain: 'www',
        path: '/shop',
        to: { kind: 'Service', name: 'web-a', weight: 80 },
        alternateBackends: [
          { kind: 'Service', name: 'web-b', weight: 20 },
          { name: 'web-c', weight: 0 },
        ],
        port: { targetPort: 'http' },
        tls: {
          termination: 'reencrypt',
          insecureEdgeTerminationPolicy: 'Redirect',
          certificate: 'CERT',
          key: 'KEY',
          caCertificate: 'CA',
          destinationCACertificate: 'DEST',
          externalCertificate: { name: 'web-tls' },
        },
        wildcardPolicy: 'Subdomain',
        httpHeaders: {
          actions: {
            request: [{ name: 'X-A', action: { type: 'Set', set: { value: '%[req.hdr(host)]' } } }],
            response: [{ name: 'Server', action: { type: 'Delete' } }],
          },
        },
      },
      status: { ingress: [{ host: 'www.example.test' }] },
    };
    expect(value(toRoute(full))).toEqual({
      namespace: 'shop',
      name: 'web',
      uid: 'u-1',
      creationTimestamp: '2024-05-01T10:00:00Z',
      labels: { app: 'web' },
      annotations: { 'haproxy.router.openshift.io/timeout': '5s' },
      host: 'www.example.test',
      subdomain: 'www',
      path: '/shop',
      to: { kind: 'Service', name: 'web-a', weight: 80 },
      alternateBackends: [
        { kind: 'Service', name: 'web-b', weight: 20 },
        { kind: 'Service', name: 'web-c', weight: 0 },
      ],
      targetPort: 'http',
      tls: {
        termination: 'reencrypt',
        insecureEdgeTerminationPolicy: 'Redirect',
        certificate: 'CERT',
        key: 'KEY',
        caCertificate: 'CA',
        destinationCACertificate: 'DEST',
        externalCertificate: 'web-tls',
      },
      wildcardPolicy: 'Subdomain',
      httpHeaders: { request: [{ name: 'X-A', type: 'Set', value: '%[req.hdr(host)]' }], response: [{ name: 'Server', type: 'Delete', value: '' }] },
    });
  });

  test('httpHeaders without actions leave no trace; malformed ones are errors naming the field', () => {
    expect(value(toRoute(routeWithSpec({ httpHeaders: { actions: {} } }))).httpHeaders).toBeUndefined();
    expect(toRoute(routeWithSpec({ httpHeaders: { actions: { request: [{ name: 'X', action: { type: 'Set', set: { value: 5 } } }] } } }))).toEqual({
      ok: false,
      error: expect.stringContaining('spec.httpHeaders.actions.request[0].action.set.value'),
    });
  });

  test.each([
    ['number', { targetPort: 8080 }, 8080],
    ['numeric string names a port', { targetPort: '8080' }, '8080'],
    ['name', { targetPort: 'https' }, 'https'],
    ['empty string selects every port', { targetPort: '' }, undefined],
    ['null', { targetPort: null }, undefined],
    ['port without targetPort', {}, undefined],
  ])('targetPort: %s', (_name, port, expected) => {
    expect(value(toRoute(routeWithSpec({ port }))).targetPort).toEqual(expected);
  });

  test('tls with only a termination fills the other fields with empty strings', () => {
    expect(value(toRoute(routeWithSpec({ tls: { termination: 'edge' } }))).tls).toEqual({
      termination: 'edge',
      insecureEdgeTerminationPolicy: '',
      certificate: '',
      key: '',
      caCertificate: '',
      destinationCACertificate: '',
    });
  });

  test('does not validate values: admission must see them', () => {
    const r = value(toRoute(routeWithSpec({ host: 'NOT A HOST!', path: 'no-slash', tls: { termination: 'bogus' } })));
    expect([r.host, r.path, r.tls?.termination]).toEqual(['NOT A HOST!', 'no-slash', 'bogus']);
  });

  test('missing namespace takes defaultNamespace', () => {
    const obj = { ...minimalRoute, metadata: { name: 'web' } };
    expect(value(toRoute(obj, { defaultNamespace: 'default' })).namespace).toBe('default');
  });

  test('null fields count as unset (kubectl writes creationTimestamp: null)', () => {
    const obj = { ...minimalRoute, metadata: { ...minimalRoute.metadata, creationTimestamp: null, labels: null } };
    expect(value(toRoute(obj))).toEqual(minimalExpected);
  });

  test.each([
    [new Date('2024-05-01T10:00:00Z'), '2024-05-01T10:00:00Z'],
    [new Date('2024-05-01T10:00:00.250Z'), '2024-05-01T10:00:00.250Z'],
  ])('creationTimestamp given as a Date (client-node) becomes RFC 3339 text: %s', (date, expected) => {
    const obj = { ...minimalRoute, metadata: { ...minimalRoute.metadata, creationTimestamp: date } };
    expect(value(toRoute(obj)).creationTimestamp).toBe(expected);
  });

  test.each([
    ['not an object', 'route', {}, 'Route: must be an object'],
    ['no metadata', { spec: minimalRoute.spec }, {}, 'Route: metadata must be an object'],
    ['no name', { ...minimalRoute, metadata: { namespace: 'shop' } }, {}, 'Route: metadata.name must be a non-empty string'],
    ['name not a string', { ...minimalRoute, metadata: { name: 7, namespace: 'shop' } }, {}, 'Route: metadata.name must be a string'],
    ['no namespace and no default', { ...minimalRoute, metadata: { name: 'web' } }, {}, 'Route web: metadata.namespace must be a non-empty string'],
    ['no spec', { ...minimalRoute, spec: undefined }, {}, 'Route shop/web: spec.to must be an object'],
    ['to not an object', routeWithSpec({ to: 'web' }), {}, 'Route shop/web: spec.to must be an object'],
    ['to.name not a string', routeWithSpec({ to: { name: 5 } }), {}, 'Route shop/web: spec.to.name must be a string'],
    ['to.name missing', routeWithSpec({ to: { kind: 'Service' } }), {}, 'Route shop/web: spec.to.name must be a non-empty string'],
    ['host a number', routeWithSpec({ host: 42 }), {}, 'Route shop/web: spec.host must be a string'],
    ['weight a string', routeWithSpec({ to: { name: 'a', weight: '10' } }), {}, 'Route shop/web: spec.to.weight must be an integer'],
    ['weight a fraction', routeWithSpec({ to: { name: 'a', weight: 1.5 } }), {}, 'Route shop/web: spec.to.weight must be an integer'],
    ['alternateBackends not a list', routeWithSpec({ alternateBackends: {} }), {}, 'Route shop/web: spec.alternateBackends must be a list'],
    ['alternate backend without name', routeWithSpec({ alternateBackends: [{ name: 'b' }, { weight: 1 }] }), {}, 'Route shop/web: spec.alternateBackends[1].name must be a non-empty string'],
    ['targetPort a boolean', routeWithSpec({ port: { targetPort: true } }), {}, 'Route shop/web: spec.port.targetPort must be an integer or a string'],
    ['port a number', routeWithSpec({ port: 80 }), {}, 'Route shop/web: spec.port must be an object'],
    ['tls a string', routeWithSpec({ tls: 'edge' }), {}, 'Route shop/web: spec.tls must be an object'],
    ['tls.key a number', routeWithSpec({ tls: { termination: 'edge', key: 1 } }), {}, 'Route shop/web: spec.tls.key must be a string'],
    ['annotation value a number', { ...minimalRoute, metadata: { ...minimalRoute.metadata, annotations: { a: 1 } } }, {}, 'Route shop/web: metadata.annotations["a"] must be a string'],
    ['labels a list', { ...minimalRoute, metadata: { ...minimalRoute.metadata, labels: ['a'] } }, {}, 'Route shop/web: metadata.labels must be an object'],
    ['invalid Date', { ...minimalRoute, metadata: { ...minimalRoute.metadata, creationTimestamp: new Date('x') } }, {}, 'Route shop/web: metadata.creationTimestamp must be a valid time'],
  ])('error: %s', (_name, obj, opts, error) => {
    expect(toRoute(obj, opts)).toEqual({ ok: false, error });
  });
});

describe('what routes without labels, annotations or alternate backends keep', () => {
  test('one shared empty map and list for all of them; a route with some keeps its own', () => {
    const a = value(toRoute(minimalRoute));
    const b = value(toRoute({ ...minimalRoute, metadata: { ...minimalRoute.metadata, name: 'other', labels: {} } }));
    expect(b.labels).toBe(a.labels);
    expect(b.annotations).toBe(a.annotations);
    expect(b.alternateBackends).toBe(a.alternateBackends);
    expect(Object.isFrozen(a.labels) && Object.isFrozen(a.alternateBackends)).toBe(true);
    const c = value(toRoute({ ...minimalRoute, metadata: { ...minimalRoute.metadata, labels: { app: 'x' } }, spec: { ...minimalRoute.spec, alternateBackends: [{ name: 'alt', weight: 1 }] } }));
    expect(c.labels).toEqual({ app: 'x' });
    expect(c.alternateBackends).toEqual([{ kind: 'Service', name: 'alt', weight: 1 }]);
  });
});
