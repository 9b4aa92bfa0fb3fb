import { afterAll, expect, test } from 'bun:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCA, makeLeaf } from '../support/certs.ts';
import { freePortPair } from '../support/net.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';

let t: TestRouter | undefined;
afterAll(async () => {
  await t?.stop();
});

test('examples/manifests, as scripts/quickstart.sh serves them (with --enable-ingress and --enable-gateway-api), load without a complaint', async () => {
  const dir = join(import.meta.dir, '../../examples/manifests');
  const ports = await freePortPair();
  // The Gateway's listener is on the quick start's HTTP port, 8080; this router listens elsewhere.
  const manifests = Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8').replace('port: 8080', `port: ${ports[0]}`)]));
  t = await startTestRouter({ manifests, ports, args: ['--enable-ingress', '--enable-gateway-api'] });
  const served = [...(t.router.lastCommit()?.admitted.values() ?? [])].map((r) => `${r.host}${r.path} -> ${r.to.name}:${r.targetPort ?? '*'}`).sort();
  expect(served).toEqual([
    'gateway.example.com -> hello:http',
    'gateway.example.com/api -> api:http',
    'hello.example.com -> hello:http',
    'hello.example.com/api -> api:*',
    'ingress.example.com/ -> hello:http',
    'ingress.example.com/api -> api:http',
  ]);
  expect(t.logs.filter((r) => (r.level === 'warn' || r.level === 'error') && r.tag === 'manifests')).toEqual([]);
  // The README's answers for names nobody serves: under the example Gateway's listener, and outside it.
  expect([(await t.get('other.example.com')).status, (await t.get('unknown.example.org')).status]).toEqual([404, 503]);
});

test('deploy/gateway-example.yaml is served as it says, with its Secret, Namespaces and Services beside it', async () => {
  await t?.stop();
  const ports = await freePortPair();
  const example = readFileSync(join(import.meta.dir, '../../deploy/gateway-example.yaml'), 'utf8').replace('port: 80\n', `port: ${ports[0]}\n`).replace('port: 443\n', `port: ${ports[1]}\n`);
  const leaf = makeLeaf(makeCA('gateway-example'), { dnsNames: ['*.example.com'] });
  const object = (kind: string, namespace: string | undefined, name: string, more: object) => JSON.stringify({ apiVersion: 'v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...more });
  const service = (namespace: string, name: string) => object('Service', namespace, name, { spec: { ports: [{ name: 'http', port: 80 }] } });
  const items = [
    object('Namespace', undefined, 'shop', { metadata: { name: 'shop', labels: { 'gateway-access': 'public' } } }),
    object('Namespace', undefined, 'infra', {}),
    object('Namespace', undefined, 'backends', {}),
    object('Secret', 'infra', 'wildcard-example-com', { type: 'kubernetes.io/tls', stringData: { 'tls.crt': leaf.cert, 'tls.key': leaf.key } }),
    service('shop', 'web'), service('shop', 'web-canary'), service('backends', 'api'),
  ];
  t = await startTestRouter({ manifests: { 'gateway.yaml': example, 'beside.json': `{"apiVersion": "v1", "kind": "List", "items": [${items.join(', ')}]}` }, ports, args: ['--enable-gateway-api'] });
  const served = [...(t.router.lastCommit()?.admitted.values() ?? [])].map((r) => `${r.host}${r.path} -> ${[r.to, ...r.alternateBackends].map((b) => `${r.namespace}/${b.name}:${b.weight}`).join(' ')} ${r.tls?.termination}/${r.tls?.insecureEdgeTerminationPolicy}`).sort();
  expect(served).toEqual(['shop.example.com -> shop/web:3 shop/web-canary:1 edge/Allow', 'shop.example.com/api -> backends/api:1 edge/Allow']);
  expect(t.logs.filter((r) => (r.level === 'warn' || r.level === 'error') && r.tag !== 'commit')).toEqual([]);
});
