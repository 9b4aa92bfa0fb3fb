import { afterEach, describe, expect, test } from 'bun:test';
import { startFakeApiServer, type FakeApiServer, type KubeObject } from './fake-api-server.ts';
import { WatchReader } from './watch-reader.ts';

const ROUTES = '/apis/route.openshift.io/v1/routes';

let server: FakeApiServer | undefined;
const readers: WatchReader[] = [];
afterEach(async () => {
  await Promise.all(readers.splice(0).map((r) => r.cancel()));
  await server?.stop();
  server = undefined;
});

async function start(): Promise<FakeApiServer> {
  server = await startFakeApiServer();
  return server;
}

function route(name: string, namespace = 'default', labels?: Record<string, string>): KubeObject {
  return { kind: 'Route', metadata: { name, namespace, ...(labels ? { labels } : {}) }, spec: { host: `${name}.example.com` } };
}

async function watch(s: FakeApiServer, path: string, query: string): Promise<WatchReader> {
  const reader = await WatchReader.open(`${s.url}${path}?watch=true${query ? `&${query}` : ''}`);
  readers.push(reader);
  return reader;
}

const summary = (e: { type: string; object: KubeObject }): string => `${e.type} ${e.object.metadata.name} ${e.object.metadata.resourceVersion}`;

async function drain(r: WatchReader): Promise<string[]> {
  const lines: string[] = [];
  for (let line = await r.nextLine(); line !== undefined; line = await r.nextLine()) lines.push(line);
  return lines;
}

describe('watch', () => {
  test('from a resourceVersion: history, then live ADDED/MODIFIED/DELETED as chunked NDJSON', async () => {
    const s = await start();
    const a = s.create(route('a'));
    s.create(route('b'));
    const w = await watch(s, ROUTES, `resourceVersion=${a.metadata.resourceVersion}`);
    expect(w.response.headers.get('content-type')).toBe('application/json');
    expect(w.response.headers.get('transfer-encoding')).toBe('chunked');
    expect(summary(await w.next())).toBe('ADDED b 2');
    await s.waitForWatchers(1, ROUTES);
    s.update({ ...a, spec: { host: 'changed.example.com' } });
    s.remove('Route', 'default', 'b');
    const modified = await w.next();
    expect(summary(modified)).toBe('MODIFIED a 3');
    expect(modified.object.spec.host).toBe('changed.example.com');
    const deleted = await w.next();
    expect(summary(deleted)).toBe('DELETED b 4');
    expect(deleted.object.spec.host).toBe('b.example.com');
  });

  test('without a resourceVersion (or 0): current objects as ADDED, then live; namespaced watches see their namespace only', async () => {
    const s = await start();
    s.create(route('a', 'ns1'));
    s.create(route('b', 'ns2'));
    const all = await watch(s, ROUTES, '');
    const ns2 = await watch(s, '/apis/route.openshift.io/v1/namespaces/ns2/routes', 'resourceVersion=0');
    expect([summary(await all.next()), summary(await all.next())]).toEqual(['ADDED a 1', 'ADDED b 2']);
    expect(summary(await ns2.next())).toBe('ADDED b 2');
    await s.waitForWatchers(2);
    s.create(route('c', 'ns1'));
    s.create(route('d', 'ns2'));
    expect(summary(await all.next())).toBe('ADDED c 3');
    expect(summary(await ns2.next())).toBe('ADDED d 4');
  });

  test('label selectors turn objects leaving or entering the selection into DELETED/ADDED', async () => {
    const s = await start();
    const a = s.create(route('a', 'default', { shard: 'x' }));
    const w = await watch(s, ROUTES, `resourceVersion=${s.resourceVersion}&labelSelector=shard%3Dx`);
    await s.waitForWatchers(1);
    const out = s.update({ ...a, metadata: { ...a.metadata, labels: { shard: 'y' } } });
    s.create(route('ignored', 'default', { shard: 'y' }));
    const back = s.update({ ...out, metadata: { ...out.metadata, labels: { shard: 'x' } } });
    s.update({ ...back, spec: { host: 'new.example.com' } });
    expect(summary(await w.next())).toBe('DELETED a 2');
    expect(summary(await w.next())).toBe('ADDED a 4');
    expect(summary(await w.next())).toBe('MODIFIED a 5');
  });

  test('projects are watched through namespace changes', async () => {
    const s = await start();
    const w = await watch(s, '/apis/project.openshift.io/v1/projects', '');
    await s.waitForWatchers(1);
    s.create({ kind: 'Namespace', metadata: { name: 'team' } });
    s.remove('Namespace', undefined, 'team');
    const added = await w.next();
    expect(added.object).toMatchObject({ kind: 'Project', apiVersion: 'project.openshift.io/v1', metadata: { name: 'team' } });
    expect(summary(await w.next())).toBe('DELETED team 2');
  });

  test('bookmarks go only to watches that allowed them, at the current resourceVersion', async () => {
    const s = await start();
    s.create(route('a'));
    const withBookmarks = await watch(s, ROUTES, 'resourceVersion=1&allowWatchBookmarks=true');
    const without = await watch(s, ROUTES, 'resourceVersion=1');
    await s.waitForWatchers(2);
    s.sendBookmark();
    s.create(route('b'));
    expect(JSON.parse((await withBookmarks.nextLine()) ?? '')).toEqual({
      type: 'BOOKMARK', object: { kind: 'Route', apiVersion: 'route.openshift.io/v1', metadata: { resourceVersion: '1' } },
    });
    expect(summary(await withBookmarks.next())).toBe('ADDED b 2');
    expect(summary(await without.next())).toBe('ADDED b 2');
  });

  test('after expire, resuming from an old resourceVersion gets ERROR 410 and the end; list+watch from scratch works', async () => {
    const s = await start();
    s.create(route('a'));
    s.create(route('b'));
    s.expire();
    const old = await watch(s, ROUTES, 'resourceVersion=1');
    expect(JSON.parse((await old.nextLine()) ?? '')).toEqual({
      type: 'ERROR',
      object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 1 (2)', reason: 'Expired', code: 410 },
    });
    expect(await old.nextLine()).toBeUndefined();

    const list = (await (await fetch(`${s.url}${ROUTES}`)).json()) as { metadata: { resourceVersion: string } };
    const fresh = await watch(s, ROUTES, `resourceVersion=${list.metadata.resourceVersion}`);
    await s.waitForWatchers(1);
    s.create(route('c'));
    expect(summary(await fresh.next())).toBe('ADDED c 3');
  });

  test('injected garbage arrives as a raw line and the stream goes on', async () => {
    const s = await start();
    const w = await watch(s, ROUTES, 'resourceVersion=0');
    await s.waitForWatchers(1);
    s.injectGarbage('this is {not json');
    s.create(route('a'));
    expect(await w.nextLine()).toBe('this is {not json');
    expect(summary(await w.next())).toBe('ADDED a 1');
  });

  test('dropWatches resets the connection; closeWatches ends the stream cleanly', async () => {
    const s = await start();
    const dropped = await watch(s, ROUTES, '');
    await s.waitForWatchers(1);
    s.dropWatches();
    await expect(drain(dropped)).rejects.toMatchObject({ code: 'ECONNRESET' });
    const closed = await watch(s, ROUTES, '');
    await s.waitForWatchers(1);
    s.create(route('a'));
    s.closeWatches();
    expect((await drain(closed)).map((l) => summary(JSON.parse(l)))).toEqual(['ADDED a 1']);
  });

  test('timeoutSeconds ends the stream cleanly', async () => {
    const s = await start();
    const w = await watch(s, ROUTES, 'timeoutSeconds=1');
    expect(await w.nextLine()).toBeUndefined();
  });

  test('stall queues events and delivers them in order when released', async () => {
    const s = await start();
    const w = await watch(s, ROUTES, '');
    await s.waitForWatchers(1);
    s.stall(true);
    s.create(route('a'));
    s.sendBookmark();
    s.create(route('b'));
    const first = w.next();
    // A request sent after the events were committed has reached the server, so unstalled events would have too.
    const probe = fetch(`${s.url}/api`);
    await s.waitForRequest((r) => r.path === '/api');
    expect(Bun.peek.status(first)).toBe('pending');
    s.stall(false);
    expect(summary(await first)).toBe('ADDED a 1');
    expect(summary(await w.next())).toBe('ADDED b 2');
    expect((await probe).status).toBe(200);
  });

  test('waitForWatchers counts open watches per path', async () => {
    const s = await start();
    const slices = '/apis/discovery.k8s.io/v1/endpointslices';
    const waiting = s.waitForWatchers(2, slices);
    await watch(s, slices, '');
    await watch(s, ROUTES, '');
    expect(Bun.peek.status(waiting)).toBe('pending');
    await watch(s, slices, 'labelSelector=x');
    await waiting;
  });
});

describe('lifecycle', () => {
  test('stop resets watches and refuses connections; start serves the same store on the same port', async () => {
    const s = await start();
    const port = s.port;
    s.create(route('a'));
    const w = await watch(s, ROUTES, 'resourceVersion=1');
    await s.waitForWatchers(1);
    await s.stop();
    await expect(drain(w)).rejects.toMatchObject({ code: 'ECONNRESET' });
    await expect(fetch(`${s.url}${ROUTES}`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    s.create(route('b'));
    await s.start();
    expect(s.port).toBe(port);
    const resumed = await watch(s, ROUTES, 'resourceVersion=1');
    expect(summary(await resumed.next())).toBe('ADDED b 2');
    const list = (await (await fetch(`${s.url}${ROUTES}`)).json()) as { items: KubeObject[] };
    expect(list.items.map((o) => o.metadata.name)).toEqual(['a', 'b']);
  });

  test('a new instance can take over a stopped instance\'s port', async () => {
    const first = await start();
    const port = first.port;
    await first.stop();
    server = await startFakeApiServer({ port });
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
    expect((await fetch(`${server.url}/api`)).status).toBe(200);
  });
});
