import { afterEach, expect, setDefaultTimeout, test } from 'bun:test';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { gatewayClassObject, gatewayObject, httpRouteObject } from '../support/gateway-objects.ts';
import { sliceYaml } from '../support/manifests.ts';
import { freePortPair } from '../support/net.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';

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

test('the manifest source serves HTTPRoutes of its Gateways, follows changes to them, and logs what is not served', async () => {
  const [v1, v2] = [startBackend('v1'), startBackend('v2')];
  backends.push(v1, v2);
  const ports = await freePortPair();
  const route = (weights: [number, number]) =>
    JSON.stringify(httpRouteObject({ name: 'web', hostnames: ['web.example.com'], rules: [{ backendRefs: [{ name: 'v1', weight: weights[0] }, { name: 'v2', weight: weights[1] }] }] }));
  t = await startTestRouter({
    args: ['--enable-gateway-api'],
    ports,
    manifests: {
      'eps.yaml': `${sliceYaml({ service: 'v1', ports: [v1.port] })}\n---\n${sliceYaml({ service: 'v2', ports: [v2.port] })}`,
      'services.json': `{"apiVersion": "v1", "kind": "List", "items": [${service('v1')}, ${service('v2')}]}`,
      'gateway.json': `{"apiVersion": "v1", "kind": "List", "items": [${JSON.stringify(gatewayClassObject())}, ${JSON.stringify(gatewayObject({ name: 'gw', listeners: [{ name: 'http', port: ports[0], protocol: 'HTTP' }, { name: 'odd', port: 1, protocol: 'HTTP' }] }))}]}`,
      'route.json': route([1, 0]),
    },
  });
  expect((await t.get('web.example.com')).headers.get('x-backend')).toBe('v1');
  expect(t.logs.filter((r) => r.msg.includes('listener odd')).map((r) => r.msg)).toEqual([
    `Gateway default/gw listener odd: Accepted PortUnavailable: HTTP is served on port ${ports[0]} only (the router's HTTP port), not 1`,
  ]);

  await t.write('route.json', route([1, 1]));
  const seen = new Set<string | null>();
  for (let i = 0; i < 40 && seen.size < 2; i++) seen.add((await t.get('web.example.com')).headers.get('x-backend'));
  expect(seen).toEqual(new Set(['v1', 'v2']));
  await t.write('route.json', route([0, 1]).replace('"web.example.com"', '"www.example.com"'));
  expect((await t.get('www.example.com')).headers.get('x-backend')).toBe('v2');
  // The listener names no host: a name no route serves any more is the Gateway's 404.
  expect((await t.get('web.example.com')).status).toBe(404);
});
