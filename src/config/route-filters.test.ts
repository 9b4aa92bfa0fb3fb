import { afterAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { makeSelfSignedLeaf } from '../../test/support/certs.ts';
import { route, settings, slice } from '../../test/support/fixtures.ts';
import { shortTempDir } from '../../test/support/workdir.ts';
import type { RouteFilters, RouteRedirect } from '../domain/route-filters.ts';
import { checkConfig } from '../haproxy/check-config.ts';
import { writeTicketKeys } from '../haproxy/ticket-keys.ts';
import { buildConfigModel } from './build-model.ts';
import { configText } from './config-files.ts';
import { EMBEDDED_ASSETS } from './embedded-assets.ts';
import { createRenderer } from './render.ts';
import { filterLines, pathLines, redirectLocation } from './route-filters.ts';

/** What haproxy's replace-path does with one of our lines: the regex on the path, `\1` for the group. */
function applyLines(lines: string[], path: string): string {
  for (const line of lines) {
    const [, pattern, replacement] = /^http-request replace-path '(.*)' '(.*)'$/.exec(line) ?? [];
    const m = new RegExp(pattern ?? '').exec(path);
    if (m) path = (replacement ?? '').replaceAll('%%', '%').replace('\\1', m[1] ?? '');
  }
  return path;
}

describe('pathLines', () => {
  // The spec's ReplacePrefixMatch table (HTTPPathModifier), then the conformance suite's HTTPRouteRewritePath cases.
  test.each([
    ['/foo/bar', '/foo', '/xyz', '/xyz/bar'],
    ['/foo/bar', '/foo', '/xyz/', '/xyz/bar'],
    ['/foo', '/foo', '/xyz', '/xyz'],
    ['/foo/', '/foo', '/xyz', '/xyz/'],
    ['/foo/bar', '/foo', '', '/bar'],
    ['/foo/', '/foo', '', '/'],
    ['/foo', '/foo', '', '/'],
    ['/foo/', '/foo', '/', '/'],
    ['/foo', '/foo', '/', '/'],
    ['/prefix/one/two', '/prefix/one', '/one', '/one/two'],
    ['/strip-prefix/three', '/strip-prefix', '/', '/three'],
    ['/strip-prefix', '/strip-prefix', '/', '/'],
    ['/a/b', '', '/x', '/x/a/b'],
    ['/a', '', '', '/a'],
    ['/v1.0/x', '/v1.0', '/%41', '/%41/x'],
  ])('ReplacePrefixMatch: %s under prefix %p with %p is %s', (path, prefix, value, want) => {
    expect(applyLines(pathLines(prefix, { kind: 'prefix', value }), path)).toBe(want);
  });

  test('ReplaceFullPath replaces the whole path, %XX escapes literal', () => {
    const lines = pathLines('/full/one', { kind: 'full', value: '/one%20two' });
    expect(lines).toEqual(["http-request replace-path '.*' '/one%%20two'"]);
    expect(applyLines(lines, '/full/one/two')).toBe('/one%20two');
  });
});

describe('redirectLocation', () => {
  const r = (more: Partial<RouteRedirect>): RouteRedirect => ({ scheme: undefined, hostname: 'example.org', port: undefined, path: undefined, statusCode: 302, ...more });
  // The conformance suite's HTTPRouteRedirectPortAndScheme: listener on 80, on 8080, HTTPS on 443.
  test.each([
    ['http', 80, {}, 'http://example.org%[pathq]'],
    ['http', 80, { port: 80 }, 'http://example.org%[pathq]'],
    ['http', 80, { port: 8080 }, 'http://example.org:8080%[pathq]'],
    ['http', 80, { scheme: 'https' }, 'https://example.org%[pathq]'],
    ['http', 80, { scheme: 'https', port: 443 }, 'https://example.org%[pathq]'],
    ['http', 80, { scheme: 'https', port: 8443 }, 'https://example.org:8443%[pathq]'],
    ['http', 8080, {}, 'http://example.org:8080%[pathq]'],
    ['http', 8080, { port: 80 }, 'http://example.org%[pathq]'],
    ['http', 8080, { scheme: 'https' }, 'https://example.org%[pathq]'],
    ['https', 443, {}, 'https://example.org%[pathq]'],
    ['https', 443, { port: 443 }, 'https://example.org%[pathq]'],
    ['https', 443, { port: 8443 }, 'https://example.org:8443%[pathq]'],
    ['https', 443, { scheme: 'http' }, 'http://example.org%[pathq]'],
    ['https', 443, { scheme: 'http', port: 80 }, 'http://example.org%[pathq]'],
    ['https', 443, { scheme: 'http', port: 8080 }, 'http://example.org:8080%[pathq]'],
    ['http', 80, { hostname: undefined, port: 8083 }, 'http://%[var(txn.host)]:8083%[pathq]'],
  ] as const)('over %s on listener port %d, %o: %s', (incoming, listener, more, want) => {
    expect(redirectLocation(r(more), incoming, listener)).toBe(want);
  });
});

describe('filterLines', () => {
  const ports = { httpPort: 80, httpsPort: 443 };
  const none: RouteFilters = { request: [], response: [], redirect: undefined, rewrite: undefined };
  test('a redirect served over both schemes picks its Location by the request\'s', () => {
    const lines = filterLines({ ...none, redirect: { scheme: undefined, hostname: undefined, port: undefined, path: { kind: 'prefix', value: '/new' }, statusCode: 301 } }, '/old', ['http', 'https'], ports);
    expect(lines).toEqual([
      "http-request replace-path '^/old(/.*)?$' '/new\\1'",
      "http-request redirect location 'http://%[var(txn.host)]%[pathq]' code 301 if !{ ssl_fc }",
      "http-request redirect location 'https://%[var(txn.host)]%[pathq]' code 301 if { ssl_fc }",
    ]);
  });

  test('a rewrite sets the path, then the Host header', () => {
    expect(filterLines({ ...none, rewrite: { hostname: 'one.example.org', path: { kind: 'full', value: '/one' } } }, '/x', ['http'], ports)).toEqual([
      "http-request replace-path '.*' '/one'",
      "http-request set-header host 'one.example.org'",
    ]);
  });

  test('response header actions also on the answers haproxy makes itself, skipping those a server gave', () => {
    const response = [
      { action: 'Set' as const, name: 'X-Resp', value: '100%' },
      { action: 'Delete' as const, name: 'x-private', value: '' },
    ];
    expect(filterLines({ ...none, response }, '/x', ['http'], ports)).toEqual([
      'http-response set-var(txn.server_answered) bool(true)',
      "http-after-response set-header 'X-Resp' '100%%' unless { var(txn.server_answered) -m found }",
      "http-after-response del-header 'x-private' unless { var(txn.server_answered) -m found }",
    ]);
  });

  test('a rule without a valid backend answers 500 itself, after its rewrite; with some valid, the invalid share of requests', () => {
    expect(filterLines({ ...none, rewrite: { hostname: 'one.example.org', path: undefined }, invalidBackends: { weight: 3, total: 3 } }, '/x', ['http'], ports)).toEqual([
      "http-request set-header host 'one.example.org'",
      'http-request return status 500 default-errorfiles',
    ]);
    expect(filterLines({ ...none, invalidBackends: { weight: 1, total: 4 } }, '/x', ['http'], ports)).toEqual(['http-request return status 500 default-errorfiles if { rand(4) lt 1 }']);
  });

  test('no filters, no lines', () => {
    expect(filterLines(undefined, '/x', ['http'], ports)).toEqual([]);
  });
});

describe('haproxy reads hostile values as text', () => {
  const dir = shortTempDir();
  const leaf = makeSelfSignedLeaf({ dnsNames: ['f.example.com'] });
  afterAll(() => dir.remove());
  // Values the checks let through (printable text up to 4096 characters): each must stay one word of its line.
  const HOSTILE = ["it's", '"quoted"', 'back\\slash\\', '%[src]', '%{+Q}[req.hdr(host)]', '%', '$HOME ${HOME}', 'a  b\tc', '#comment', ' lead and trail ', 'x'.repeat(4096)];

  test('the rendered config passes haproxy -c, every value single-quoted with % doubled', async () => {
    const filters: RouteFilters = {
      request: HOSTILE.map((value, i) => ({ name: `X-H${i}`, action: i % 2 === 0 ? 'Set' : 'Add', value })),
      response: [...HOSTILE.map((value, i) => ({ name: `X-R${i}`, action: 'Set' as const, value })), { name: 'X-Gone', action: 'Delete', value: '' }],
      redirect: undefined,
      rewrite: { hostname: 'a.example.org', path: { kind: 'prefix', value: "/a'b/%41$x;=@" } },
    };
    const redirect: RouteFilters = { ...filters, request: [], response: [], rewrite: undefined, redirect: { scheme: 'https', hostname: undefined, port: 8443, path: { kind: 'full', value: "/%25'x" }, statusCode: 308 } };
    const model = buildConfigModel({
      routes: [route({ name: 'f', host: 'f.example.com', path: '/p', filters }), route({ name: 'r', host: 'r.example.com', filters: redirect })],
      slices: [slice('f', ['10.0.0.1'])],
      settings: settings({ adminSocketPath: join(dir.path, 'admin.sock'), certDir: dir.path, tls: { ...settings().tls, ticketKeysPath: await writeTicketKeys(dir.path) } }),
      allowAddress: () => true,
      defaultCertificate: `${leaf.key}${leaf.cert}`,
    });
    const files = createRenderer(EMBEDDED_ASSETS)(model);
    for (const [name, text] of files) await Bun.write(join(dir.path, name), text);
    const result = await checkConfig('haproxy', join(dir.path, 'haproxy.config'));
    expect(result.output).toEqual([]);
    expect(result.ok).toBe(true);
    const config = configText(files);
    expect(config).toContain("  http-request set-header 'X-H0' 'it'\\''s'\n");
    expect(config).toContain("  http-request add-header 'X-H3' '%%[src]'\n");
    expect(config).toContain("  http-request replace-path '^/p(/.*)?$' '/a'\\''b/%%41$x;=@\\1'\n");
    expect(config).toContain("  http-request redirect location 'https://%[var(txn.host)]:8443%[pathq]' code 308\n");
  });
});
