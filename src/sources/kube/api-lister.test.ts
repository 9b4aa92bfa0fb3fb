import { describe, expect, test } from 'bun:test';
import type { KubeTransport } from '../../kube-client/transport.ts';
import type { Watcher } from '../../kube-client/watch.ts';
import { MAX_THROTTLED_PAGE_RETRIES, rawLister, selectingWatcher, type Collection } from './api-lister.ts';

const collection: Collection = { path: '/apis/route.openshift.io/v1/routes', resourceName: 'routes.route.openshift.io', labelSelector: 'a=b', fieldSelector: undefined };
const route = () => ({ metadata: { name: 'r', namespace: 'n', resourceVersion: '7', managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:spec': {} } }] }, spec: { host: 'x.test' } });

describe('objects as the sources keep them', () => {
  test('listed items lose metadata.managedFields and keep the rest; the selectors go on the request', async () => {
    const urls: string[] = [];
    const transport: KubeTransport = {
      server: 'https://api.test',
      kubeFetch: (async (url: URL) => {
        urls.push(String(url));
        return Response.json({ metadata: { resourceVersion: '9' }, items: [route()] });
      }) as unknown as KubeTransport['kubeFetch'],
    };
    const list = await rawLister(transport, collection)({ limit: 500 });
    expect(list.items).toEqual([{ metadata: { name: 'r', namespace: 'n', resourceVersion: '7' }, spec: { host: 'x.test' } }] as never);
    expect(urls).toEqual(['https://api.test/apis/route.openshift.io/v1/routes?labelSelector=a%3Db&limit=500']);
  });

  test('watched objects lose metadata.managedFields; an ERROR status passes as it came', async () => {
    const seen: unknown[] = [];
    const inner: Watcher = {
      watch: async (_path, query, callback) => {
        expect(query.labelSelector).toBe('a=b');
        callback('MODIFIED', route());
        callback('ERROR', { kind: 'Status', code: 410 });
        return new AbortController();
      },
    };
    await selectingWatcher(inner, collection).watch(collection.path, {}, (phase, object) => seen.push([phase, object]), () => {});
    expect(seen).toEqual([
      ['MODIFIED', { metadata: { name: 'r', namespace: 'n', resourceVersion: '7' }, spec: { host: 'x.test' } }],
      ['ERROR', { kind: 'Status', code: 410 }],
    ]);
  });
});

describe('a page the API server throttles', () => {
  const throttled = (retryAfter?: string) =>
    Response.json({ kind: 'Status', code: 429, reason: 'TooManyRequests', message: 'Too many requests, please try again later.' }, { status: 429, headers: retryAfter === undefined ? {} : { 'Retry-After': retryAfter } });
  /** A transport answering `answers` in turn (then a page), recording the URLs asked for. */
  const answering = (answers: (() => Response)[]) => {
    const urls: string[] = [];
    const transport: KubeTransport = {
      server: 'https://api.test',
      kubeFetch: (async (url: URL) => {
        urls.push(String(url));
        return (answers.shift() ?? (() => Response.json({ metadata: { resourceVersion: '9' }, items: [route()] })))();
      }) as unknown as KubeTransport['kubeFetch'],
    };
    return { transport, urls };
  };

  test('is asked for again, the same page, after each pause the server names (1 s for a 429 naming none)', async () => {
    const { transport, urls } = answering([() => throttled('2'), () => throttled(), () => Response.json({ kind: 'Status', code: 503 }, { status: 503, headers: { 'Retry-After': '3' } })]);
    const slept: number[] = [];
    const list = await rawLister(transport, collection, async (ms) => slept.push(ms))({ limit: 500, _continue: 'tok' });
    expect(list.items).toHaveLength(1);
    expect(slept).toEqual([2000, 1000, 3000]);
    expect(new Set(urls)).toEqual(new Set(['https://api.test/apis/route.openshift.io/v1/routes?labelSelector=a%3Db&limit=500&continue=tok']));
    expect(urls).toHaveLength(4);
  });

  test(`gives up after ${MAX_THROTTLED_PAGE_RETRIES} pauses, with the server's answer`, async () => {
    const { transport, urls } = answering(Array.from({ length: MAX_THROTTLED_PAGE_RETRIES + 1 }, () => () => throttled('1')));
    await expect(rawLister(transport, collection, async () => {})({ limit: 500 })).rejects.toThrow('429 Too Many Requests: Too many requests, please try again later.');
    expect(urls).toHaveLength(MAX_THROTTLED_PAGE_RETRIES + 1);
  });

  test('a pause ends at once when the list is no longer wanted, without asking again', async () => {
    const { transport, urls } = answering([() => throttled('30')]);
    const stopping = new AbortController();
    const listed = rawLister(transport, collection)({ limit: 500 }, stopping.signal);
    // The pause starts once the refusal is read; the abort then must not wait out its 30 s.
    await Bun.sleep(0);
    stopping.abort(new Error('stopped'));
    await expect(listed).rejects.toThrow('stopped');
    expect(urls).toHaveLength(1);
  });

  test('any other refusal fails at once', async () => {
    const { transport, urls } = answering([() => Response.json({ kind: 'Status', code: 503 }, { status: 503 })]);
    await expect(rawLister(transport, collection, async () => {})({ limit: 500 })).rejects.toThrow('503 Service Unavailable');
    expect(urls).toHaveLength(1);
  });
});
