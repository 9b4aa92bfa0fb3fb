import { afterAll, describe, expect, spyOn, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCA, makeCrl } from '../../test/support/certs.ts';
import { DEFAULT_OPTIONS, withTls } from '../../test/support/router-options.ts';
import { shortTempDir } from '../../test/support/workdir.ts';
import { EMBEDDED_ASSETS } from '../config/embedded-assets.ts';
import type { RouterOptions } from '../options.ts';
import type { ClientCertificateOptions } from '../traffic-options.ts';
import { loadRendererAssets } from './renderer-assets.ts';

const dir = shortTempDir();
afterAll(() => dir.remove());
const file = (name: string, text: string | Buffer) => {
  const path = join(dir.path, name);
  writeFileSync(path, text);
  return path;
};

const ca = makeCA('assets-ca');
const caFile = file('ca.pem', `# the client CA\n${ca.cert}`);
const crl = makeCrl(ca);
const crlFile = file('crl.pem', crl);
const page503 = file('503.http', 'HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Bientôt de retour</p>\n');
const page404 = file('404.http', 'HTTP/1.0 404 Not Found\r\n\r\nnot here\n');
const CLIENT: ClientCertificateOptions = { verify: 'required', caFile, crlFile: undefined, subjectFilter: undefined };
const withClient = (more: Partial<ClientCertificateOptions>) => withTls({ clientCertificates: { ...CLIENT, ...more } });
const withPages = (page503: string | undefined, page404: string | undefined): RouterOptions => ({ ...DEFAULT_OPTIONS, errorPages: { page503, page404 } });

describe('loadRendererAssets', () => {
  test('by default, the embedded template and pages, and no client CA', async () => {
    expect(await loadRendererAssets(DEFAULT_OPTIONS)).toEqual(EMBEDDED_ASSETS);
  });

  test("the operator's pages, byte for byte, and the client CA and CRLs re-encoded", async () => {
    const assets = await loadRendererAssets({ ...withClient({ crlFile, subjectFilter: '(?i)^/CN=app[0-9]++$' }), errorPages: { page503, page404 } });
    expect(Buffer.from(assets.errorPage503)).toEqual(await Bun.file(page503).bytes().then(Buffer.from));
    expect(assets.errorPage404).toBe('HTTP/1.0 404 Not Found\r\n\r\nnot here\n');
    expect([assets.clientCa, assets.clientCrl]).toEqual([ca.cert, crl]);
  });

  test.each<[string, RouterOptions, string]>([
    ['a missing page', withPages('/nonexistent/503.http', undefined), 'ROUTER_ERRORFILE_503: cannot read /nonexistent/503.http: '],
    ['a page that is no HTTP response', withPages(undefined, file('html.http', '<html></html>\n')), 'ROUTER_ERRORFILE_404: '],
    ['a page in Latin-1', withPages(file('latin1.http', Buffer.from('HTTP/1.0 503 X\r\n\r\nBient\xf4t\n', 'latin1')), undefined), 'is not UTF-8 text'],
    ['a missing CA', withClient({ caFile: '/nonexistent/ca.pem' }), 'ROUTER_MUTUAL_TLS_AUTH_CA: cannot read /nonexistent/ca.pem: '],
    ['a CA file with a key', withClient({ caFile: file('key.pem', ca.cert + ca.key) }), 'holds a private key'],
    ['a CRL file without CRLs', withClient({ crlFile: caFile }), `ROUTER_MUTUAL_TLS_AUTH_CRL: ${caFile} holds no PEM CRL`],
    ['a filter haproxy refuses', withClient({ subjectFilter: '(unclosed' }), 'ROUTER_MUTUAL_TLS_AUTH_FILTER: haproxy refuses the regular expression: '],
    [
      'a CA naming CRL distribution points, without CRLs',
      withClient({ caFile: file('published.pem', makeCA('published', { crlUrl: 'http://crl.example.com/a.crl' }).cert) }),
      'names CRL distribution points, which openshift-router downloads and router does not (left for later, no issue planned): give the CRLs as a file in ROUTER_MUTUAL_TLS_AUTH_CRL',
    ],
  ])('refuses %s, naming the setting', async (_what, options, error) => {
    await expect(loadRendererAssets(options)).rejects.toThrow(error);
  });

  test('a CRL past its nextUpdate is warned about (every client certificate would be refused), not refused: the router starts', async () => {
    const warned: string[] = [];
    const current = await loadRendererAssets(withClient({ crlFile }), (m) => warned.push(m));
    expect([current.clientCrl, warned]).toEqual([crl, []]);
    // The CRL's nextUpdate is 30 days out: 60 days on, it has lapsed.
    const clock = spyOn(Date, 'now').mockReturnValue(Date.now() + 60 * 86_400_000);
    try {
      await loadRendererAssets(withClient({ crlFile }), (m) => warned.push(m));
    } finally {
      clock.mockRestore();
    }
    expect(warned).toEqual([expect.stringContaining(`ROUTER_MUTUAL_TLS_AUTH_CRL: ${crlFile} holds a CRL past its nextUpdate (`)]);
  });

  test('every problem is said at once', async () => {
    const options = { ...withClient({ caFile: '/nonexistent/ca.pem' }), errorPages: { page503: '/nonexistent/503.http', page404: undefined } };
    await expect(loadRendererAssets(options)).rejects.toThrow(/^ROUTER_ERRORFILE_503: .*; ROUTER_MUTUAL_TLS_AUTH_CA: /);
  });
});
