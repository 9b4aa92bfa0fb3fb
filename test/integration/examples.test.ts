import { afterAll, expect, test } from 'bun:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
