import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { KubeTestbed, backendServers, routeObject, serviceObject, sliceObject } from '../../support/kube-harness.ts';

setDefaultTimeout(15_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

const HOST = 'shared.example.com';
const OLD = { name: 'b-old', creationTimestamp: '2020-01-01T00:00:00Z' };
// Listed first (the API lists by name), yet younger: list order must not decide who owns the host.
const YOUNG = { name: 'a-young', creationTimestamp: '2024-06-01T00:00:00Z' };

describe('initial sync', () => {
  test.each([
    ['the older route was created first', [OLD, YOUNG]],
    ['the younger route was created first', [YOUNG, OLD]],
  ])('two routes claim one host (%s): the older wins, and the first config already holds everything', async (_order, routes) => {
    const api = await bed.startApi();
    const backends = { [OLD.name]: bed.startBackend('old'), [YOUNG.name]: bed.startBackend('young') };
    for (const r of routes) {
      api.server.create(serviceObject(r.name));
      api.server.create(sliceObject({ service: r.name, port: backends[r.name]?.port ?? 0 }));
      api.server.create(routeObject({ name: r.name, host: HOST, creationTimestamp: r.creationTimestamp }));
    }
    // One of the two initial lists fails, so that informer syncs a retry later than the other:
    // nothing may be committed from the collection that did sync in the meantime.
    api.server.failNext(1, 500);
    const t = await bed.startRouter(api);
    expect(t.logs.some((r) => r.level === 'warn' && /cannot list \S+ on https:\/\/127\.0\.0\.1:\d+: 500 /.test(r.msg))).toBe(true);

    const first = t.router.lastCommit();
    expect(first?.result).toBe('started');
    expect(t.generation()).toBe('generations/1');
    expect([...(first?.admitted.values() ?? [])].map((r) => r.name)).toEqual([OLD.name]);
    expect(first?.rejections.get(`default/${YOUNG.name}`)).toEqual({
      reason: 'HostAlreadyClaimed',
      message: `route ${OLD.name} already exposes ${HOST} and is older`,
    });
    expect(backendServers(await t.config(), `be_http:default:${OLD.name}`)).toEqual([`127.0.0.1:${backends[OLD.name]?.port}`]);
    expect((await t.get(HOST)).backend).toBe('old');
  });

  test('initial lists the API server throttles (429 with Retry-After) are asked for again once it allows, without an error or a relist', async () => {
    const api = await bed.startApi();
    api.server.create(serviceObject('web'));
    api.server.create(sliceObject({ service: 'web', port: bed.startBackend('web').port }));
    api.server.create(routeObject({ name: 'web', host: 'web.example.com' }));
    // Both first lists (routes, endpoint slices) are turned away once, as API Priority and Fairness does under load.
    api.server.failNext(2, 429, 1);
    const started = performance.now();
    const t = await bed.startRouter(api);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(t.logs.filter((r) => r.level === 'warn' || r.level === 'error').filter((r) => r.msg.includes('cannot list'))).toEqual([]);
    const lists = api.server.requests.filter((r) => r.method === 'GET' && r.query.watch === undefined && /\/(routes|endpointslices)$/.test(r.path));
    // Each collection asked for twice: turned away, then served.
    expect(lists.map((r) => r.path.split('/').at(-1)).toSorted()).toEqual(['endpointslices', 'endpointslices', 'routes', 'routes']);
    expect((await t.get('web.example.com')).backend).toBe('web');
  });
});
