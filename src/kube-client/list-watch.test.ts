import { afterEach, describe, expect, test } from 'bun:test';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { createKubeApi } from './api.ts';
import { buildKubeConfig } from './kube-config.ts';
import { startInformer, type Informer, type Scheduler } from './list-watch.ts';
import type { PageParams } from './paginate.ts';
import { Channel, eventLine, obj, openStream, recordingLogger, sendJson, startNodeServer, status, type NodeServer } from '../../test/support/kube-client.ts';
import { createTransport } from './transport.ts';
import { KubeWatch } from './watch.ts';

interface Call {
  url: URL;
  req: IncomingMessage;
  res: ServerResponse;
}

/** A server per test: a request still in flight from the previous test's informer must not reach this one's channels. */
let server: NodeServer;
/** List and watch requests, answered by each test as its scenario needs. */
let lists: Channel<Call>;
let watches: Channel<Call>;
let informer: Informer | undefined;

const RESOURCE = 'routes.route.openshift.io';

afterEach(() => {
  informer?.stop();
  informer = undefined;
  server.close();
});

function listPage(call: Call, items: unknown[], resourceVersion: string, next?: string) {
  sendJson(call.res, 200, { kind: 'RouteList', apiVersion: 'route.openshift.io/v1', metadata: { resourceVersion, ...(next ? { continue: next } : {}) }, items });
}

/** Runs restarts and ListWatch's reconnect delays on the next tick, recording the delays asked for. */
function fastScheduler(asked: number[]): Scheduler {
  return (fn, ms) => {
    asked.push(ms);
    const timer = setTimeout(fn, 0);
    return () => clearTimeout(timer);
  };
}

/** `raw`: pages fetched with the signal the informer passes (as the API source's lister does), not through the typed client. */
async function start(scheduler: Scheduler = fastScheduler([]), raw = false) {
  lists = new Channel<Call>();
  watches = new Channel<Call>();
  server = await startNodeServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    (url.searchParams.get('watch') === 'true' ? watches : lists).push({ url, req, res });
  });
  const transport = createTransport(buildKubeConfig({ server: server.url }, {}, '/nonexistent'));
  const { logger, lines } = recordingLogger();
  const got = new Channel<string>();
  const api = createKubeApi(transport);
  const describe = (o: KubernetesObject) => `${o.metadata?.name} ${o.metadata?.resourceVersion}`;
  const rawPage = async (page: PageParams, signal?: AbortSignal) => {
    const url = new URL(`${server.url}/apis/route.openshift.io/v1/routes?limit=${page.limit ?? ''}`);
    return (await (await transport.kubeFetch(url, signal ? { signal } : {})).json()) as KubernetesListObject<KubernetesObject>;
  };
  informer = startInformer<KubernetesObject>({
    list: raw ? rawPage : (page) =>
      api.customObjects.listClusterCustomObject({ group: 'route.openshift.io', version: 'v1', plural: 'routes', ...page }) as Promise<
        KubernetesListObject<KubernetesObject>
      >,
    path: '/apis/route.openshift.io/v1/routes',
    watch: new KubeWatch(transport),
    logger,
    resourceName: RESOURCE,
    server: server.url,
    onAdd: (o) => got.push(`add ${describe(o)}`),
    onUpdate: (o) => got.push(`update ${describe(o)}`),
    onDelete: (o) => got.push(`delete ${describe(o)}`),
    onSynced: () => got.push('synced'),
    pageSize: 2,
    scheduler,
  });
  const warnings = () => lines.until((l) => l.startsWith('warn'));
  return { informer, got, lines, warnings };
}

async function take(channel: Channel<string>, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(await channel.next());
  return out;
}

describe('startInformer', () => {
  test('lists in pages, syncs once, then watches from the list resourceVersion; bookmarks advance it', async () => {
    const { informer, got, lines } = await start();
    const first = await lists.next();
    expect(first.url.search).toBe('?limit=2');
    listPage(first, [obj('a', '1'), obj('b', '2')], '10', 'page2');
    const second = await lists.next();
    expect(second.url.searchParams.get('continue')).toBe('page2');
    listPage(second, [obj('c', '3')], '10');
    expect(await take(got, 4)).toEqual(['add a 1', 'add b 2', 'add c 3', 'synced']);
    await informer.synced;

    const watch = await watches.next();
    expect(watch.url.searchParams.get('resourceVersion')).toBe('10');
    expect(watch.url.searchParams.get('allowWatchBookmarks')).toBe('true');
    openStream(watch.res);
    watch.res.write(eventLine('ADDED', obj('d', '11')) + eventLine('MODIFIED', obj('a', '12')) + eventLine('DELETED', obj('b', '13')));
    expect(await take(got, 3)).toEqual(['add d 11', 'update a 12', 'delete b 13']);
    watch.res.end(eventLine('BOOKMARK', { kind: 'Route', metadata: { resourceVersion: '20' } }));

    // A clean end is ListWatch's to handle: it reconnects from the bookmark, without logging.
    const again = await watches.next();
    expect(again.url.searchParams.get('resourceVersion')).toBe('20');
    expect(lists.all).toHaveLength(2);
    expect(lines.all.filter((l) => l.startsWith('warn'))).toEqual([]);
  });

  test('the first list reaches the handlers page by page, before the next page is asked for, and each object once', async () => {
    const { informer, got } = await start();
    listPage(await lists.next(), [obj('a', '1'), obj('b', '2')], '10', 'page2');
    expect(await take(got, 2)).toEqual(['add a 1', 'add b 2']);
    listPage(await lists.next(), [obj('c', '3')], '10');
    expect(await take(got, 2)).toEqual(['add c 3', 'synced']);
    await informer.synced;
    await watches.next();
    expect(got.all).toEqual(['add a 1', 'add b 2', 'add c 3', 'synced']);
  });

  test('a first list that fails half way: the retry delivers again, and deletes what it no longer holds', async () => {
    const { informer, got, warnings } = await start();
    listPage(await lists.next(), [obj('a', '1'), obj('b', '2')], '10', 'page2');
    expect(await take(got, 2)).toEqual(['add a 1', 'add b 2']);
    sendJson((await lists.next()).res, 500, status(500, 'InternalError', 'etcd is down'));
    expect(await warnings()).toMatch(/cannot list .*etcd is down; retrying in 1s$/);
    listPage(await lists.next(), [obj('a', '1'), obj('c', '3')], '12');
    expect(await take(got, 4)).toEqual(['add a 1', 'add c 3', 'delete b 2', 'synced']);
    await informer.synced;
    // The watch starts from the completed list, and ListWatch's cache holds what it listed.
    const watch = await watches.next();
    expect(watch.url.searchParams.get('resourceVersion')).toBe('12');
    openStream(watch.res);
    watch.res.write(eventLine('DELETED', obj('c', '13')) + eventLine('MODIFIED', obj('a', '14')));
    expect(await take(got, 2)).toEqual(['delete c 13', 'update a 14']);
  });

  test('watches that end at once without events are reconnected with growing delays, without logging', async () => {
    const asked: number[] = [];
    const { got, lines } = await start(fastScheduler(asked));
    listPage(await lists.next(), [obj('a', '1')], '1');
    expect(await take(got, 2)).toEqual(['add a 1', 'synced']);
    for (let i = 0; i < 3; i++) {
      const watch = await watches.next();
      expect(watch.url.searchParams.get('resourceVersion')).toBe('1');
      watch.res.end();
    }
    await watches.next();
    expect(asked).toEqual([1000, 2000]);
    expect(lines.all.filter((l) => l.startsWith('warn'))).toEqual([]);
  });

  test('a 401 is logged once per attempt and retried with doubling backoff; a dropped connection restarts from the last resourceVersion', async () => {
    const { got, warnings, lines } = await start();
    listPage(await lists.next(), [obj('a', '1')], '5');
    expect(await take(got, 2)).toEqual(['add a 1', 'synced']);

    for (const delay of ['1s', '2s', '4s']) {
      const watch = await watches.next();
      expect(watch.url.searchParams.get('resourceVersion')).toBe('5');
      sendJson(watch.res, 401, status(401, 'Unauthorized', 'Unauthorized'));
      expect(await warnings()).toBe(`warn: cannot watch ${RESOURCE} on ${server.url}: 401 Unauthorized; retrying in ${delay}`);
    }

    const healthy = await watches.next();
    openStream(healthy.res);
    healthy.res.write(eventLine('ADDED', obj('b', '6')));
    expect(await got.next()).toBe('add b 6');
    expect(await lines.until((l) => l.startsWith('info'))).toBe(`info: watching ${RESOURCE} on ${server.url} works again`);

    healthy.res.socket?.destroy();
    expect(await warnings()).toBe(
      `warn: cannot watch ${RESOURCE} on ${server.url}: ECONNRESET: The socket connection was closed unexpectedly; retrying in 1s`,
    );
    const resumed = await watches.next();
    expect(resumed.url.searchParams.get('resourceVersion')).toBe('6');
    expect(lists.all).toHaveLength(1);
  });

  test('a watch or a list the server throttles (429 with Retry-After) is tried again after the wait it names, or the backoff when that is longer', async () => {
    const asked: number[] = [];
    const { got, warnings } = await start(fastScheduler(asked));
    const throttle = (res: ServerResponse, seconds: string) => {
      res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': seconds });
      res.end(JSON.stringify(status(429, 'TooManyRequests', 'Too many requests, please try again later.')));
    };
    throttle((await lists.next()).res, '3');
    expect(await warnings()).toBe(`warn: cannot list ${RESOURCE} on ${server.url}: 429 Too Many Requests: Too many requests, please try again later.; retrying in 3s`);
    listPage(await lists.next(), [obj('a', '1')], '5');
    expect(await take(got, 2)).toEqual(['add a 1', 'synced']);
    throttle((await watches.next()).res, '7');
    expect(await warnings()).toBe(`warn: cannot watch ${RESOURCE} on ${server.url}: 429 Too Many Requests: Too many requests, please try again later.; retrying in 7s`);
    // A server that keeps throttling with a short wait gets the grown backoff when it is longer.
    for (const delay of ['2s', '4s']) {
      throttle((await watches.next()).res, '1');
      expect(await warnings()).toBe(`warn: cannot watch ${RESOURCE} on ${server.url}: 429 Too Many Requests: Too many requests, please try again later.; retrying in ${delay}`);
    }
    expect((await watches.next()).url.searchParams.get('resourceVersion')).toBe('5');
    expect(asked).toEqual([3000, 7000, 2000, 4000]);
  });

  test('a failed list is retried with backoff, and synced waits for the first complete list', async () => {
    const { informer, got, warnings } = await start();
    let synced = false;
    void informer.synced.then(() => (synced = true));
    sendJson((await lists.next()).res, 500, status(500, 'InternalError', 'etcd is down'));
    expect(await warnings()).toBe(`warn: cannot list ${RESOURCE} on ${server.url}: 500 Internal Server Error: etcd is down; retrying in 1s`);
    expect(synced).toBe(false);
    listPage(await lists.next(), [obj('a', '1')], '2');
    await informer.synced;
    expect(await take(got, 2)).toEqual(['add a 1', 'synced']);
  });

  test('410 relists: vanished objects are deleted, changed ones updated, unchanged ones delivered again', async () => {
    const { got, lines } = await start();
    listPage(await lists.next(), [obj('a', '1'), obj('b', '2'), obj('c', '3')], '3');
    expect(await take(got, 4)).toEqual(['add a 1', 'add b 2', 'add c 3', 'synced']);

    // An expired resourceVersion as a watch event...
    const watch = await watches.next();
    openStream(watch.res);
    watch.res.write(eventLine('ERROR', status(410, 'Expired', 'too old resource version: 3 (9)')));
    listPage(await lists.next(), [obj('a', '1'), obj('c', '5'), obj('d', '6')], '7');
    expect(await take(got, 4)).toEqual(['update a 1', 'delete b 2', 'update c 5', 'add d 6']);

    // ...and as the watch response.
    const next = await watches.next();
    expect(next.url.searchParams.get('resourceVersion')).toBe('7');
    sendJson(next.res, 410, status(410, 'Expired', 'too old resource version: 7 (9)'));
    listPage(await lists.next(), [obj('a', '1'), obj('c', '5'), obj('d', '6')], '9');
    expect(await take(got, 3)).toEqual(['update a 1', 'update c 5', 'update d 6']);
    expect((await watches.next()).url.searchParams.get('resourceVersion')).toBe('9');
    expect(got.all.filter((e) => e === 'synced')).toHaveLength(1);
    expect(lines.all.filter((l) => l.startsWith('warn'))).toEqual([]);
  });

  test('a line that is not JSON restarts the watch from the last event it could read', async () => {
    const { got, warnings } = await start();
    listPage(await lists.next(), [obj('a', '1')], '1');
    expect(await take(got, 2)).toEqual(['add a 1', 'synced']);
    const watch = await watches.next();
    openStream(watch.res);
    watch.res.write(`${eventLine('ADDED', obj('b', '2'))}garbage\n${eventLine('ADDED', obj('c', '3'))}`);
    expect(await got.next()).toBe('add b 2');
    expect(await warnings()).toBe(`warn: cannot watch ${RESOURCE} on ${server.url}: watch stream line is not JSON: garbage; retrying in 1s`);
    const resumed = await watches.next();
    expect(resumed.url.searchParams.get('resourceVersion')).toBe('2');
    openStream(resumed.res);
    resumed.res.write(eventLine('ADDED', obj('c', '3')));
    expect(await got.next()).toBe('add c 3');
  });

  test('stop() cancels a pending restart and rejects synced when the first list never completed', async () => {
    const pending: { ms: number; cancelled: boolean }[] = [];
    const { informer, warnings } = await start((_fn, ms) => {
      const entry = { ms, cancelled: false };
      pending.push(entry);
      return () => (entry.cancelled = true);
    });
    sendJson((await lists.next()).res, 403, status(403, 'Forbidden', 'routes.route.openshift.io is forbidden'));
    expect(await warnings()).toMatch(/cannot list .*: 403 Forbidden: routes.route.openshift.io is forbidden; retrying in 1s$/);
    informer.stop();
    expect(pending).toEqual([{ ms: 1000, cancelled: true }]);
    await expect(informer.synced).rejects.toThrow(`${RESOURCE} informer stopped before its first list completed`);
  });

  test('stop() ends a list under way: its request is closed, synced rejects, nothing is delivered', async () => {
    const { informer, got } = await start(fastScheduler([]), true);
    const list = await lists.next();
    const closed = new Promise<void>((resolve) => list.res.once('close', () => resolve()));
    informer.stop();
    await closed;
    await expect(informer.synced).rejects.toThrow(`${RESOURCE} informer stopped before its first list completed`);
    expect(got.all).toEqual([]);
  });

  test('stop() closes the watch and nothing is delivered afterwards', async () => {
    const { informer, got } = await start();
    listPage(await lists.next(), [obj('a', '1')], '1');
    expect(await take(got, 2)).toEqual(['add a 1', 'synced']);
    const watch = await watches.next();
    openStream(watch.res);
    const closed = new Promise<void>((resolve) => watch.res.once('close', () => resolve()));
    informer.stop();
    await closed;
    expect(got.all).toEqual(['add a 1', 'synced']);
  });
});
