import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { makeCA, makeLeaf } from '../../support/certs.ts';
import { ingressObject, tlsSecretObject } from '../../support/ingress-objects.ts';
import { KubeTestbed, routeObject, serviceObject, sliceObject } from '../../support/kube-harness.ts';
import { tlsGet } from '../../support/tls-client.ts';

setDefaultTimeout(20_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

const INGRESS = ['--enable-ingress'];
const ca = makeCA('ingress-test-ca');

describe('Ingress TLS from Secrets', () => {
  test('a host in spec.tls is edge-terminated with its Secret, plain HTTP redirected; a rotated Secret is served, by a reload as its line offers h2', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'web');
    const first = makeLeaf(ca, { dnsNames: ['tls.example.com'] });
    api.server.create(tlsSecretObject('web-tls', first));
    api.server.create(ingressObject({ name: 'web', rules: [{ host: 'tls.example.com', paths: [{ service: 'web' }] }], tls: [{ hosts: ['tls.example.com'], secretName: 'web-tls' }] }));
    const t = await bed.startRouter(api, { args: INGRESS });

    const served = await tlsGet(t.httpsPort, { servername: 'tls.example.com', host: 'tls.example.com' });
    expect([served.status, served.headers['x-backend'], served.peerSAN]).toEqual([200, 'web', 'DNS:tls.example.com']);
    const plain = await t.get('tls.example.com', '/a');
    expect([plain.status, plain.headers.get('location')]).toEqual([302, 'https://tls.example.com/a']);

    const rotated = makeLeaf(ca, { dnsNames: ['tls.example.com', 'rotated.example.com'] });
    api.server.update(tlsSecretObject('web-tls', rotated));
    await t.until('the rotated certificate is served', async () => (await tlsGet(t.httpsPort, { servername: 'tls.example.com', host: 'tls.example.com' })).peerSAN === 'DNS:tls.example.com, DNS:rotated.example.com');

    // A TLS Ingress with several paths on its host, added while running: each route carries the certificate, added live.
    bed.app(api.server, 'api');
    api.server.create(tlsSecretObject('shop-tls', makeLeaf(ca, { dnsNames: ['shop.example.com'] })));
    api.server.create(
      ingressObject({ name: 'shop', rules: [{ host: 'shop.example.com', paths: [{ path: '/api', service: 'api' }, { path: '/', service: 'web' }] }], tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }] }),
    );
    const shop = (path: string) => tlsGet(t.httpsPort, { servername: 'shop.example.com', host: 'shop.example.com', path });
    await t.until('the new Ingress is served over TLS', async () => (await shop('/api/v1')).headers['x-backend'] === 'api');
    expect([(await shop('/')).headers['x-backend'], (await shop('/')).peerSAN]).toEqual(['web', 'DNS:shop.example.com']);
    // A certificate of its own offers h2 on its crt-list line, and haproxy 2.6 cannot delete a line with options under
    // handshakes (certificate-plan.ts): the rotation reloads; adding certificates stays live.
    expect([...t.router.reloadCounts]).toEqual([['crt-list-line-options', 1]]);
  });

  test('every path of a TLS host serves its certificate, also when admission refuses the path that would carry it alone', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'web', 'shop');
    bed.app(api.server, 'api', 'shop');
    api.server.create(serviceObject('old', 'shop'));
    api.server.create(sliceObject({ service: 'old', port: bed.startBackend('old').port, namespace: 'shop' }));
    // An older plain Route of the namespace holds the host's whole path: the Ingress's `/` is refused, its `/api` served.
    api.server.create(routeObject({ name: 'old', namespace: 'shop', host: 'a.example.com', service: 'old', creationTimestamp: '2020-01-01T00:00:00Z' }));
    api.server.create(tlsSecretObject('a-tls', makeLeaf(ca, { dnsNames: ['a.example.com'] }), 'shop'));
    api.server.create(
      ingressObject({ name: 'shop', namespace: 'shop', creationTimestamp: '2024-01-01T00:00:00Z', rules: [{ host: 'a.example.com', paths: [{ path: '/', service: 'web' }, { path: '/api', service: 'api' }] }], tls: [{ hosts: ['a.example.com'], secretName: 'a-tls' }] }),
    );
    const t = await bed.startRouter(api, { args: INGRESS });
    const api1 = await tlsGet(t.httpsPort, { servername: 'a.example.com', host: 'a.example.com', path: '/api/v1' });
    expect([api1.status, api1.headers['x-backend'], api1.peerSAN]).toEqual([200, 'api', 'DNS:a.example.com']);
  });

  test('a missing or malformed Secret leaves its host unserved, said in the log, and the Ingress\'s other hosts served', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'web');
    api.server.create(tlsSecretObject('good-tls', makeLeaf(ca, { dnsNames: ['good.example.com'] })));
    api.server.create(
      ingressObject({
        name: 'web',
        rules: ['good', 'bad'].map((h) => ({ host: `${h}.example.com`, paths: [{ service: 'web' }] })),
        tls: [{ hosts: ['good.example.com'], secretName: 'good-tls' }, { hosts: ['bad.example.com'], secretName: 'bad-tls' }],
      }),
    );
    const t = await bed.startRouter(api, { args: INGRESS });
    const https = (host: string) => tlsGet(t.httpsPort, { servername: host, host });

    expect((await https('good.example.com')).headers['x-backend']).toBe('web');
    expect((await https('bad.example.com')).status).toBe(503);
    expect((await t.get('bad.example.com')).status).toBe(503);
    const said = () => t.logs.filter((r) => r.msg.includes('bad.example.com')).map((r) => `${r.level} ${r.msg}`);
    expect(said()).toEqual(['warn Ingress default/web: host bad.example.com is not served: Secret default/bad-tls not found']);

    api.server.create({ ...tlsSecretObject('bad-tls', { cert: 'not a certificate', key: 'nor a key' }) });
    await t.waitForLog((r) => r.msg.includes('bad.example.com is not served: Secret default/bad-tls: tls.crt holds no PEM certificate'));
    expect((await https('bad.example.com')).status).toBe(503);

    api.server.update(tlsSecretObject('bad-tls', makeLeaf(ca, { dnsNames: ['bad.example.com'] })));
    await t.until('the repaired host is served', async () => (await https('bad.example.com')).headers['x-backend'] === 'web');
    expect((await https('good.example.com')).peerSAN).toBe('DNS:good.example.com');
  });

  test('Secrets are read only in namespaces whose Ingresses name them', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'web');
    api.server.create(ingressObject({ name: 'web', rules: [{ host: 'web.example.com', paths: [{ service: 'web' }] }] }));
    const t = await bed.startRouter(api, { args: INGRESS });
    expect((await t.get('web.example.com')).backend).toBe('web');
    const secretRequests = () => api.server.requests.filter((r) => r.path.includes('/secrets')).map((r) => r.path);
    expect(secretRequests()).toEqual([]);

    api.server.create(tlsSecretObject('web-tls', makeLeaf(ca, { dnsNames: ['web.example.com'] })));
    api.server.update(ingressObject({ name: 'web', rules: [{ host: 'web.example.com', paths: [{ service: 'web' }] }], tls: [{ hosts: ['web.example.com'], secretName: 'web-tls' }] }));
    await t.until('served over TLS', async () => (await tlsGet(t.httpsPort, { servername: 'web.example.com', host: 'web.example.com' })).headers['x-backend'] === 'web');
    expect(new Set(secretRequests().map((p) => p.split('?')[0]))).toEqual(new Set(['/api/v1/namespaces/default/secrets']));
  });

  test('route.openshift.io/termination: passthrough hands TLS to the pod by SNI', async () => {
    const api = await bed.startApi();
    const pod = makeLeaf(ca, { dnsNames: ['pass.example.com'] });
    const backend = Bun.serve({ port: 0, hostname: '127.0.0.1', tls: { cert: pod.cert, key: pod.key }, fetch: () => new Response('pod', { headers: { 'x-backend': 'pod' } }) });
    bed.onTeardown(() => backend.stop(true));
    api.server.create(serviceObject('pass'));
    api.server.create(sliceObject({ service: 'pass', port: backend.port as number }));
    api.server.create(ingressObject({ name: 'pass', annotations: { 'route.openshift.io/termination': 'passthrough' }, rules: [{ host: 'pass.example.com', paths: [{ service: 'pass' }] }] }));
    const t = await bed.startRouter(api, { args: INGRESS });
    const res = await tlsGet(t.httpsPort, { servername: 'pass.example.com', host: 'pass.example.com' });
    expect([res.status, res.headers['x-backend'], res.peerSAN]).toEqual([200, 'pod', 'DNS:pass.example.com']);
  });
});
