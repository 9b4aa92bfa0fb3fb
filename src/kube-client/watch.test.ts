import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { KubeStatusError } from './errors.ts';
import { buildKubeConfig } from './kube-config.ts';
import { Channel, eventLine, makePki, obj, openStream, removeDir, sendJson, startNodeServer, status, type NodeServer } from '../../test/support/kube-client.ts';
import { createTransport, type KubeTransport } from './transport.ts';
import { KubeWatch, WatchDecodeError, type KubeWatchOptions, type WatchQuery } from './watch.ts';

interface Call {
  url: URL;
  req: IncomingMessage;
  res: ServerResponse;
}

let server: NodeServer;
let transport: KubeTransport;
const calls = new Channel<Call>();

beforeAll(async () => {
  server = await startNodeServer((req, res) => calls.push({ url: new URL(req.url ?? '/', server.url), req, res }));
  transport = createTransport(buildKubeConfig({ server: server.url }, {}, '/nonexistent'));
});
afterAll(() => server.close());

function startWatch(query: WatchQuery = {}, opts: KubeWatchOptions = {}) {
  const events = new Channel<{ type: string; name: string | undefined }>();
  let resolveDone!: (err: unknown) => void;
  const done = new Promise<unknown>((resolve) => (resolveDone = resolve));
  const controller = new KubeWatch(transport, opts).watch(
    '/apis/route.openshift.io/v1/routes',
    query,
    (type, object) => events.push({ type, name: (object as { metadata?: { name?: string } }).metadata?.name }),
    resolveDone,
  );
  return { events, done, controller };
}

const closed = (res: ServerResponse) => new Promise<void>((resolve) => (res.destroyed ? resolve() : res.once('close', () => resolve())));

describe('KubeWatch', () => {
  test('asks the server for bookmarks and a 5-10 min timeout; caller parameters win', async () => {
    const w = startWatch({ resourceVersion: '5', labelSelector: undefined });
    const call = await calls.next();
    expect(call.url.pathname).toBe('/apis/route.openshift.io/v1/routes');
    expect(call.url.searchParams.get('watch')).toBe('true');
    expect(call.url.searchParams.get('allowWatchBookmarks')).toBe('true');
    expect(call.url.searchParams.get('resourceVersion')).toBe('5');
    expect(call.url.searchParams.has('labelSelector')).toBe(false);
    const timeout = Number(call.url.searchParams.get('timeoutSeconds'));
    expect(timeout).toBeGreaterThanOrEqual(300);
    expect(timeout).toBeLessThan(600);
    call.res.end();
    expect(await w.done).toBeNull();

    const fixed = startWatch({ timeoutSeconds: 7 });
    const second = await calls.next();
    expect(second.url.searchParams.get('timeoutSeconds')).toBe('7');
    second.res.end();
    await fixed.done;
  });

  test('reassembles events split across chunks, several per chunk, and a last one without newline', async () => {
    const w = startWatch();
    const { res } = await calls.next();
    openStream(res);
    const b = eventLine('MODIFIED', obj('b', '2'));
    res.write(eventLine('ADDED', obj('a', '1')) + b.slice(0, 10));
    expect(await w.events.next()).toEqual({ type: 'ADDED', name: 'a' });
    res.write(b.slice(10) + eventLine('BOOKMARK', { metadata: { resourceVersion: '3' } }));
    expect(await w.events.next()).toEqual({ type: 'MODIFIED', name: 'b' });
    expect(await w.events.next()).toEqual({ type: 'BOOKMARK', name: undefined });
    res.end(eventLine('DELETED', obj('a', '4')).trimEnd());
    expect(await w.events.next()).toEqual({ type: 'DELETED', name: 'a' });
    expect(await w.done).toBeNull();
  });

  test('a line that is not an event ends the watch with an error and closes the connection', async () => {
    const w = startWatch();
    const { res } = await calls.next();
    openStream(res);
    res.write(`${eventLine('ADDED', obj('a', '1'))}<html>proxy error</html>\n${eventLine('ADDED', obj('b', '2'))}`);
    expect(await w.events.next()).toEqual({ type: 'ADDED', name: 'a' });
    const err = await w.done;
    expect(err).toBeInstanceOf(WatchDecodeError);
    expect((err as Error).message).toBe('watch stream line is not JSON: <html>proxy error</html>');
    expect(w.events.all).toHaveLength(1);
    await closed(res);
  });

  test('an event without metadata is rejected the same way', async () => {
    const w = startWatch();
    const { res } = await calls.next();
    openStream(res);
    res.write(eventLine('ADDED', { spec: {} }));
    expect(((await w.done) as Error).message).toMatch(/^ADDED event without metadata/);
  });

  test('an ERROR event is delivered, then ends the watch with its status (410 for an expired resourceVersion)', async () => {
    const w = startWatch();
    const { res } = await calls.next();
    openStream(res);
    res.write(eventLine('ERROR', status(410, 'Expired', 'too old resource version: 1 (5)')));
    expect(await w.events.next()).toEqual({ type: 'ERROR', name: undefined });
    const err = await w.done;
    expect(err).toBeInstanceOf(KubeStatusError);
    expect(err).toMatchObject({ statusCode: 410, code: 410, reason: 'Expired', message: '410 Gone: too old resource version: 1 (5)' });
  });

  test('a refused watch reports the status and message of the response', async () => {
    const w = startWatch();
    sendJson((await calls.next()).res, 403, status(403, 'Forbidden', 'routes.route.openshift.io is forbidden'));
    expect(await w.done).toMatchObject({ statusCode: 403, message: '403 Forbidden: routes.route.openshift.io is forbidden' });
  });

  test('a callback that throws ends the watch with its error', async () => {
    let resolveDone!: (err: unknown) => void;
    const done = new Promise<unknown>((resolve) => (resolveDone = resolve));
    void new KubeWatch(transport).watch('/x', {}, () => {
      throw new Error('handler broke');
    }, resolveDone);
    const { res } = await calls.next();
    openStream(res);
    res.write(eventLine('ADDED', obj('a', '1')));
    expect(((await done) as Error).message).toBe('handler broke');
  });

  test('aborting the controller ends the watch cleanly and closes the connection', async () => {
    const w = startWatch();
    const { res } = await calls.next();
    openStream(res);
    (await w.controller).abort();
    expect(await w.done).toBeNull();
    await closed(res);
  });

  test('a stream that outlives its timeout by the grace period is presumed dead', async () => {
    const w = startWatch({}, { timeoutSeconds: () => 0, graceMs: 20 });
    const { res } = await calls.next();
    openStream(res);
    expect(((await w.done) as Error).message).toMatch(/still open .* presuming the connection dead/);
    await closed(res);
  });

  test('over TLS with a custom CA, the watch carries the bearer token', async () => {
    const pki = await makePki();
    const seen = new Channel<string | undefined>();
    const tlsServer = await startNodeServer(
      (req, res) => {
        seen.push(req.headers.authorization);
        openStream(res);
        res.end(eventLine('ADDED', obj('a', '1')));
      },
      { cert: pki.serverCert, key: pki.serverKey },
    );
    try {
      const tlsTransport = createTransport(buildKubeConfig({ server: tlsServer.url, certificateAuthority: pki.caFile, token: 'secret' }, {}, '/nonexistent'));
      const events = new Channel<string>();
      const done = new Promise<unknown>((resolve) => void new KubeWatch(tlsTransport).watch('/x', {}, (type) => events.push(type), resolve));
      expect(await seen.next()).toBe('Bearer secret');
      expect(await events.next()).toBe('ADDED');
      expect(await done).toBeNull();
    } finally {
      tlsServer.close();
      removeDir(pki.dir);
    }
  });
});
