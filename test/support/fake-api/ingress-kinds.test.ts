import { afterEach, describe, expect, test } from 'bun:test';
import { startFakeApiServer, type FakeApiServer } from './fake-api-server.ts';
import { WatchReader } from './watch-reader.ts';

let server: FakeApiServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function call(s: FakeApiServer, path: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(`${s.url}${path}`, init);
  return { status: res.status, body: await res.json() };
}

const ingress = (name: string, namespace = 'shop') => ({
  kind: 'Ingress',
  metadata: { name, namespace },
  spec: { rules: [{ host: `${name}.example.com`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { number: 80 } } } }] } }] },
});

describe('the kinds --enable-ingress reads', () => {
  test('discovery lists ingresses (with status), ingressclasses (cluster-scoped) and secrets', async () => {
    const s = (server = await startFakeApiServer());
    const networking = (await call(s, '/apis/networking.k8s.io/v1')).body;
    expect(networking.resources.map((r: { name: string; namespaced: boolean }) => `${r.name} ${r.namespaced}`)).toEqual([
      'ingresses true',
      'ingresses/status true',
      'ingressclasses false',
    ]);
    expect((await call(s, '/api/v1')).body.resources.map((r: { name: string }) => r.name)).toContain('secrets');
  });

  test('objects are stamped with their API version and listed cluster-wide, per namespace and by name', async () => {
    const s = (server = await startFakeApiServer());
    s.create(ingress('a'));
    s.create(ingress('b', 'other'));
    s.create({ kind: 'IngressClass', metadata: { name: 'router' }, spec: { controller: 'openshift.io/ingress-to-route' } });
    s.create({ kind: 'Secret', metadata: { name: 'tls', namespace: 'shop' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'Qw==' } });
    s.create({ kind: 'Secret', metadata: { name: 'token', namespace: 'shop' }, type: 'Opaque' });
    const names = (body: { items: { metadata: { namespace?: string; name: string } }[] }) => body.items.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(names((await call(s, '/apis/networking.k8s.io/v1/ingresses')).body)).toEqual(['other/b', 'shop/a']);
    expect(names((await call(s, '/apis/networking.k8s.io/v1/namespaces/shop/ingresses')).body)).toEqual(['shop/a']);
    const classes = (await call(s, '/apis/networking.k8s.io/v1/ingressclasses')).body;
    expect(classes.items[0]).toMatchObject({ kind: 'IngressClass', apiVersion: 'networking.k8s.io/v1', metadata: { name: 'router' } });
    expect(classes.items[0].metadata).not.toHaveProperty('namespace');
    expect((await call(s, '/api/v1/namespaces/shop/secrets/tls')).body).toMatchObject({ kind: 'Secret', apiVersion: 'v1', data: { 'tls.crt': 'Qw==' } });
    expect(names((await call(s, '/api/v1/namespaces/shop/secrets?fieldSelector=type%3Dkubernetes.io%2Ftls')).body)).toEqual(['shop/tls']);
  });

  test('a watch of one namespace\'s Secrets sees their changes', async () => {
    const s = (server = await startFakeApiServer());
    const list = (await call(s, '/api/v1/namespaces/shop/secrets')).body;
    const watch = await WatchReader.open(`${s.url}/api/v1/namespaces/shop/secrets?watch=true&resourceVersion=${list.metadata.resourceVersion}`);
    s.create({ kind: 'Secret', metadata: { name: 'elsewhere', namespace: 'other' }, type: 'Opaque' });
    s.create({ kind: 'Secret', metadata: { name: 'tls', namespace: 'shop' }, type: 'kubernetes.io/tls' });
    const event = await watch.next();
    expect([event.type, event.object.metadata.name]).toEqual(['ADDED', 'tls']);
    await watch.cancel();
  });

  test('the Ingress status subresource takes only .status', async () => {
    const s = (server = await startFakeApiServer());
    const created = s.create(ingress('a'));
    const status = { loadBalancer: { ingress: [{ hostname: 'router.example.com' }] } };
    const res = await call(s, '/apis/networking.k8s.io/v1/namespaces/shop/ingresses/a/status', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...created, spec: {}, status }),
    });
    expect(res.status).toBe(200);
    expect(s.get('Ingress', 'shop', 'a')).toMatchObject({ spec: created.spec, status });
  });
});
