import { afterEach, expect, setDefaultTimeout, test } from 'bun:test';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { makeCA, makeLeaf } from '../support/certs.ts';
import { ingressObject, tlsSecretObject } from '../support/ingress-objects.ts';
import { sliceYaml } from '../support/manifests.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';
import { tlsGet } from '../support/tls-client.ts';

setDefaultTimeout(20_000);

let t: TestRouter | undefined;
let backends: TestBackend[] = [];
afterEach(async () => {
  await t?.stop();
  t = undefined;
  for (const b of backends) await b.stop();
  backends = [];
});

const service = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80 }] } });

test('the manifest source serves Ingresses, their Services and Secrets, and follows changes to them, reloading only for a certificate line offering h2 that goes', async () => {
  const [web, api] = [startBackend('web'), startBackend('api')];
  backends.push(web, api);
  const ca = makeCA('manifest-ingress-ca');
  t = await startTestRouter({
    args: ['--enable-ingress'],
    manifests: {
      'web-eps.yaml': sliceYaml({ service: 'web', ports: [web.port] }),
      'api-eps.yaml': sliceYaml({ service: 'api', ports: [api.port] }),
      'services.json': `{"apiVersion": "v1", "kind": "List", "items": [${service('web')}, ${service('api')}]}`,
      'tls.json': JSON.stringify(tlsSecretObject('shop-tls', makeLeaf(ca, { dnsNames: ['shop.example.com'] }))),
      'ingress.json': JSON.stringify(
        ingressObject({
          name: 'shop',
          rules: [{ host: 'shop.example.com', paths: [{ path: '/', service: 'web', port: 80 }, { path: '/api', pathType: 'Exact', service: 'api' }] }],
          tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
        }),
      ),
    },
  });
  const https = (path: string) => tlsGet(t?.httpsPort ?? 0, { servername: 'shop.example.com', host: 'shop.example.com', path });
  expect([(await https('/')).headers['x-backend'], (await https('/api')).headers['x-backend'], (await https('/api/x')).headers['x-backend']]).toEqual(['web', 'api', 'web']);
  expect((await t.get('shop.example.com')).status).toBe(302);

  await t.write('tls.json', JSON.stringify(tlsSecretObject('shop-tls', makeLeaf(ca, { dnsNames: ['shop.example.com', 'www.shop.example.com'] }))));
  expect((await https('/')).peerSAN).toBe('DNS:shop.example.com, DNS:www.shop.example.com');

  // The Ingress changes what its paths serve: the /api route goes, / moves to another Service.
  const moved = ingressObject({ name: 'shop', rules: [{ host: 'shop.example.com', paths: [{ path: '/', service: 'api' }] }], tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }] });
  await t.write('ingress.json', JSON.stringify(moved));
  expect([(await https('/')).headers['x-backend'], (await https('/api/x')).headers['x-backend']]).toEqual(['api', 'api']);
  await t.remove('ingress.json');
  expect((await https('/')).status).toBe(503);
  // Its certificate serves one host (both paths carry it) and offers h2 on its crt-list line, which haproxy 2.6 cannot
  // delete under handshakes (certificate-plan.ts): the rotation and the removal reload.
  expect([...t.router.reloadCounts]).toEqual([['crt-list-line-options', 2]]);
});
