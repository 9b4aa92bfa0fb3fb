import { afterAll, describe, expect, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCA, makeLeaf } from '../../test/support/certs.ts';
import { captureLogs } from '../../test/support/log-capture.ts';
import { freePort } from '../../test/support/net.ts';
import { shortTempDir } from '../../test/support/workdir.ts';
import { listenPlainAndTls, serverError } from './tls-mux.ts';

const dir = shortTempDir('mux');
afterAll(() => dir.remove());

describe('listenPlainAndTls', () => {
  test('one port, both protocols; a new certificate is served once its files change', async () => {
    const first = makeCA('first');
    const second = makeCA('second');
    const write = (ca: typeof first) => {
      const leaf = makeLeaf(ca, { dnsNames: ['localhost'] });
      writeFileSync(join(dir.path, 'tls.crt'), leaf.cert);
      writeFileSync(join(dir.path, 'tls.key'), leaf.key);
    };
    write(first);
    const port = await freePort();
    const logs = captureLogs();
    const server = await listenPlainAndTls(
      { host: '127.0.0.1', port, fetch: (req) => new Response(`hello ${new URL(req.url).pathname}`), logger: logs.logger, reloadEveryMs: 100 },
      { certFile: join(dir.path, 'tls.crt'), keyFile: join(dir.path, 'tls.key'), minVersion: 'TLSv1.2' },
      dir.path,
    );
    try {
      // A fresh connection each time: a pooled one from before the reload would be the old server's, and closed under it.
      const trusting = (ca: typeof first) => ({ keepalive: false, headers: { connection: 'close' }, tls: { ca: ca.cert, checkServerIdentity: () => undefined } });
      expect(await (await fetch(`http://127.0.0.1:${port}/plain`)).text()).toBe('hello /plain');
      expect(await (await fetch(`https://127.0.0.1:${port}/secure`, trusting(first))).text()).toBe('hello /secure');
      write(second);
      await logs.waitForLog((r) => r.msg.startsWith('reloaded the metrics certificate'));
      expect(await (await fetch(`https://127.0.0.1:${port}/again`, trusting(second))).text()).toBe('hello /again');
      await expect(fetch(`https://127.0.0.1:${port}/old`, trusting(first))).rejects.toThrow();
    } finally {
      await server.stop();
    }
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  test('reads that outlast the interval do not overlap: one new certificate is one reload, and it is served', async () => {
    const first = makeCA('first');
    const second = makeCA('second');
    const files = { certFile: join(dir.path, 'fast.crt'), keyFile: join(dir.path, 'fast.key'), minVersion: 'TLSv1.2' as const };
    const write = (ca: typeof first) => {
      const leaf = makeLeaf(ca, { dnsNames: ['localhost'] });
      writeFileSync(files.certFile, leaf.cert);
      writeFileSync(files.keyFile, leaf.key);
    };
    write(first);
    const port = await freePort();
    const logs = captureLogs();
    // Every millisecond: starting a TLS server takes longer than that, so ticks come while a reload is under way.
    const server = await listenPlainAndTls({ host: '127.0.0.1', port, fetch: () => new Response('ok'), logger: logs.logger, reloadEveryMs: 1 }, files, dir.path);
    try {
      write(second);
      await logs.waitForLog((r) => r.msg.startsWith('reloaded the metrics certificate'));
      const trusting = { keepalive: false, headers: { connection: 'close' }, tls: { ca: second.cert, checkServerIdentity: () => undefined } };
      for (let i = 0; i < 20; i++) expect(await (await fetch(`https://127.0.0.1:${port}/`, trusting)).text()).toBe('ok');
      expect(logs.logs.filter((r) => r.msg.startsWith('reloaded the metrics certificate'))).toHaveLength(1);
      expect(logs.logs.filter((r) => r.level === 'error')).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});

describe('serverError', () => {
  test('a handler that threw answers 500 with one line in the log, no stack trace to anyone', async () => {
    const logs = captureLogs();
    const res = serverError(logs.logger)(new TypeError('"http://[::1/healthz" cannot be parsed as a URL.'));
    expect([res.status, await res.text()]).toEqual([500, '500 internal server error\n']);
    expect(logs.logs.map((r) => `${r.level} ${r.msg}`)).toEqual(['debug the health and metrics server failed a request: "http://[::1/healthz" cannot be parsed as a URL.']);
  });
});
