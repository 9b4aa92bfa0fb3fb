import { afterAll, beforeAll, expect, test } from 'bun:test';
import { generateTestCerts, type TestCerts } from '../../test/support/fake-api/certs.ts';
import { WatchReader } from '../../test/support/fake-api/watch-reader.ts';
import { startApiProcess, type ApiProcess } from './api-client.ts';
import { makeMixCertificates } from './cluster.ts';
import { buildMix } from './mix.ts';

const TOKEN = 'api-client-test';
let pki: TestCerts;
let api: ApiProcess;
let url: string;

beforeAll(async () => {
  pki = await generateTestCerts();
  ({ api, url } = await startApiProcess({ cert: pki.serverCert, key: pki.serverKey }, TOKEN));
});
afterAll(() => api.stop());

const get = (path: string) => fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${TOKEN}` }, tls: { ca: pki.ca } });

const slice = (name: string, port: number) => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name, namespace: 'bench', labels: { 'kubernetes.io/service-name': 'svc' } },
  addressType: 'IPv4',
  endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
  ports: [{ name: 'http', port, protocol: 'TCP' }],
});

test('a mix is loaded whole: every slice and route, the routes with their certificates', async () => {
  const mix = buildMix({ routes: 300, namespaces: 3, httpPods: [31000, 31001, 31002], tlsPods: [32000, 32001], maxPodsPerService: 2, seed: 7 });
  const { certs } = makeMixCertificates();
  const own = mix.routes.find((r) => r.kind === 'edge');
  if (!own) throw new Error('the mix has no edge route');
  const ownCert = { cert: 'own-cert', key: 'own-key' };
  const slices = mix.services.reduce((n, s) => n + s.pods.length, 0);
  expect(await api.loadMix(mix, certs, new Map([[own.name, ownCert]]))).toBe(slices + mix.routes.length);
  type Listed = { items: { metadata: { name: string; namespace: string }; spec?: { tls?: { certificate?: string } } }[] };
  const routes = (await (await get('/apis/route.openshift.io/v1/routes')).json()) as Listed;
  const served = new Map(routes.items.map((r) => [`${r.metadata.namespace}/${r.metadata.name}`, r]));
  for (const route of mix.routes) expect(served.has(`${route.namespace}/${route.name}`)).toBe(true);
  const edge = mix.routes.find((r) => r.kind === 'edge' && r !== own);
  expect(served.get(`${edge?.namespace}/${edge?.name}`)?.spec?.tls?.certificate).toBe(certs.route.cert);
  expect(served.get(`${own.namespace}/${own.name}`)?.spec?.tls?.certificate).toBe(ownCert.cert);
  const listed = (await (await get('/apis/discovery.k8s.io/v1/endpointslices')).json()) as Listed;
  expect(listed.items.filter((s) => s.metadata.namespace.startsWith('ns')).length).toBe(slices);
});

test("a write's times are in this process's time base: request, then received, then its watch event written, then the reply", async () => {
  await api.create(slice('moved', 30000));
  const list = (await (await get('/apis/discovery.k8s.io/v1/namespaces/bench/endpointslices')).json()) as { metadata: { resourceVersion: string } };
  // Bun's TLS options for fetch, which RequestInit does not name.
  const init = { headers: { Authorization: `Bearer ${TOKEN}` }, tls: { ca: pki.ca } };
  const watch = await WatchReader.open(`${url}/apis/discovery.k8s.io/v1/namespaces/bench/endpointslices?watch=true&resourceVersion=${list.metadata.resourceVersion}`, init);
  try {
    const requestedAt = performance.now();
    const times = await api.update(slice('moved', 30001));
    const repliedAt = performance.now();
    expect(times.receivedAt).toBeGreaterThanOrEqual(requestedAt);
    expect(times.writtenAt).toBeGreaterThanOrEqual(times.receivedAt);
    expect(times.writtenAt).toBeLessThanOrEqual(repliedAt);
    const event = await watch.next();
    expect(event.type).toBe('MODIFIED');
    expect(event.object.ports[0].port).toBe(30001);
  } finally {
    await watch.cancel();
  }
});

test('route status writes are counted as the server received them', async () => {
  await api.create({ apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'r', namespace: 'bench' }, spec: { host: 'r.example.com', to: { kind: 'Service', name: 'svc' } } });
  const before = await api.statusWrites();
  const res = await fetch(`${url}/apis/route.openshift.io/v1/namespaces/bench/routes/r/status`, {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/merge-patch+json' },
    body: JSON.stringify({ status: { ingress: [{ host: 'r.example.com', routerName: 'default' }] } }),
    tls: { ca: pki.ca },
  });
  expect(res.status).toBe(200);
  expect(await api.statusWrites()).toBe(before + 1);
});

test("the server's refusal reaches the caller", async () => {
  await expect(api.update(slice('absent', 1))).rejects.toThrow('not found');
  await expect(api.remove('EndpointSlice', 'bench', 'absent')).rejects.toThrow('not found');
});

test('calls after the process ended are refused, not left waiting', async () => {
  const other = await startApiProcess({ cert: pki.serverCert, key: pki.serverKey }, TOKEN);
  await other.api.stop();
  await expect(other.api.create(slice('late', 1))).rejects.toThrow('exited');
});
