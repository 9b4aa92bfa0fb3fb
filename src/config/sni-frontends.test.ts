import { describe, expect, test } from 'bun:test';
import { settings } from '../../test/support/fixtures.ts';
import { compareText } from '../domain/compare.ts';
import { servingCertificateFile } from './certificates.ts';
import { sniFrontendEntries, sniFrontends, type Terminating } from './sni-frontends.ts';

const s = settings();
const A = servingCertificateFile('pem a');
const B = servingCertificateFile('pem b');
const path = (f: { name: string }) => `${s.certDir}/${f.name}`;
const [FIRST, SECOND] = [A, B].sort((x, y) => compareText(x.name, y.name)) as [typeof A, typeof B];

describe('sniFrontends', () => {
  const cases: [string, Terminating[], [string, string[]][]][] = [
    ['none', [], []],
    ['one certificate for two key hosts: one frontend', [{ keyHost: '*.b.example.com', file: A, routeKey: 'ns/r' }, { keyHost: '*.0', file: A, routeKey: 'ns/r' }], [[path(A), ['*.0', '*.b.example.com']]]],
    [
      'a frontend per certificate, numbered by file',
      [{ keyHost: '*.x.example.com', file: SECOND, routeKey: 'ns/r' }, { keyHost: '*.y.example.com', file: FIRST, routeKey: 'ns/r' }],
      [[path(FIRST), ['*.y.example.com']], [path(SECOND), ['*.x.example.com']]],
    ],
    ['a key host two certificates claim keeps the first (oldest route)', [{ keyHost: '*.example.com', file: B, routeKey: 'ns/r' }, { keyHost: '*.example.com', file: A, routeKey: 'ns/r' }], [[path(B), ['*.example.com']]]],
  ];
  for (const [name, terminating, want] of cases) {
    test(name, () => {
      const frontends = sniFrontends(terminating, new Map(), s);
      expect(frontends.map((f) => [f.certFile, f.keyHosts])).toEqual(want);
      expect(frontends.map((f) => [f.backend, f.number])).toEqual(want.map((_, i) => [`be_sni_cert_${i}`, i]));
    });
  }

  test('HTTP/2 only for a certificate nothing else serves: one key host, no crt-list line but its own', () => {
    const alpn = (lines: [typeof A, number][], keyHost = '*.x.example.com', http2 = true) =>
      sniFrontends([{ keyHost, file: A, routeKey: 'ns/r' }, { keyHost: '*.y.example.com', file: B, routeKey: 'ns/r' }, { keyHost: '*.z.example.com', file: B, routeKey: 'ns/r' }], new Map(lines.map(([f, n]) => [path(f), n])), settings({ tls: { ...s.tls, http2 } }))
        .find((f) => f.certFile === path(A))?.alpn;
    expect([alpn([]), alpn([[A, 1]]), alpn([[A, 2]]), alpn([[A, 1]], '*.0'), alpn([], '*.0'), alpn([], '*.x.example.com', false)]).toEqual([true, true, false, false, true, false]);
    expect(sniFrontends([{ keyHost: '*.y.example.com', file: B, routeKey: 'ns/r' }, { keyHost: '*.z.example.com', file: B, routeKey: 'ns/r' }], new Map(), s).map((f) => f.alpn)).toEqual([false]);
  });

  test('each frontend names the routes whose key hosts it serves: a key host claimed twice, its first route only', () => {
    const frontends = sniFrontends(
      [
        { keyHost: '*.x.example.com', file: A, routeKey: 'a/one' },
        { keyHost: '*.y.example.com', file: A, routeKey: 'b/two' },
        { keyHost: '*.x.example.com', file: B, routeKey: 'c/late' },
      ],
      new Map(),
      s,
    );
    expect(frontends.map((f) => f.routes)).toEqual([['a/one', 'b/two']]);
  });

  test('the map sends each key host to its frontend', () => {
    const frontends = sniFrontends([{ keyHost: '*.x.example.com', file: A, routeKey: 'ns/r' }, { keyHost: '*.0', file: B, routeKey: 'ns/r' }, { keyHost: '*.a.example.com', file: A, routeKey: 'ns/r' }], new Map(), s);
    const backendOf = (file: typeof A) => frontends.find((f) => f.certFile === path(file))?.backend ?? 'none';
    expect(sniFrontendEntries(frontends)).toEqual([
      { key: '*.0', value: backendOf(B) },
      { key: '*.a.example.com', value: backendOf(A) },
      { key: '*.x.example.com', value: backendOf(A) },
    ]);
  });
});
