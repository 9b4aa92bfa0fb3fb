import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { makeCA, makeLeaf } from '../../support/certs.ts';
import { GATEWAY_API, gatewayClassObject, gatewayObject, httpRouteObject, tlsRouteObject } from '../../support/gateway-objects.ts';
import { KubeTestbed, serviceObject, sliceObject } from '../../support/kube-harness.ts';
import type { KubeObject } from '../../support/fake-api/fake-api-server.ts';
import { startBackend, startTlsBackend } from '../../support/backend.ts';
import { tlsGet } from '../../support/tls-client.ts';

setDefaultTimeout(30_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

/** Namespace `ta`'s Route, older than anything of the Gateway API. */
const ownerRoute = (name: string, spec: Record<string, unknown>): KubeObject => ({
  kind: 'Route',
  metadata: { name, namespace: 'ta', creationTimestamp: '2024-01-01T00:00:00Z' },
  spec: { to: { kind: 'Service', name: 'a', weight: 100 }, wildcardPolicy: 'None', ...spec },
});

/** Services `a` (namespace ta) and `b` (namespace tb) on the given pods. */
function services(server: { create(o: KubeObject): unknown }, a: number, b: number): void {
  server.create(serviceObject('a', 'ta'));
  server.create(sliceObject({ service: 'a', port: a, namespace: 'ta' }));
  server.create(serviceObject('b', 'tb'));
  server.create(sliceObject({ service: 'b', port: b, namespace: 'tb' }));
}

describe("a Gateway API wildcard or catch-all in another namespace never serves a Route's host", () => {
  test('HTTP: the paths a Route leaves unserved on its host, and the host of a TLS-only or a wildcard Route, answer 503; hosts nobody holds go to the catch-all', async () => {
    const a = startBackend('a');
    const b = startBackend('b');
    bed.onTeardown(() => a.stop());
    bed.onTeardown(() => b.stop());
    const api = await bed.startApi();
    services(api.server, a.port, b.port);
    api.server.create(ownerRoute('api', { host: 'a.example.com', path: '/api' }));
    api.server.create(ownerRoute('tls-only', { host: 'e.example.com', tls: { termination: 'edge' } }));
    api.server.create(ownerRoute('wild', { host: 'www.w.example.com', path: '/api', wildcardPolicy: 'Subdomain' }));
    api.server.create(gatewayClassObject());
    const t = await bed.startRouter(api, { args: [...GATEWAY_API, '--allow-wildcard-routes'] });
    api.server.create(gatewayObject({ name: 'gw', namespace: 'infra', listeners: [{ name: 'http', port: t.httpPort, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }] }));
    api.server.create(httpRouteObject({ name: 'all', namespace: 'tb', parentRefs: [{ name: 'gw', namespace: 'infra' }], rules: [{ backendRefs: [{ name: 'b' }] }] }));
    await t.untilServed('nobody.example.org', 'b');

    expect((await t.get('a.example.com', '/api/x')).backend).toBe('a');
    expect((await t.get('x.w.example.com', '/api/x')).backend).toBe('a');
    const answers = await Promise.all(
      [['a.example.com', '/'], ['a.example.com', '/other'], ['e.example.com', '/'], ['x.w.example.com', '/other']].map(async ([host, path]) => {
        const res = await t.get(host as string, path);
        return `${host}${path} ${res.status} ${res.backend ?? '-'}`;
      }),
    );
    expect(answers).toEqual(['a.example.com/ 503 -', 'a.example.com/other 503 -', 'e.example.com/ 503 -', 'x.w.example.com/other 503 -']);
    // A name one label deeper than the Route wildcard's is nobody's: the catch-all serves it.
    expect((await t.get('y.x.w.example.com', '/other')).backend).toBe('b');

    // Over HTTPS too: the TLS-only Route's host is served by its route alone; a plain Route's host by nobody.
    const edge = await tlsGet(t.httpsPort, { servername: 'e.example.com', host: 'e.example.com', path: '/' });
    expect([edge.status, edge.headers['x-backend']]).toEqual([200, 'a']);
    expect((await tlsGet(t.httpsPort, { servername: 'a.example.com', host: 'a.example.com', path: '/other' })).headers['x-backend']).toBeUndefined();

    // The Route goes: its host is nobody's, and the catch-all takes it, live.
    api.server.remove('Route', 'ta', 'api');
    await t.untilServed('a.example.com', 'b');
    // And comes back: the host is the Route's again, live.
    api.server.create(ownerRoute('api', { host: 'a.example.com', path: '/api' }));
    await t.untilServed('a.example.com', 503);
    expect((await t.get('a.example.com', '/api/x')).backend).toBe('a');
  });

  test('TLS: a deep wildcard passthrough TLSRoute does not take the SNI of a Route host, whatever its termination', async () => {
    const ca = makeCA('tenant-b-ca');
    const pod = makeLeaf(ca, { dnsNames: ['tenant-b.example.com'] });
    const a = startBackend('a');
    const b = startTlsBackend('b', pod);
    bed.onTeardown(() => a.stop());
    bed.onTeardown(() => b.stop());
    const api = await bed.startApi();
    services(api.server, a.port, b.port);
    api.server.create(ownerRoute('edge', { host: 'a.example.com', tls: { termination: 'edge' } }));
    api.server.create(ownerRoute('plain', { host: 'p.example.com' }));
    api.server.create(gatewayClassObject());
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    api.server.create(
      gatewayObject({
        name: 'gw',
        namespace: 'infra',
        listeners: [{ name: 'tls', port: t.httpsPort, protocol: 'TLS', hostname: '*.com', tls: { mode: 'Passthrough' }, allowedRoutes: { namespaces: { from: 'All' }, kinds: [{ kind: 'TLSRoute' }] } }],
      }),
    );
    api.server.create(tlsRouteObject({ name: 'deep', namespace: 'tb', parentRefs: [{ name: 'gw', namespace: 'infra' }], hostnames: ['*.com'], backendRefs: [{ name: 'b' }] }));
    await t.until('a name nobody holds passes through to b', async () => (await tlsGet(t.httpsPort, { servername: 'c.example.com', host: 'c.example.com' })).headers['x-backend'] === 'b');

    const owned = await tlsGet(t.httpsPort, { servername: 'a.example.com', host: 'a.example.com' });
    expect([owned.status, owned.headers['x-backend'], owned.peerSAN]).not.toContain('DNS:tenant-b.example.com');
    expect([owned.status, owned.headers['x-backend']]).toEqual([200, 'a']);
    const plain = await tlsGet(t.httpsPort, { servername: 'p.example.com', host: 'p.example.com' });
    expect(plain.peerSAN).not.toBe('DNS:tenant-b.example.com');
    expect(plain.headers['x-backend']).toBeUndefined();
  });
});
