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
});
