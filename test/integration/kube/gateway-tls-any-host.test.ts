import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { makeCA, makeLeaf } from '../../support/certs.ts';
import type { KubeObject } from '../../support/fake-api/fake-api-server.ts';
import { brief, GATEWAY_API, gatewayClassObject, gatewayObject, httpRouteObject, routeParentConditions } from '../../support/gateway-objects.ts';
import { tlsSecretObject } from '../../support/ingress-objects.ts';
import { KubeTestbed, routeObject } from '../../support/kube-harness.ts';
import { tlsGet } from '../../support/tls-client.ts';

setDefaultTimeout(30_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

const ca = makeCA('gateway-any-host-ca');

/** An edge Route, with its own certificate or the default one. */
function edgeRoute(name: string, host: string, own?: { cert: string; key: string }): KubeObject {
  const route = routeObject({ name, host });
  return { ...route, spec: { ...(route.spec as object), tls: { termination: 'edge', ...(own ? { certificate: own.cert, key: own.key } : {}) } } };
}

describe('Gateway API TLS beyond crt-list names', () => {
  test('an HTTPS listener without a hostname serves any host with its certificate; names Routes and other routes hold keep theirs', async () => {
    const api = await bed.startApi();
    for (const name of ['any', 'named', 'route', 'owned']) bed.app(api.server, name);
    const listenerCert = makeLeaf(ca, { dnsNames: ['gateway.test'] });
    const routeCert = makeLeaf(ca, { dnsNames: ['owned.example.com'] });
    api.server.create(tlsSecretObject('gw-tls', listenerCert));
    api.server.create(gatewayClassObject());
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    api.server.create(edgeRoute('route', 'route.example.com'));
    api.server.create(edgeRoute('owned', 'owned.example.com', routeCert));
    api.server.create(gatewayObject({ name: 'gw', listeners: [{ name: 'https', port: t.httpsPort, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'gw-tls' }] } }] }));
    api.server.create(httpRouteObject({ name: 'any', rules: [{ backendRefs: [{ name: 'any' }] }] }));
    api.server.create(httpRouteObject({ name: 'named', hostnames: ['named.example.com'], rules: [{ backendRefs: [{ name: 'named' }] }] }));
    const https = (name: string) => tlsGet(t.httpsPort, { servername: name, host: name });

    await t.until('any host is served over TLS', async () => (await https('whatever.example.org')).headers['x-backend'] === 'any');
    const defaultCert = (await tlsGet(t.httpsPort, { host: 'whatever.example.org' })).peerSAN;
    expect(defaultCert).not.toBe('DNS:gateway.test');
    const seen = async (name: string) => {
      const res = await https(name);
      return [res.headers['x-backend'], res.peerSAN];
    };
    expect(await seen('a.b.c.whatever.example.org')).toEqual(['any', 'DNS:gateway.test']);
    await t.until('the named host is served', async () => (await https('named.example.com')).headers['x-backend'] === 'named');
    expect(await seen('named.example.com')).toEqual(['named', 'DNS:gateway.test']);
    // A Route's host is the Route's, its certificate included: its own, or the default one, never the Gateway's.
    expect(await seen('route.example.com')).toEqual(['route', defaultCert]);
    expect(await seen('owned.example.com')).toEqual(['owned', 'DNS:owned.example.com']);
    // Only an HTTP listener serves plain HTTP.
    expect((await t.get('whatever.example.org')).status).toBe(503);
    await t.untilWritten('the route is accepted', () => brief(routeParentConditions(api.server, 'HTTPRoute', 'default', 'any')).join() === 'Accepted=True/Accepted,ResolvedRefs=True/ResolvedRefs');
  });

  test('a wildcard listener offers its certificate at any depth, below more specific names; rotated one label deep by its line', async () => {
    const api = await bed.startApi();
    for (const name of ['web', 'deeper', 'route']) bed.app(api.server, name);
    api.server.create(tlsSecretObject('wild-tls', makeLeaf(ca, { dnsNames: ['*.example.com'] })));
    api.server.create(tlsSecretObject('deeper-tls', makeLeaf(ca, { dnsNames: ['*.deeper.example.com'] })));
    api.server.create(gatewayClassObject());
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    api.server.create(edgeRoute('route', 'a.b.example.com'));
    api.server.create(
      gatewayObject({
        name: 'gw',
        listeners: [
          { name: 'wild', port: t.httpsPort, protocol: 'HTTPS', hostname: '*.example.com', tls: { certificateRefs: [{ name: 'wild-tls' }] } },
          { name: 'deeper', port: t.httpsPort, protocol: 'HTTPS', hostname: '*.deeper.example.com', tls: { certificateRefs: [{ name: 'deeper-tls' }] } },
        ],
      }),
    );
    api.server.create(httpRouteObject({ name: 'web', parentRefs: [{ name: 'gw', sectionName: 'wild' }], rules: [{ backendRefs: [{ name: 'web' }] }] }));
    api.server.create(httpRouteObject({ name: 'deeper', parentRefs: [{ name: 'gw', sectionName: 'deeper' }], rules: [{ backendRefs: [{ name: 'deeper' }] }] }));
    const seen = async (name: string) => {
      const res = await tlsGet(t.httpsPort, { servername: name, host: name });
      return [res.headers['x-backend'], res.peerSAN];
    };
    await t.until('a name two labels deep is served', async () => (await seen('x.y.example.com'))[0] === 'web');
    await t.until('the deeper wildcard is served', async () => (await seen('p.q.deeper.example.com'))[0] === 'deeper');
    const defaultCert = (await tlsGet(t.httpsPort, { host: 'x.y.example.com' })).peerSAN;
    expect(await seen('x.y.example.com')).toEqual(['web', 'DNS:*.example.com']);
    expect(await seen('one.example.com')).toEqual(['web', 'DNS:*.example.com']);
    expect(await seen('p.q.r.s.example.com')).toEqual(['web', 'DNS:*.example.com']);
    // The longer wildcard's certificate and route for its names.
    expect(await seen('p.q.deeper.example.com')).toEqual(['deeper', 'DNS:*.deeper.example.com']);
    // A Route's host under the wildcard keeps the Route and the default certificate.
    expect(await seen('a.b.example.com')).toEqual(['route', defaultCert]);
    // HTTP/2 is offered as for a crt-list line whose certificate nothing else serves.
    expect((await tlsGet(t.httpsPort, { servername: 'x.y.example.com', host: 'x.y.example.com', alpn: ['h2', 'http/1.1'] })).alpn).toBe('h2');
    // The domain itself is not under its wildcard.
    expect((await seen('example.com'))[1]).toBe(defaultCert);

    // A rotated Secret: names one label deep take it from their crt-list line, deeper ones with a reload of the
    // certificate's frontend; that line offers h2, so it goes by a reload too (haproxy 2.6 cannot delete a line with
    // options under handshakes, certificate-plan.ts).
    const reloads = () => t.router.reloadCounts.get('sni-frontends-changed') ?? 0;
    const before = reloads();
    api.server.update(tlsSecretObject('wild-tls', makeLeaf(ca, { dnsNames: ['*.example.com', 'rotated.example.com'] })));
    const rotated = 'DNS:*.example.com, DNS:rotated.example.com';
    await t.until('one label deep takes the new certificate', async () => (await seen('one.example.com'))[1] === rotated);
    await t.until('deeper names take it too', async () => (await seen('x.y.example.com'))[1] === rotated);
    expect([reloads() - before, [...t.router.reloadCounts.keys()]]).toEqual([1, ['sni-frontends-changed', 'crt-list-line-options']]);
  });
});
