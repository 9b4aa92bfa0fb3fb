import { describe, expect, test } from 'bun:test';
import type { KubeTransport } from '../../kube-client/transport.ts';
import type { Watcher } from '../../kube-client/watch.ts';
import { rawLister, selectingWatcher, type Collection } from './api-lister.ts';

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
