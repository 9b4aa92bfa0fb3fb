import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import type { RouteIngress } from '../../../src/status/ingress-status.ts';
import { KubeTestbed, createApp, modify, routeObject, serviceObject, sliceObject, statusWrites, storedIngress } from '../../support/kube-harness.ts';

setDefaultTimeout(15_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

const entryOf = (ingress: RouteIngress[], routerName: string) => ingress.find((e) => e.routerName === routerName);
const admitted = (entry: RouteIngress | undefined) => entry?.conditions.find((c) => c.type === 'Admitted');
const RFC3339_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

describe('route status', () => {
  test('an admitted route gets Admitted=True once; an unrelated change writes nothing', async () => {
    const api = await bed.startApi();
    createApp(api.server, { name: 'web', host: 'web.example.com', port: bed.startBackend('web').port });
    const t = await bed.startRouter(api);
    await t.untilStatus('default', 'web', 'admitted by public', (ingress) => admitted(entryOf(ingress, 'public'))?.status === 'True');

    const [entry] = storedIngress(api.server, 'default', 'web');
    expect(entry).toEqual({
      host: 'web.example.com',
      routerName: 'public',
      wildcardPolicy: 'None',
      conditions: [{ type: 'Admitted', status: 'True', lastTransitionTime: expect.stringMatching(RFC3339_SECONDS) }],
    });
    expect(statusWrites(api.server, 'default', 'web')).toHaveLength(1);

    modify(api.server, 'Route', 'default', 'web', (r) => {
      r.metadata.labels = { team: 'blue' };
    });
    await t.until('the label change is committed', () => [...(t.router.lastCommit()?.admitted.values() ?? [])].find((r) => r.name === 'web')?.labels.team === 'blue');
    await t.router.status?.idle();
    expect(statusWrites(api.server, 'default', 'web')).toHaveLength(1);
    expect(storedIngress(api.server, 'default', 'web')).toEqual([entry as RouteIngress]);
  });

  test("an annotation value the router ignores is named in the Admitted condition's message, and the message goes once it is fixed", async () => {
    const api = await bed.startApi();
    createApp(api.server, { name: 'web', host: 'web.example.com', port: bed.startBackend('web').port });
    modify(api.server, 'Route', 'default', 'web', (r) => {
      r.metadata.annotations = { 'haproxy.router.openshift.io/timeout': 'soon' };
    });
    const t = await bed.startRouter(api);
    await t.untilStatus('default', 'web', 'admitted with a notice', (ingress) => admitted(entryOf(ingress, 'public'))?.message !== undefined);
    expect(admitted(entryOf(storedIngress(api.server, 'default', 'web'), 'public'))).toEqual({
      type: 'Admitted',
      status: 'True',
      message: expect.stringContaining('haproxy.router.openshift.io/timeout'),
      lastTransitionTime: expect.stringMatching(RFC3339_SECONDS),
    });
    expect((await t.get('web.example.com')).status).toBe(200);

    modify(api.server, 'Route', 'default', 'web', (r) => {
      r.metadata.annotations = { 'haproxy.router.openshift.io/timeout': '30s' };
    });
    await t.untilStatus('default', 'web', 'the notice gone', (ingress) => {
      const condition = admitted(entryOf(ingress, 'public'));
      return condition?.status === 'True' && condition.message === undefined;
    });
  });

  test('a route that loses a host claim gets Admitted=False HostAlreadyClaimed, and True once the claim is free', async () => {
    const api = await bed.startApi();
    const [old, young] = [bed.startBackend('old'), bed.startBackend('young')];
    createApp(api.server, { name: 'young', host: 'shared.example.com', port: young.port });
    modify(api.server, 'Route', 'default', 'young', (r) => {
      r.metadata.creationTimestamp = '2024-06-01T00:00:00Z';
    });
    api.server.create(serviceObject('old'));
    api.server.create(sliceObject({ service: 'old', port: old.port }));
    api.server.create(routeObject({ name: 'old', host: 'shared.example.com', creationTimestamp: '2020-01-01T00:00:00Z' }));
    const t = await bed.startRouter(api);

    await t.untilStatus('default', 'young', 'rejected', (ingress) => admitted(entryOf(ingress, 'public'))?.status === 'False');
    expect(admitted(entryOf(storedIngress(api.server, 'default', 'young'), 'public'))).toEqual({
      type: 'Admitted',
      status: 'False',
      reason: 'HostAlreadyClaimed',
      message: 'route old already exposes shared.example.com and is older',
      lastTransitionTime: expect.stringMatching(RFC3339_SECONDS),
    });
    await t.untilStatus('default', 'old', 'admitted', (ingress) => admitted(entryOf(ingress, 'public'))?.status === 'True');
    expect((await t.get('shared.example.com')).backend).toBe('old');

    api.server.remove('Route', 'default', 'old');
    await t.untilStatus('default', 'young', 'admitted after the older route left', (ingress) => admitted(entryOf(ingress, 'public'))?.status === 'True');
    await t.untilServed('shared.example.com', 'young');
  });

  test("a rejected route's host or wildcard policy changing under the same rejection rewrites its entry's host and policy", async () => {
    const api = await bed.startApi();
    createApp(api.server, { name: 'web', host: 'web.example.com', port: bed.startBackend('web').port });
    const t = await bed.startRouter(api, { args: ['--denied-domains=example.com'] });
    const rejectedOn = (host: string, policy: string) => (ingress: RouteIngress[]) => {
      const entry = entryOf(ingress, 'public');
      return admitted(entry)?.reason === 'RouteNotAdmitted' && entry?.host === host && entry.wildcardPolicy === policy;
    };
    await t.untilStatus('default', 'web', 'rejected on its host', rejectedOn('web.example.com', 'None'));
    modify(api.server, 'Route', 'default', 'web', (r) => {
      (r.spec as { host: string }).host = 'shop.example.com';
    });
    await t.untilStatus('default', 'web', 'rejected on its new host', rejectedOn('shop.example.com', 'None'));
    modify(api.server, 'Route', 'default', 'web', (r) => {
      (r.spec as { wildcardPolicy: string }).wildcardPolicy = 'Subdomain';
    });
    await t.untilStatus('default', 'web', 'rejected with its new policy', rejectedOn('shop.example.com', 'Subdomain'));
  });

  test('--name and --router-canonical-hostname are written into the entry', async () => {
    const api = await bed.startApi();
    createApp(api.server, { name: 'web', host: 'web.example.com', port: bed.startBackend('web').port });
    const t = await bed.startRouter(api, { args: ['--name=edge', '--router-canonical-hostname=router-edge.apps.example.com'] });
    await t.untilStatus('default', 'web', 'admitted by edge', (ingress) => admitted(entryOf(ingress, 'edge'))?.status === 'True');
    expect(storedIngress(api.server, 'default', 'web')).toEqual([
      expect.objectContaining({ routerName: 'edge', routerCanonicalHostname: 'router-edge.apps.example.com', host: 'web.example.com' }),
    ]);
  });

  test('a write that conflicts (the route changed after the router read it) is retried on the fresh object', async () => {
    const api = await bed.startApi();
    const backend = bed.startBackend('web');
    api.server.create(serviceObject('web'));
    api.server.create(sliceObject({ service: 'web', port: backend.port }));
    const t = await bed.startRouter(api);

    api.server.create(routeObject({ name: 'web', host: 'web.example.com' }));
    // The commit that admits the route has already handed the writer its verdict, and the writer has built its
    // request from the route as the router last saw it; the request reaches the server only on a later I/O turn.
    for (let commits = 0; commits < 5; commits++) {
      const outcome = await t.router.nextCommit();
      if ([...(outcome?.admitted.values() ?? [])].some((r) => r.name === 'web')) break;
    }
    modify(api.server, 'Route', 'default', 'web', (r) => {
      r.metadata.labels = { team: 'blue' };
    });

    await t.untilStatus('default', 'web', 'admitted', (ingress) => admitted(entryOf(ingress, 'public'))?.status === 'True');
    // The first write got 409; the writer read the route again and wrote once more on top of it.
    const onRoute = api.server.requests.filter((r) => r.path.startsWith('/apis/route.openshift.io/v1/namespaces/default/routes/web'));
    expect(onRoute.map((r) => `${r.method} ${r.path.endsWith('/status') ? 'status' : 'route'}`)).toEqual(['PATCH status', 'GET route', 'PATCH status']);
    expect(api.server.get('Route', 'default', 'web')?.metadata.labels).toEqual({ team: 'blue' });
    expect(t.logs.filter((r) => r.msg.includes('cannot write the status'))).toEqual([]);
  });

  /**
   * A router serving the app `web` whose route does not exist yet; `createRoute` makes it once every watch is open,
   * so the next requests the router sends are the status writes for it, which `failNext` (given first) fails.
   */
  async function beforeTheRoute() {
    const api = await bed.startApi();
    const backend = bed.startBackend('web');
    api.server.create(serviceObject('web'));
    api.server.create(sliceObject({ service: 'web', port: backend.port }));
    const t = await bed.startRouter(api);
    await api.server.waitForWatchers(2);
    const createRoute = (failNext: () => void) => {
      failNext();
      api.server.create(routeObject({ name: 'web', host: 'web.example.com' }));
    };
    return { api, t, createRoute };
  }

  test('a status write the API fails is retried until it lands', async () => {
    const { api, t, createRoute } = await beforeTheRoute();
    createRoute(() => api.server.failNext(1, 503));

    const failed = await t.waitForLog((r) => r.msg.startsWith('cannot write the status of route default/web'));
    expect(failed.msg).toContain('503 Service Unavailable');
    await t.untilStatus('default', 'web', 'admitted', (ingress) => admitted(entryOf(ingress, 'public'))?.status === 'True');
    expect(statusWrites(api.server, 'default', 'web')).toHaveLength(2);
  });

  test('a status write the API server throttles (429 with Retry-After, as API Priority and Fairness answers) waits that long and is sent again, with one warning', async () => {
    const { api, t, createRoute } = await beforeTheRoute();
    const created = performance.now();
    createRoute(() => api.server.failNext(2, 429, 1));

    await t.untilStatus('default', 'web', 'admitted', (ingress) => admitted(entryOf(ingress, 'public'))?.status === 'True');
    expect(performance.now() - created).toBeGreaterThanOrEqual(2000);
    expect(statusWrites(api.server, 'default', 'web')).toHaveLength(3);
    // One warning for both, and none of the per-write kind.
    expect(t.logs.filter((r) => r.tag === 'status' && r.level === 'warn').map((r) => r.msg)).toEqual([
      'the API server asks for fewer requests (429 Too Many Requests: Too many requests, please try again later.): status writes wait 1s',
    ]);
  });

  test('two routers with different --name each keep their own entry', async () => {
    const api = await bed.startApi();
    createApp(api.server, { name: 'web', host: 'web.example.com', port: bed.startBackend('web').port });
    const alpha = await bed.startRouter(api, { args: ['--name=alpha'] });
    const beta = await bed.startRouter(api, { args: ['--name=beta'] });
    const both = (host: string) => (ingress: RouteIngress[]) =>
      ['alpha', 'beta'].every((name) => {
        const entry = entryOf(ingress, name);
        return entry?.host === host && admitted(entry)?.status === 'True';
      });
    await alpha.untilStatus('default', 'web', 'entries of alpha and beta', both('web.example.com'));

    // A change both routers act on: each rewrites its own entry and leaves the other's alone.
    modify(api.server, 'Route', 'default', 'web', (r) => {
      (r.spec as { host: string }).host = 'www.example.com';
    });
    await alpha.untilStatus('default', 'web', 'both entries on the new host', both('www.example.com'));
    await beta.router.status?.idle();
    expect(storedIngress(api.server, 'default', 'web').map((e) => e.routerName).sort()).toEqual(['alpha', 'beta']);
    for (const t of [alpha, beta]) expect(t.logs.filter((r) => r.msg.includes('keeps changing its status'))).toEqual([]);
  });

  test("an entry another router wrote, seen through the watch, is sent back as it was when this router writes its own", async () => {
    const api = await bed.startApi();
    createApp(api.server, { name: 'web', host: 'web.example.com', port: bed.startBackend('web').port });
    const t = await bed.startRouter(api);
    await t.untilStatus('default', 'web', 'admitted by public', (ingress) => admitted(entryOf(ingress, 'public'))?.status === 'True');

    // Written by a router that is not running here, with a field this router does not know.
    const other = {
      host: 'web.example.com', routerName: 'other', wildcardPolicy: 'None', routerCanonicalHostname: 'router-other.example.com',
      conditions: [{ type: 'Admitted', status: 'False', reason: 'HostAlreadyClaimed', message: 'taken', lastTransitionTime: '2026-01-02T03:04:05Z', extra: 1 }],
    };
    modify(api.server, 'Route', 'default', 'web', (r) => {
      const status = r.status as { ingress: unknown[] };
      status.ingress = [other, ...status.ingress];
      (r.spec as { host: string }).host = 'www.example.com';
    });

    await t.untilStatus('default', 'web', 'public on the new host', (ingress) => entryOf(ingress, 'public')?.host === 'www.example.com');
    expect(storedIngress(api.server, 'default', 'web')).toEqual([other as unknown as RouteIngress, expect.objectContaining({ routerName: 'public', host: 'www.example.com' })]);
    const [, second] = statusWrites(api.server, 'default', 'web');
    expect(second?.method).toBe('PATCH');
    expect(second?.headers['content-type']).toBe('application/merge-patch+json');
  });

  test('--update-status=false writes no status at all, rejections are only logged', async () => {
    const api = await bed.startApi();
    const backend = bed.startBackend('web');
    createApp(api.server, { name: 'web', host: 'web.example.com', port: backend.port });
    api.server.create(routeObject({ name: 'copy', host: 'web.example.com', service: 'web', creationTimestamp: '2099-01-01T00:00:00Z' }));
    const t = await bed.startRouter(api, { args: ['--update-status=false'] });
    expect(t.router.status).toBeUndefined();
    expect((await t.get('web.example.com')).backend).toBe('web');
    await t.waitForLog((r) => r.msg.includes('route default/copy rejected: HostAlreadyClaimed'));
    expect(api.server.requests.filter((r) => r.path.endsWith('/status'))).toEqual([]);
    expect(storedIngress(api.server, 'default', 'web')).toEqual([]);
    expect(storedIngress(api.server, 'default', 'copy')).toEqual([]);
  });
});
