import { heapStats } from 'bun:jsc';
import { describe, expect, test } from 'bun:test';
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { createLogger } from '../log.ts';
import { routeRecordOf, type RouteRecord } from '../sources/kube/route-record.ts';
import type { RouteIngress } from './ingress-status.ts';
import { StatusWriter, type RouteVerdict } from './status-writer.ts';

const ME = { routerName: 'default', canonicalHostname: undefined };

/** An API server keeping routes' status, answering as the real one does: a fresh object per answer. */
function world() {
  // Kept as text, as a server would: the writer's own objects are not held here.
  const stored = new Map<string, { resourceVersion: number; ingress: string }>();
  const records = new Map<string, RouteRecord>();
  let writes = 0;
  const answer = (key: string) => {
    const [namespace, name] = key.split('/');
    const s = stored.get(key) ?? { resourceVersion: 1, ingress: '[]' };
    return { metadata: { namespace, name, resourceVersion: String(s.resourceVersion) }, status: { ingress: JSON.parse(s.ingress) as unknown } };
  };
  const api = {
    async patchNamespacedCustomObjectStatus({ namespace, name, body }: { namespace: string; name: string; body: { status: { ingress: RouteIngress[] } } }) {
      writes++;
      const key = `${namespace}/${name}`;
      stored.set(key, { resourceVersion: (stored.get(key)?.resourceVersion ?? 1) + 1, ingress: JSON.stringify(body.status.ingress) });
      return answer(key);
    },
    async getNamespacedCustomObject({ namespace, name }: { namespace: string; name: string }) {
      return answer(`${namespace}/${name}`);
    },
  } as unknown as CustomObjectsApi;
  const writer = new StatusWriter({
    api,
    records: {
      routeRecord: (key) => records.get(key),
      rememberRoute: (raw) => {
        const r = raw as { metadata: { namespace: string; name: string } };
        records.set(`${r.metadata.namespace}/${r.metadata.name}`, routeRecordOf(raw));
      },
    },
    identity: ME,
    contentionWindowMs: 60_000,
    logger: createLogger({ format: 'json', level: 'silent' }),
  });
  /** A route as the source first sees it: no status yet. */
  const add = (key: string) => records.set(key, routeRecordOf(answer(key)));
  /** The route deleted and created again under its name: another object, as the source records it. */
  const recreate = (key: string, uid: string) => {
    const raw = answer(key);
    records.set(key, routeRecordOf({ ...raw, metadata: { ...raw.metadata, uid } }));
  };
  /** Someone else sets our entry's message, as a router of the same name but another mind would. */
  const overwrite = (key: string) => {
    const s = stored.get(key);
    if (!s) return;
    s.resourceVersion++;
    const ingress = JSON.parse(s.ingress) as RouteIngress[];
    s.ingress = JSON.stringify(ingress.map((e) => ({ ...e, conditions: e.conditions.map((c) => ({ ...c, message: 'mine, says the other' })) })));
    records.set(key, routeRecordOf(answer(key)));
  };
  return { writer, add, recreate, overwrite, writes: () => writes, stored };
}

const verdict = (host: string): RouteVerdict => ({ host, wildcardPolicy: 'None', rejection: undefined });

describe('StatusWriter', () => {
  test('writes each route once while its verdict stays the same, however often commits repeat it', async () => {
    const w = world();
    for (const k of ['ns/a', 'ns/b']) w.add(k);
    w.writer.update(new Map([['ns/a', verdict('a.example.com')], ['ns/b', verdict('b.example.com')]]));
    await w.writer.idle();
    w.writer.update(new Map([['ns/a', verdict('a.example.com')], ['ns/b', verdict('b.example.com')]]));
    await w.writer.idle();
    expect(w.writes()).toBe(2);
    expect((JSON.parse(w.stored.get('ns/a')?.ingress ?? '[]') as RouteIngress[]).map((e) => [e.host, e.conditions[0]?.status])).toEqual([['a.example.com', 'True']]);
  });

  test("a verdict on a deleted route is not written to the object created again under its name; that object's own verdict is", async () => {
    const w = world();
    w.add('ns/a');
    w.recreate('ns/a', 'new-uid');
    w.writer.update(new Map([['ns/a', { ...verdict('old.example.com'), uid: 'old-uid' }]]));
    await w.writer.idle();
    expect(w.writes()).toBe(0);
    w.writer.update(new Map([['ns/a', { ...verdict('new.example.com'), uid: 'new-uid' }]]));
    await w.writer.idle();
    expect((JSON.parse(w.stored.get('ns/a')?.ingress ?? '[]') as RouteIngress[]).map((e) => e.host)).toEqual(['new.example.com']);
  });

  test('the object created again under its name with the same host gets its entry: the same entry, another object', async () => {
    const w = world();
    w.add('ns/a');
    w.recreate('ns/a', 'old-uid');
    w.writer.update(new Map([['ns/a', { ...verdict('a.example.com'), uid: 'old-uid' }]]));
    await w.writer.idle();
    expect(w.writes()).toBe(1);
    // Deleted and created again (no status yet); the commit that judges it gives the same entry.
    w.stored.delete('ns/a');
    w.recreate('ns/a', 'new-uid');
    w.writer.recheck('ns/a');
    await w.writer.idle();
    expect(w.writes()).toBe(1);
    w.writer.update(new Map([['ns/a', { ...verdict('a.example.com'), uid: 'new-uid' }]]));
    await w.writer.idle();
    expect(w.writes()).toBe(2);
    expect((JSON.parse(w.stored.get('ns/a')?.ingress ?? '[]') as RouteIngress[]).map((e) => e.host)).toEqual(['a.example.com']);
  });

  test('stops writing a route whose entry someone else keeps changing while our verdict stays the same', async () => {
    const w = world();
    w.add('ns/a');
    w.writer.update(new Map([['ns/a', verdict('a.example.com')]]));
    await w.writer.idle();
    for (let i = 0; i < 10; i++) {
      w.overwrite('ns/a');
      w.writer.recheck('ns/a');
      await w.writer.idle();
    }
    // Five contentions are tolerated (upstream's default), the sixth stops the writes.
    expect(w.writes()).toBe(6);
  });

  test('an entry found right counts as written for the verdict: someone changing it after is contention from the first change', async () => {
    const w = world();
    w.add('ns/a');
    w.writer.update(new Map([['ns/a', verdict('a.example.com')]]));
    await w.writer.idle();
    // Another writer of this router's, then a restart: the entry is right and this writer has written nothing.
    const restarted = world();
    restarted.stored.set('ns/a', w.stored.get('ns/a') ?? { resourceVersion: 1, ingress: '[]' });
    restarted.add('ns/a');
    restarted.writer.update(new Map([['ns/a', verdict('a.example.com')]]));
    await restarted.writer.idle();
    expect(restarted.writes()).toBe(0);
    for (let i = 0; i < 10; i++) {
      restarted.overwrite('ns/a');
      restarted.writer.recheck('ns/a');
      await restarted.writer.idle();
    }
    // Five contentions are tolerated, the sixth stops the writes; the first change already counted.
    expect(restarted.writes()).toBe(5);
  });

  test('a changed verdict is not contention: the entry is written again', async () => {
    const w = world();
    w.add('ns/a');
    for (let i = 0; i < 10; i++) {
      w.writer.update(new Map([['ns/a', verdict(`a${i}.example.com`)]]));
      await w.writer.idle();
    }
    expect(w.writes()).toBe(10);
  });

  test('keeps no status entry of its own per route written, only a reference to the verdict', async () => {
    const w = world();
    const n = 5_000;
    const keys = Array.from({ length: n }, (_, i) => `ns/r${i}`);
    for (const k of keys) w.add(k);
    const objects = () => {
      Bun.gc(true);
      return heapStats().objectTypeCounts.Object ?? 0;
    };
    const before = objects();
    w.writer.update(new Map(keys.map((k) => [k, verdict(`${k.slice(3)}.example.com`)])));
    await w.writer.idle();
    // Each route: its verdict, and the record of the API's answer (which replaced the one before), its entry and condition; an entry of the writer's own would add two more.
    expect((objects() - before) / n).toBeLessThan(5);
  });

  test('a full commit repeating a verdict as a new object leaves it to the collector', async () => {
    const w = world();
    w.add('ns/a');
    w.writer.update(new Map([['ns/a', verdict('a.example.com')]]));
    await w.writer.idle();
    const probe = (() => {
      const again = verdict('a.example.com');
      w.writer.update(new Map([['ns/a', again]]));
      return new WeakRef(again);
    })();
    // A WeakRef keeps its target until the end of the task that made it.
    await new Promise<void>((resolve) => setImmediate(resolve));
    Bun.gc(true);
    expect(probe.deref()).toBeUndefined();
  });
});
