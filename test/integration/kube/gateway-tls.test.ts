import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { makeCA, makeLeaf } from '../../support/certs.ts';
import { brief, GATEWAY_API, gatewayClassObject, gatewayObject, gatewayStatusOf, httpRouteObject, referenceGrantObject, routeParentConditions, tlsRouteObject } from '../../support/gateway-objects.ts';
import { tlsSecretObject } from '../../support/ingress-objects.ts';
import { KubeTestbed, serviceObject, sliceObject } from '../../support/kube-harness.ts';
import { tlsGet } from '../../support/tls-client.ts';

setDefaultTimeout(30_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

const ca = makeCA('gateway-test-ca');

describe('Gateway API TLS', () => {
  test('an HTTPS listener terminates with its certificateRefs Secret; a rotated Secret is served, by a reload as its line offers h2', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'web');
    api.server.create(tlsSecretObject('gw-tls', makeLeaf(ca, { dnsNames: ['tls.example.com'] })));
    api.server.create(gatewayClassObject());
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    api.server.create(
      gatewayObject({ name: 'gw', listeners: [{ name: 'https', port: t.httpsPort, protocol: 'HTTPS', hostname: 'tls.example.com', tls: { certificateRefs: [{ name: 'gw-tls' }] } }] }),
    );
    api.server.create(httpRouteObject({ name: 'web', rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/app' } }], backendRefs: [{ name: 'web' }] }] }));
    const https = (path = '/app') => tlsGet(t.httpsPort, { servername: 'tls.example.com', host: 'tls.example.com', path });
    await t.until('served over TLS', async () => (await https()).headers['x-backend'] === 'web');
    expect((await https()).peerSAN).toBe('DNS:tls.example.com');
    // A path no rule takes on a host the route serves: the spec's 404. Only an HTTP listener would serve plain HTTP.
    expect((await https('/other')).status).toBe(404);
    expect((await t.get('tls.example.com', '/app')).status).toBe(503);

    api.server.update(tlsSecretObject('gw-tls', makeLeaf(ca, { dnsNames: ['tls.example.com', 'rotated.example.com'] })));
    await t.until('the rotated certificate is served', async () => (await https()).peerSAN === 'DNS:tls.example.com, DNS:rotated.example.com');
    // A certificate of its own offers h2 on its crt-list line, and haproxy 2.6 cannot delete a line with options under
    // handshakes (certificate-plan.ts): the rotation reloads; adding certificates stays live.
    expect([...t.router.reloadCounts]).toEqual([['crt-list-line-options', 1]]);
  });

  test('a route on an HTTP and an HTTPS listener is served over both; a Secret of the wrong type is InvalidCertificateRef', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'web');
    api.server.create(tlsSecretObject('gw-tls', makeLeaf(ca, { dnsNames: ['*.example.com'] })));
    api.server.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'opaque', namespace: 'default' }, type: 'Opaque', data: {} });
    api.server.create(gatewayClassObject());
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    api.server.create(
      gatewayObject({
        name: 'gw',
        listeners: [
          { name: 'http', port: t.httpPort, protocol: 'HTTP', hostname: '*.example.com' },
          { name: 'https', port: t.httpsPort, protocol: 'HTTPS', hostname: '*.example.com', tls: { certificateRefs: [{ name: 'gw-tls' }] } },
          { name: 'wrong', port: t.httpsPort, protocol: 'HTTPS', hostname: 'wrong.example.org', tls: { certificateRefs: [{ name: 'opaque' }] } },
        ],
      }),
    );
    api.server.create(httpRouteObject({ name: 'web', hostnames: ['both.example.com'], rules: [{ backendRefs: [{ name: 'web' }] }] }));
    const https = () => tlsGet(t.httpsPort, { servername: 'both.example.com', host: 'both.example.com' });
    await t.until('served over TLS', async () => (await https()).headers['x-backend'] === 'web');
    expect([(await https()).peerSAN, (await t.get('both.example.com')).backend]).toEqual(['DNS:*.example.com', 'web']);
    await t.untilWritten('the wrong Secret is said', () => brief(gatewayStatusOf(api.server, 'default', 'gw').listeners?.[2]?.conditions)[1] === 'ResolvedRefs=False/InvalidCertificateRef');
    expect(gatewayStatusOf(api.server, 'default', 'gw').listeners?.[2]?.conditions[1]?.message).toBe('Secret default/opaque is of type "Opaque", not kubernetes.io/tls');
  });

  test('a certificateRef into another namespace needs a ReferenceGrant; a missing Secret is InvalidCertificateRef', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'web');
    api.server.create(tlsSecretObject('shared-tls', makeLeaf(ca, { dnsNames: ['tls.example.com'] }), 'certs'));
    api.server.create(gatewayClassObject());
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    api.server.create(
      gatewayObject({
        name: 'gw',
        listeners: [
          { name: 'shared', port: t.httpsPort, protocol: 'HTTPS', hostname: 'tls.example.com', tls: { certificateRefs: [{ name: 'shared-tls', namespace: 'certs' }] } },
          { name: 'lost', port: t.httpsPort, protocol: 'HTTPS', hostname: 'lost.example.com', tls: { certificateRefs: [{ name: 'nowhere' }] } },
        ],
      }),
    );
    api.server.create(httpRouteObject({ name: 'web', rules: [{ backendRefs: [{ name: 'web' }] }] }));
    const listeners = () => gatewayStatusOf(api.server, 'default', 'gw').listeners?.map((l) => brief(l.conditions)[1]).join();
    await t.untilWritten('both references are refused', () => listeners() === 'ResolvedRefs=False/RefNotPermitted,ResolvedRefs=False/InvalidCertificateRef');
    expect((await tlsGet(t.httpsPort, { servername: 'tls.example.com', host: 'tls.example.com' })).status).toBe(503);

    api.server.create(referenceGrantObject({ name: 'gateways', namespace: 'certs', fromKind: 'Gateway', fromNamespace: 'default', toKind: 'Secret' }));
    await t.until('served with the granted Secret', async () => (await tlsGet(t.httpsPort, { servername: 'tls.example.com', host: 'tls.example.com' })).headers['x-backend'] === 'web');
    await t.untilWritten('the granted reference is resolved', () => listeners() === 'ResolvedRefs=True/ResolvedRefs,ResolvedRefs=False/InvalidCertificateRef');
  });

  test('a TLSRoute on a Passthrough listener hands TLS to the backend by SNI', async () => {
    const api = await bed.startApi();
    const pod = makeLeaf(ca, { dnsNames: ['pass.example.com'] });
    const backend = Bun.serve({ port: 0, hostname: '127.0.0.1', tls: { cert: pod.cert, key: pod.key }, fetch: () => new Response('pod', { headers: { 'x-backend': 'pod' } }) });
    bed.onTeardown(() => backend.stop(true));
    api.server.create(serviceObject('pass'));
    api.server.create(sliceObject({ service: 'pass', port: backend.port as number }));
    api.server.create(gatewayClassObject());
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    api.server.create(gatewayObject({ name: 'gw', listeners: [{ name: 'tls', port: t.httpsPort, protocol: 'TLS', hostname: '*.example.com', tls: { mode: 'Passthrough' } }] }));
    api.server.create(tlsRouteObject({ name: 'pass', hostnames: ['pass.example.com'], backendRefs: [{ name: 'pass' }] }));
    await t.until('passed through', async () => (await tlsGet(t.httpsPort, { servername: 'pass.example.com', host: 'pass.example.com' })).headers['x-backend'] === 'pod');
    expect((await tlsGet(t.httpsPort, { servername: 'pass.example.com', host: 'pass.example.com' })).peerSAN).toBe('DNS:pass.example.com');
    await t.untilWritten('the TLSRoute is accepted', () => brief(routeParentConditions(api.server, 'TLSRoute', 'default', 'pass')).join() === 'Accepted=True/Accepted,ResolvedRefs=True/ResolvedRefs');
    expect(gatewayStatusOf(api.server, 'default', 'gw').listeners?.[0]?.supportedKinds.map((k) => k.kind)).toEqual(['TLSRoute']);

    // A wildcard passes through names any number of labels deep.
    api.server.create(tlsRouteObject({ name: 'deep', hostnames: ['*.deep.example.com'], backendRefs: [{ name: 'pass' }] }));
    await t.until('a deep name is passed through', async () => (await tlsGet(t.httpsPort, { servername: 'a.b.deep.example.com', host: 'a.b.deep.example.com' })).headers['x-backend'] === 'pod');
    expect((await tlsGet(t.httpsPort, { servername: 'deep.example.com', host: 'deep.example.com' })).status).not.toBe(200);
  });
});
