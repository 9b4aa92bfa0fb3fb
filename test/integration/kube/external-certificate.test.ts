import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { makeCA, makeLeaf } from '../../support/certs.ts';
import type { FakeApiServer, KubeObject } from '../../support/fake-api/fake-api-server.ts';
import { tlsSecretObject } from '../../support/ingress-objects.ts';
import { KubeTestbed, modify, sliceObject, storedIngress } from '../../support/kube-harness.ts';
import { tlsGet } from '../../support/tls-client.ts';

setDefaultTimeout(20_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

const ca = makeCA('external-certificate-ca');
const HOST = 'ext.example.com';

function edgeRoute(secret: string): KubeObject {
  return {
    kind: 'Route',
    metadata: { name: 'ext', namespace: 'default' },
    spec: { host: HOST, to: { kind: 'Service', name: 'web', weight: 100 }, wildcardPolicy: 'None', tls: { termination: 'edge', externalCertificate: { name: secret } } },
  };
}

function app(server: FakeApiServer): void {
  server.create(sliceObject({ service: 'web', port: bed.startBackend('web').port }));
}

const served = (port: number) => tlsGet(port, { servername: HOST, host: HOST });
const admitted = (server: FakeApiServer) => storedIngress(server, 'default', 'ext')[0]?.conditions?.[0];

describe('spec.tls.externalCertificate', () => {
  test("the Secret's certificate is served; a rotated Secret is served, by a reload as its line offers h2", async () => {
    const api = await bed.startApi();
    app(api.server);
    api.server.create(tlsSecretObject('ext-tls', makeLeaf(ca, { dnsNames: [HOST] })));
    api.server.create(edgeRoute('ext-tls'));
    const t = await bed.startRouter(api);
    const first = await served(t.httpsPort);
    expect([first.status, first.headers['x-backend'], first.peerSAN]).toEqual([200, 'web', `DNS:${HOST}`]);

    api.server.update(tlsSecretObject('ext-tls', makeLeaf(ca, { dnsNames: [HOST, 'rotated.example.com'] })));
    await t.until('the rotated certificate is served', async () => (await served(t.httpsPort)).peerSAN === `DNS:${HOST}, DNS:rotated.example.com`);
    // A certificate of its own offers h2 on its crt-list line, and haproxy 2.6 cannot delete a line with options under
    // handshakes (certificate-plan.ts): the rotation reloads; adding certificates stays live.
    expect([...t.router.reloadCounts]).toEqual([['crt-list-line-options', 1]]);
  });

  test('a missing Secret rejects the route with upstream reason; created, the route is served', async () => {
    const api = await bed.startApi();
    app(api.server);
    api.server.create(edgeRoute('later-tls'));
    const t = await bed.startRouter(api);
    await t.until('the rejection is written', async () => admitted(api.server)?.reason === 'ExternalCertificateValidationFailed');
    expect(admitted(api.server)?.message).toBe('spec.tls.externalCertificate: Not found: "secrets \\"later-tls\\" not found"');
    expect((await served(t.httpsPort)).headers['x-backend']).toBeUndefined();

    api.server.create(tlsSecretObject('later-tls', makeLeaf(ca, { dnsNames: [HOST] })));
    await t.until('the route is served with its certificate', async () => (await served(t.httpsPort)).peerSAN === `DNS:${HOST}`);
    await t.until('the route is admitted', async () => admitted(api.server)?.status === 'True');

    // A Secret of another type is refused as upstream refuses it.
    modify(api.server, 'Secret', 'default', 'later-tls', (s) => (s.type = 'Opaque'));
    await t.until('the rejection is written', async () => admitted(api.server)?.reason === 'ExternalCertificateValidationFailed');
    expect(admitted(api.server)?.message).toBe('spec.tls.externalCertificate: Invalid value: "later-tls": secret of type "kubernetes.io/tls" required');
  });

  test('a name no Secret can have rejects the route, saying so, and opens no watch', async () => {
    const api = await bed.startApi();
    app(api.server);
    api.server.create(edgeRoute('a,metadata.namespace!=x'));
    const t = await bed.startRouter(api);
    await t.until('the rejection is written', async () => admitted(api.server)?.reason === 'ExternalCertificateValidationFailed');
    expect(admitted(api.server)?.message).toBe('spec.tls.externalCertificate: Invalid value: "a,metadata.namespace!=x": a Secret name must be a lowercase RFC 1123 subdomain');
    expect(api.server.requests.filter((r) => r.path.includes('/secrets'))).toEqual([]);
  });

  test('a Secret the router may not read rejects the route, saying so', async () => {
    const api = await bed.startApi({ forbidden: ['secrets'] });
    app(api.server);
    api.server.create(tlsSecretObject('ext-tls', makeLeaf(ca, { dnsNames: [HOST] })));
    api.server.create(edgeRoute('ext-tls'));
    const t = await bed.startRouter(api);
    await t.until('the rejection is written', async () => admitted(api.server)?.reason === 'ExternalCertificateValidationFailed');
    expect(admitted(api.server)?.message).toStartWith('spec.tls.externalCertificate: Forbidden: the router may not read this secret: ');
  });

  test('--allow-external-certificates=false reads no Secret and rejects the route, saying why', async () => {
    const api = await bed.startApi();
    app(api.server);
    api.server.create(tlsSecretObject('ext-tls', makeLeaf(ca, { dnsNames: [HOST] })));
    api.server.create(edgeRoute('ext-tls'));
    const t = await bed.startRouter(api, { args: ['--allow-external-certificates=false'] });
    await t.until('the rejection is written', async () => admitted(api.server)?.reason === 'ExternalCertificateValidationFailed');
    expect(admitted(api.server)?.message).toBe('spec.tls.externalCertificate: Forbidden: this router serves no external certificates (--allow-external-certificates=false)');
    expect(api.server.requests.some((r) => r.path.includes('/secrets'))).toBe(false);
  });
});
