import { afterAll, describe, expect, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCA, makeLeaf } from '../../test/support/certs.ts';
import { captureLogs } from '../../test/support/log-capture.ts';
import { freePort } from '../../test/support/net.ts';
import { shortTempDir } from '../../test/support/workdir.ts';
import { listenPlainAndTls } from './tls-mux.ts';

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
      const trusting = (ca: typeof first) => ({ tls: { ca: ca.cert, checkServerIdentity: () => undefined } });
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
});
