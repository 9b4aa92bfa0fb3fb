import { afterEach, expect, test } from 'bun:test';
import { startFakeApiServer, type FakeApiServer, type KubeObject } from './fake-api-server.ts';
import { StallGate } from './faults.ts';
import { RESOURCES } from './kinds.ts';
import { ObjectStore } from './store.ts';
import { WatchHub, type WatchSink } from './watch.ts';
import { WatchReader } from './watch-reader.ts';

const slice = (name: string, ip: string): KubeObject => ({
  kind: 'EndpointSlice',
  metadata: { name, namespace: 'default' },
  addressType: 'IPv4',
  endpoints: [{ addresses: [ip] }],
});

function recordingHub() {
  const store = new ObjectStore();
  const gate = new StallGate(() => hub.flushAll());
  const hub = new WatchHub(store, gate);
  const writes: string[] = [];
  const sink: WatchSink = { write: (chunk) => void writes.push(chunk), end() {}, destroy() {} };
  const resource = RESOURCES.find((r) => r.kind === 'EndpointSlice');
  if (!resource) throw new Error('no EndpointSlice resource');
  hub.open({ resource, namespace: undefined, matches: () => true, bookmarks: false, path: '/apis/discovery.k8s.io/v1/endpointslices' }, sink, store.resourceVersion || undefined, undefined);
  return { store, gate, hub, writes };
}

test('a batch reaches each watch as one write, events in commit order', () => {
  const { store, hub, writes } = recordingHub();
  store.create(slice('a', '10.0.0.1'));
  expect(writes).toHaveLength(1);
  const result = hub.batch(() => {
    store.create(slice('b', '10.0.0.2'));
    store.update(slice('a', '10.0.0.3'));
    store.remove('EndpointSlice', 'default', 'b');
    return 'done';
  });
  expect(result).toBe('done');
  expect(writes).toHaveLength(2);
  const events = (writes[1] ?? '').trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; object: KubeObject });
  expect(events.map((e) => `${e.type} ${e.object.metadata.name} ${e.object.metadata.resourceVersion}`)).toEqual(['ADDED b 2', 'MODIFIED a 3', 'DELETED b 4']);
  // Outside a batch, one write per event again.
  store.update(slice('a', '10.0.0.4'));
  expect(writes).toHaveLength(3);
});

test('a batch during a stall is queued and goes out on release, in order', () => {
  const { store, gate, hub, writes } = recordingHub();
  gate.set(true);
  hub.batch(() => {
    store.create(slice('a', '10.0.0.1'));
    store.create(slice('b', '10.0.0.2'));
  });
  store.create(slice('c', '10.0.0.3'));
  expect(writes).toHaveLength(0);
  gate.set(false);
  expect(writes.map((w) => w.trimEnd().split('\n').length)).toEqual([2, 1]);
});

let server: FakeApiServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

test('a burst of 1,000 updates through the server arrives complete, in order', async () => {
  server = await startFakeApiServer();
  const s = server;
  for (let i = 0; i < 1000; i++) s.create(slice(`s${i}`, '10.0.0.1'));
  const reader = await WatchReader.open(`${s.url}/apis/discovery.k8s.io/v1/endpointslices?watch=true&resourceVersion=${s.resourceVersion}`);
  try {
    await s.waitForWatchers(1);
    s.batch(() => {
      for (let i = 0; i < 1000; i++) s.update(slice(`s${i}`, '10.0.0.2'));
    });
    const names: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const e = await reader.next();
      expect(e.type).toBe('MODIFIED');
      names.push(e.object.metadata.name);
    }
    expect(names).toEqual(Array.from({ length: 1000 }, (_, i) => `s${i}`));
  } finally {
    await reader.cancel();
  }
});
