import { afterEach, describe, expect, test } from 'bun:test';
import { CustomObjectsApi, KubeConfig, makeInformer, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { startFakeApiServer, type FakeApiServer } from './fake-api-server.ts';

let server: FakeApiServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** client-node 2.0.1 refuses http:// unless skipTLSVerify is set. */
function kubeConfig(url: string, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
    users: [{ name: 'router', token }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'router' }],
    currentContext: 'fake',
  });
  return kc;
}

const route = (name: string) => ({ kind: 'Route', metadata: { name, namespace: 'default' }, spec: { host: `${name}.example.com` } });

describe('@kubernetes/client-node against the fake', () => {
  test('CustomObjectsApi.listClusterCustomObject accepts the list format', async () => {
    server = await startFakeApiServer({ token: 'tkn' });
    server.create(route('a'));
    server.create(route('b'));
    const co = kubeConfig(server.url, 'tkn').makeApiClient(CustomObjectsApi);
    const list = (await co.listClusterCustomObject({ group: 'route.openshift.io', version: 'v1', plural: 'routes' })) as {
      kind: string; metadata: { resourceVersion: string }; items: KubernetesObject[];
    };
    expect(list.kind).toBe('RouteList');
    expect(list.metadata.resourceVersion).toBe('2');
    expect(list.items.map((o) => o.metadata?.name)).toEqual(['a', 'b']);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer tkn');
  });

  test('an informer lists, watches, and relists after a 410', async () => {
    server = await startFakeApiServer();
    const s = server;
    s.create(route('a'));
    const kc = kubeConfig(s.url, 'tkn');
    const co = kc.makeApiClient(CustomObjectsApi);
    const path = '/apis/route.openshift.io/v1/routes';
    const informer = makeInformer<KubernetesObject>(kc, path,
      () => co.listClusterCustomObject({ group: 'route.openshift.io', version: 'v1', plural: 'routes' }) as Promise<KubernetesListObject<KubernetesObject>>);
    const seen: string[] = [];
    let notify = (): void => undefined;
    const record = (type: string) => (o: KubernetesObject) => {
      seen.push(`${type} ${o.metadata?.name}`);
      notify();
    };
    informer.on('add', record('add'));
    informer.on('update', record('update'));
    informer.on('delete', record('delete'));
    const until = (entry: string): Promise<void> =>
      new Promise((resolve) => {
        notify = () => seen.includes(entry) && resolve();
        notify();
      });
    await informer.start();
    try {
      await until('add a');
      await s.waitForWatchers(1, path);
      const b = s.create(route('b'));
      await until('add b');
      s.update({ ...b, spec: { host: 'changed.example.com' } });
      await until('update b');
      s.remove('Route', 'default', 'a');
      await until('delete a');

      // A change the route watch never sees moves the compaction point past the informer's last resourceVersion.
      s.create({ kind: 'Service', metadata: { name: 'unrelated', namespace: 'default' }, spec: {} });
      s.expire();
      s.closeWatches();
      s.create(route('c'));
      await until('add c');
      const resumedFrom = s.requests.filter((r) => r.query.watch === 'true').map((r) => r.query.resourceVersion);
      expect(resumedFrom.slice(0, 2)).toEqual(['1', '4']);
      expect(s.requests.filter((r) => r.path === path && r.query.watch === undefined)).toHaveLength(2);
    } finally {
      await informer.stop();
    }
  });
});
