import { describe, expect, test } from 'bun:test';
import type { EndpointSlice } from '../domain/endpoints.ts';
import type { Route } from '../domain/route.ts';
import { toEndpointSlices, toRoute, type Conversion } from './convert.ts';

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
          externalCertificate: { name: 'ignored' },
        },
        wildcardPolicy: 'Subdomain',
        httpHeaders: { actions: {} },
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
      },
      wildcardPolicy: 'Subdomain',
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

function slice(overrides: Record<string, unknown>): unknown {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-abc12', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    ...overrides,
  };
}

describe('toEndpointSlices: EndpointSlice', () => {
  test('keeps every address with its readiness and pod, sorts addresses and ports', () => {
    const obj = slice({
      endpoints: [
        { addresses: ['10.0.0.10'], conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'web-3' } },
        { addresses: ['10.0.0.9'], conditions: { ready: false }, targetRef: { kind: 'Pod', name: 'web-2' } },
        // Unset readiness counts as ready; a non-Pod targetRef gives no pod name.
        { addresses: ['10.0.0.2', '10.0.0.1'], targetRef: { kind: 'Node', name: 'n1' } },
        { addresses: ['10.0.0.9'], conditions: { ready: null }, targetRef: { kind: 'Pod', name: 'web-1' } },
      ],
      ports: [
        { name: 'https', port: 8443, protocol: 'TCP' },
        { name: 'metrics', port: 8080, protocol: 'UDP' },
        { name: 'http', port: 8080, appProtocol: 'kubernetes.io/h2c' },
        { name: 'b', port: 8080 },
        { name: 'all', port: null },
      ],
    });
    const expected: EndpointSlice[] = [
      {
        namespace: 'shop',
        name: 'web-abc12',
        serviceName: 'web',
        addressType: 'IPv4',
        addresses: [
          { ip: '10.0.0.1', ready: true, podName: '' },
          { ip: '10.0.0.2', ready: true, podName: '' },
          { ip: '10.0.0.9', ready: true, podName: 'web-1' },
          { ip: '10.0.0.9', ready: false, podName: 'web-2' },
          { ip: '10.0.0.10', ready: true, podName: 'web-3' },
        ],
        ports: [
          { name: 'b', port: 8080, protocol: 'TCP', appProtocol: '' },
          { name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' },
          { name: 'metrics', port: 8080, protocol: 'UDP', appProtocol: '' },
          { name: 'https', port: 8443, protocol: 'TCP', appProtocol: '' },
        ],
      },
    ];
    expect(toEndpointSlices(obj, 'EndpointSlice')).toEqual({ ok: true, value: expected });
  });

  test('FQDN slices give nothing: the router dials IPs only', () => {
    expect(toEndpointSlices(slice({ addressType: 'FQDN', endpoints: [{ addresses: ['a.test'] }] }), 'EndpointSlice')).toEqual({
      ok: true,
      value: [],
    });
  });

  test('a slice without the service-name label has an empty serviceName', () => {
    const obj = slice({ metadata: { name: 'orphan', namespace: 'shop' } });
    expect(value(toEndpointSlices(obj, 'EndpointSlice'))[0]?.serviceName).toBe('');
  });

  test('IPv6 addresses sort by value, not text', () => {
    const obj = slice({ addressType: 'IPv6', endpoints: [{ addresses: ['fd00::10', 'fd00::9', 'fd00::a'] }] });
    expect(value(toEndpointSlices(obj, 'EndpointSlice'))[0]?.addresses.map((a) => a.ip)).toEqual([
      'fd00::9',
      'fd00::a',
      'fd00::10',
    ]);
  });

  test('addresses enter in canonical text; one haproxy would read otherwise stays as written, for the filter to refuse and name', () => {
    const obj = slice({ addressType: 'IPv6', endpoints: [{ addresses: ['FD00:0:0::0001', '::FFFF:0A00:0001', '010.0.0.1', 'fe80::1%eth0'] }] });
    expect(value(toEndpointSlices(obj, 'EndpointSlice'))[0]?.addresses.map((a) => a.ip)).toEqual(['010.0.0.1', 'fe80::1%eth0', '::ffff:10.0.0.1', 'fd00::1']);
    const core = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'shop' }, subsets: [{ addresses: [{ ip: '2001:DB8::A' }], ports: [{ port: 80 }] }] };
    expect(value(toEndpointSlices(core, 'Endpoints'))[0]?.addresses.map((a) => a.ip)).toEqual(['2001:db8::a']);
  });

  test.each([
    ['address not a string', slice({ endpoints: [{ addresses: [10] }] }), 'EndpointSlice shop/web-abc12: endpoints[0].addresses[0] must be a string'],
    ['endpoint not an object', slice({ endpoints: ['10.0.0.1'] }), 'EndpointSlice shop/web-abc12: endpoints[0] must be an object'],
    ['ready a string', slice({ endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: 'yes' } }] }), 'EndpointSlice shop/web-abc12: endpoints[0].conditions.ready must be a boolean'],
    ['port a string', slice({ ports: [{ port: '80' }] }), 'EndpointSlice shop/web-abc12: ports[0].port must be an integer'],
    ['addressType a number', slice({ addressType: 4 }), 'EndpointSlice shop/web-abc12: addressType must be a string'],
  ])('error: %s', (_name, obj, error) => {
    expect(toEndpointSlices(obj, 'EndpointSlice')).toEqual({ ok: false, error });
  });
});

describe('toEndpointSlices: Endpoints', () => {
  const endpoints = (subsets: unknown): unknown => ({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: 'shop' },
    subsets,
  });

  test('one subset becomes one record named after the object', () => {
    const obj = endpoints([
      {
        addresses: [{ ip: '10.0.0.2', targetRef: { kind: 'Pod', name: 'web-2' } }],
        notReadyAddresses: [{ ip: '10.0.0.1', targetRef: { kind: 'Pod', name: 'web-1' } }],
        ports: [{ port: 8080 }],
      },
    ]);
    expect(toEndpointSlices(obj, 'Endpoints')).toEqual({
      ok: true,
      value: [
        {
          namespace: 'shop',
          name: 'web',
          serviceName: 'web',
          addressType: 'IPv4',
          addresses: [
            { ip: '10.0.0.1', ready: false, podName: 'web-1' },
            { ip: '10.0.0.2', ready: true, podName: 'web-2' },
          ],
          ports: [{ name: '', port: 8080, protocol: 'TCP', appProtocol: '' }],
        },
      ],
    });
  });

  test('several subsets become records <name>/<i>, in subset order', () => {
    const obj = endpoints([
      { addresses: [{ ip: 'fd00::1' }], ports: [{ name: 'http', port: 80 }] },
      { addresses: [{ ip: '10.0.0.1' }], ports: [{ name: 'https', port: 443 }] },
    ]);
    const records = value(toEndpointSlices(obj, 'Endpoints'));
    expect(records.map((r) => [r.name, r.serviceName, r.addressType])).toEqual([
      ['web/0', 'web', 'IPv6'],
      ['web/1', 'web', 'IPv4'],
    ]);
  });

  test.each([
    ['no subsets', undefined],
    ['empty subsets', []],
  ])('%s gives no records', (_name, subsets) => {
    expect(toEndpointSlices(endpoints(subsets), 'Endpoints')).toEqual({ ok: true, value: [] });
  });

  test('address without ip is an error', () => {
    expect(toEndpointSlices(endpoints([{ notReadyAddresses: [{ hostname: 'x' }] }]), 'Endpoints')).toEqual({
      ok: false,
      error: 'Endpoints shop/web: subsets[0].notReadyAddresses[0].ip must be a non-empty string',
    });
  });
});
