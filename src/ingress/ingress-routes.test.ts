import { describe, expect, test } from 'bun:test';
import type { Ingress, IngressBackend, IngressPath, IngressSecret, ServicePorts } from '../domain/ingress.ts';
import { makeCA, makeLeaf } from '../../test/support/certs.ts';
import { isIngressRouteName } from '../domain/names.ts';
import { ingressReferences, ingressRoutes, MAX_ROUTES_PER_INGRESS, type IngressLookups } from './ingress-routes.ts';

const svc = (name: string, port: { name: string } | { number: number } = { name: 'http' }): IngressBackend => ({ kind: 'Service', name, port });
const path = (p: string, pathType = 'Prefix', backend = svc('web')): IngressPath => ({ path: p, pathType, backend });

function ingress(more: Partial<Ingress> = {}): Ingress {
  return {
    namespace: 'shop',
    name: 'web',
    uid: 'uid-1',
    creationTimestamp: '2026-01-01T00:00:00Z',
    labels: { app: 'web' },
    annotations: {},
    className: undefined,
    defaultBackend: undefined,
    rules: [{ host: 'a.example.com', paths: [path('/')] }],
    tls: [],
    ...more,
  };
}

const ca = makeCA('ingress-routes-test');
const leaf = makeLeaf(ca, { dnsNames: ['a.example.com'] });
const other = makeLeaf(ca, { dnsNames: ['a.example.com'] });

const tlsSecret = (name: string, data: Record<string, string> = { 'tls.crt': leaf.cert, 'tls.key': leaf.key }): IngressSecret => ({
  namespace: 'shop',
  name,
  type: 'kubernetes.io/tls',
  data,
  undecodable: [],
});

/** Without `services`, every Service exists with one port, `http` (80). */
function lookups(secrets: IngressSecret[] = [], services?: ServicePorts[], pending = false): IngressLookups {
  return {
    secret: (ns, name) => (pending ? 'pending' : secrets.find((s) => s.namespace === ns && s.name === name)),
    service: (ns, name) => (services ? services.find((s) => s.namespace === ns && s.name === name) : { namespace: ns, name, ports: [{ name: 'http', port: 80 }] }),
  };
}

/** What a test reads of each route: host, path, exactness, service and port, termination. */
const shape = (i: Ingress, l = lookups()) =>
  ingressRoutes(i, l).routes.map((r) => [r.host, r.path, r.exactPath ?? false, r.to.name, r.targetPort, r.tls?.termination ?? 'http', r.wildcardPolicy]);

describe('ingressRoutes: paths', () => {
  test.each([
    ['Prefix /', path('/'), ['a.example.com', '/', false, 'web', 'http', 'http', 'None']],
    ['Prefix drops trailing slashes (Kubernetes: /foo/ matches /foo)', path('/foo//'), ['a.example.com', '/foo', false, 'web', 'http', 'http', 'None']],
    ['ImplementationSpecific is a route path as written', path('/foo/', 'ImplementationSpecific'), ['a.example.com', '/foo/', false, 'web', 'http', 'http', 'None']],
    ['Exact', path('/login', 'Exact'), ['a.example.com', '/login', true, 'web', 'http', 'http', 'None']],
  ])('%s', (_name, p, want) => {
    expect(shape(ingress({ rules: [{ host: 'a.example.com', paths: [p] }] }))).toEqual([want]);
  });

  test('each route carries the Ingress\'s age, labels and annotations, under a stable name no Route can have', () => {
    const i = ingress({ annotations: { 'haproxy.router.openshift.io/ip_allowlist': '10.0.0.0/8' } });
    const [r] = ingressRoutes(i, lookups()).routes;
    expect(r).toMatchObject({ namespace: 'shop', uid: 'uid-1', creationTimestamp: '2026-01-01T00:00:00Z', labels: { app: 'web' }, annotations: i.annotations });
    expect(isIngressRouteName(r?.name ?? '')).toBe(true);
    expect(ingressRoutes(ingress(), lookups()).routes[0]?.name).toBe(r?.name as string);
  });

  test('a wildcard host becomes upstream\'s wildcard route', () => {
    expect(shape(ingress({ rules: [{ host: '*.example.com', paths: [path('/')] }] }))).toEqual([['wildcard.example.com', '/', false, 'web', 'http', 'http', 'Subdomain']]);
  });

  test('a path repeated on a host is served once, by its first rule; Exact and Prefix of one path are two routes', () => {
    const i = ingress({
      rules: [
        { host: 'a.example.com', paths: [path('/x', 'Prefix', svc('one')), path('/x', 'Exact', svc('two'))] },
        { host: 'a.example.com', paths: [path('/x/', 'Prefix', svc('three'))] },
      ],
    });
    expect(shape(i).map((r) => r[3])).toEqual(['one', 'two']);
    expect(ingressRoutes(i, lookups()).problems).toEqual(['Ingress shop/web: host a.example.com path "/x/" (Prefix) repeats an earlier path of the host and is not served']);
  });

  test.each([
    ['a rule without a host', ingress({ rules: [{ host: '', paths: [path('/')] }] }), 'rules[0] names no host and is not served: an Ingress serves only the hosts it names'],
    ['only a default backend', ingress({ rules: [], defaultBackend: svc('web') }), 'has only a default backend, which would catch every host: not served (name the hosts in rules)'],
    ['a resource backend', ingress({ rules: [{ host: 'a.example.com', paths: [path('/', 'Prefix', { kind: 'Unsupported', description: 'resource backend (example.com/Bucket b)' })] }] }), 'host a.example.com path "/" is not served: resource backend (example.com/Bucket b): only Service backends are served'],
    ['an unknown pathType', ingress({ rules: [{ host: 'a.example.com', paths: [path('/', 'Regex')] }] }), 'host a.example.com path "/" is not served: pathType "Regex" is not one of Exact, Prefix, ImplementationSpecific'],
    ['a host without paths nor default backend', ingress({ rules: [{ host: 'a.example.com', paths: undefined }] }), 'host a.example.com has no paths and the Ingress no default backend: nothing to serve'],
  ])('%s is not served, and said so', (_name, i, problem) => {
    const c = ingressRoutes(i, lookups());
    expect(c.routes).toEqual([]);
    expect(c.problems).toEqual([`Ingress shop/web: ${problem}`]);
  });
});

describe('ingressRoutes: Service ports', () => {
  const numbered = ingress({ rules: [{ host: 'a.example.com', paths: [path('/', 'Prefix', svc('web', { number: 80 }))] }] });
  test.each([
    ['a port name is the slice port name', ingress(), [{ namespace: 'shop', name: 'web', ports: [{ name: 'http', port: 8080 }] }], 'http', undefined],
    ['a port name the Service lacks', ingress(), [{ namespace: 'shop', name: 'web', ports: [{ name: 'https', port: 443 }] }], 'none', 'Service shop/web has no port named "http"'],
    ['no Service for a port name', ingress(), [], 'none', 'Service shop/web not found'],
    ['a port number is resolved to the Service port\'s name', numbered, [{ namespace: 'shop', name: 'web', ports: [{ name: 'main', port: 80 }] }], 'main', undefined],
    ['an unnamed Service port selects every slice port', numbered, [{ namespace: 'shop', name: 'web', ports: [{ name: '', port: 80 }] }], undefined, undefined],
    ['a number the Service lacks', numbered, [{ namespace: 'shop', name: 'web', ports: [{ name: 'main', port: 8080 }] }], 'none', 'Service shop/web has no port 80'],
    ['no Service to resolve the number', numbered, [], 'none', 'Service shop/web not found (its port 80 is named by number, which only the Service can resolve)'],
  ] as const)('%s', (_name, i, services, targetPort, problem) => {
    const c = ingressRoutes(i, lookups([], [...services]));
    expect(c.routes.map((r) => r.targetPort)).toEqual(targetPort === 'none' ? [] : [targetPort]);
    expect(c.problems).toEqual(problem ? [`Ingress shop/web: host a.example.com path "/" is not served: ${problem}`] : []);
  });
});

describe('ingressRoutes: default backend', () => {
  test('serves the whole of each host the Ingress names, below its paths, and nothing else', () => {
    const i = ingress({
      defaultBackend: svc('fallback'),
      rules: [
        { host: 'a.example.com', paths: [path('/api', 'Prefix', svc('api'))] },
        { host: 'b.example.com', paths: undefined },
      ],
    });
    expect(shape(i)).toEqual([
      ['a.example.com', '/api', false, 'api', 'http', 'http', 'None'],
      ['a.example.com', '/', false, 'fallback', 'http', 'http', 'None'],
      ['b.example.com', '/', false, 'fallback', 'http', 'http', 'None'],
    ]);
  });

  test('a host whose own path is the whole host needs no default route', () => {
    expect(shape(ingress({ defaultBackend: svc('fallback') })).map((r) => r[3])).toEqual(['web']);
  });

  test('beside paths of the host its route is the youngest claim (no creationTimestamp); alone on a host, the Ingress\'s claim at its age', () => {
    const i = ingress({ defaultBackend: svc('fallback'), rules: [{ host: 'a.example.com', paths: [path('/api')] }, { host: 'b.example.com', paths: undefined }] });
    expect(ingressRoutes(i, lookups()).routes.map((r) => [r.host, r.path, r.creationTimestamp])).toEqual([
      ['a.example.com', '/api', '2026-01-01T00:00:00Z'],
      ['a.example.com', '/', ''],
      ['b.example.com', '/', '2026-01-01T00:00:00Z'],
    ]);
  });
});

describe('ingressRoutes: size', () => {
  test(`at most ${MAX_ROUTES_PER_INGRESS} routes from one Ingress, the rest said once`, () => {
    const paths = Array.from({ length: MAX_ROUTES_PER_INGRESS + 5 }, (_, n) => path(`/p${n}`));
    const c = ingressRoutes(ingress({ rules: [{ host: 'a.example.com', paths }], defaultBackend: svc('fallback') }), lookups());
    expect(c.routes.length).toBe(MAX_ROUTES_PER_INGRESS);
    expect(c.routes.at(-1)?.path).toBe(`/p${MAX_ROUTES_PER_INGRESS - 1}`);
    expect(c.problems).toEqual([`Ingress shop/web: makes more than ${MAX_ROUTES_PER_INGRESS} routes (one per host and path): only the first ${MAX_ROUTES_PER_INGRESS} are served; split it into several Ingresses`]);
  });

  test('a Secret shared by many hosts is looked up and checked once', () => {
    const hosts = Array.from({ length: 50 }, (_, n) => `h${n}.example.com`);
    let lookedUp = 0;
    const wide = makeLeaf(ca, { dnsNames: ['*.example.com'] });
    const l: IngressLookups = { ...lookups(), secret: () => (lookedUp++, tlsSecret('wide', { 'tls.crt': wide.cert, 'tls.key': wide.key })) };
    const c = ingressRoutes(ingress({ rules: hosts.map((host) => ({ host, paths: [path('/')] })), tls: [{ hosts, secretName: 'wide' }] }), l);
    expect([c.routes.length, c.routes.every((r) => r.tls?.certificate === wide.cert), lookedUp]).toEqual([50, true, 1]);
  });
});

describe('ingressRoutes: TLS', () => {
  const withTls = (more: Partial<Ingress> = {}) => ingress({ tls: [{ hosts: ['a.example.com'], secretName: 'a-tls' }], ...more });

  test('a host listed with a Secret is edge-terminated with its certificate and key, plain HTTP redirected', () => {
    const [r] = ingressRoutes(withTls(), lookups([tlsSecret('a-tls')])).routes;
    expect(r?.tls).toEqual({
      termination: 'edge',
      insecureEdgeTerminationPolicy: 'Redirect',
      certificate: leaf.cert,
      key: leaf.key,
      caCertificate: '',
      destinationCACertificate: '',
    });
  });

  test('every route of the host carries its certificate: whichever of them admission takes serves it', () => {
    const i = withTls({ rules: [{ host: 'a.example.com', paths: [path('/'), path('/api'), path('/login', 'Exact')] }], defaultBackend: svc('fallback') });
    const c = ingressRoutes(i, lookups([tlsSecret('a-tls')]));
    expect(c.routes.map((r) => [r.path, r.tls?.certificate === leaf.cert])).toEqual([['/', true], ['/api', true], ['/login', true]]);
  });

  test.each([
    ['missing', [], 'Secret shop/a-tls not found'],
    ['of another type', [{ ...tlsSecret('a-tls'), type: 'Opaque' }], 'Secret shop/a-tls is of type "Opaque", not kubernetes.io/tls'],
    ['without a key', [tlsSecret('a-tls', { 'tls.crt': '-----BEGIN CERTIFICATE-----\n' })], 'Secret shop/a-tls has no tls.key'],
    ['not base64', [{ ...tlsSecret('a-tls'), undecodable: ['tls.crt'] }], 'Secret shop/a-tls: tls.crt is not base64'],
    ['without PEM', [tlsSecret('a-tls', { 'tls.crt': 'hello', 'tls.key': '-----BEGIN PRIVATE KEY-----\n' })], 'Secret shop/a-tls: tls.crt holds no PEM certificate'],
    ['whose key is another certificate\'s', [tlsSecret('a-tls', { 'tls.crt': leaf.cert, 'tls.key': other.key })], 'Secret shop/a-tls: spec.tls.key: Invalid value: "redacted key data": tls: private key does not match public key'],
  ])('a Secret %s leaves its host unserved, and only that host', (_name, secrets, problem) => {
    const i = withTls({ rules: [{ host: 'a.example.com', paths: [path('/')] }, { host: 'b.example.com', paths: [path('/')] }] });
    const c = ingressRoutes(i, lookups(secrets));
    expect(c.routes.map((r) => r.host)).toEqual(['b.example.com']);
    expect(c.problems).toEqual([`Ingress shop/web: host a.example.com is not served: ${problem}`]);
  });

  test('while the namespace\'s Secrets are being read, a TLS host waits without a complaint', () => {
    const c = ingressRoutes(withTls(), lookups([], [], true));
    expect(c).toEqual({ routes: [], problems: [], pending: true });
  });

  test.each([
    ['a tls entry without secretName: the default certificate', { tls: [{ hosts: ['a.example.com'], secretName: '' }] }, 'edge'],
    ['an empty tls entry turns TLS on for every host', { tls: [{ hosts: [], secretName: '' }] }, 'edge'],
    ['the termination annotation alone', { annotations: { 'route.openshift.io/termination': 'reencrypt' } }, 'reencrypt'],
    ['an unknown termination does not', { annotations: { 'route.openshift.io/termination': 'bogus' } }, 'http'],
  ])('%s', (_name, more, termination) => {
    expect(shape(ingress(more)).map((r) => r[5])).toEqual([termination]);
  });

  test('passthrough: no certificate, whole-host paths only', () => {
    const i = withTls({ annotations: { 'route.openshift.io/termination': 'passthrough' } });
    const [r] = ingressRoutes(i, lookups([tlsSecret('a-tls')])).routes;
    expect(r?.path).toBe('');
    expect(r?.tls).toMatchObject({ termination: 'passthrough', certificate: '', key: '' });
  });

  test('reencrypt takes its destination CA from the annotated Secret; one it cannot use is said, and the host still served', () => {
    const annotations = { 'route.openshift.io/termination': 'reencrypt', 'route.openshift.io/destination-ca-certificate-secret': 'ca' };
    const ca = { ...tlsSecret('ca', { 'tls.crt': 'CA PEM' }), type: 'Opaque' };
    expect(ingressRoutes(ingress({ annotations }), lookups([ca])).routes[0]?.tls?.destinationCACertificate).toBe('CA PEM');
    const c = ingressRoutes(ingress({ annotations }), lookups());
    expect(c.routes[0]?.tls?.destinationCACertificate).toBe('');
    expect(c.problems).toEqual(['Ingress shop/web: host a.example.com: destination CA Secret shop/ca not found; pods are verified as for a reencrypt route without one']);
  });
});

test('ingressReferences: the Secrets and the Services', () => {
  const i = ingress({
    annotations: { 'route.openshift.io/destination-ca-certificate-secret': 'ca' },
    tls: [{ hosts: ['a.example.com'], secretName: 'a-tls' }, { hosts: [], secretName: '' }],
    defaultBackend: svc('fallback', { number: 80 }),
    rules: [{ host: 'a.example.com', paths: [path('/', 'Prefix', svc('web')), path('/x', 'Prefix', svc('num', { number: 8080 }))] }],
  });
  expect(ingressReferences(i)).toEqual({ secrets: ['a-tls', 'ca'], services: ['fallback', 'web', 'num'] });
});
