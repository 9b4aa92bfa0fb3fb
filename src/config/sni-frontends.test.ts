import { describe, expect, test } from 'bun:test';
import { settings } from '../../test/support/fixtures.ts';
import { compareText } from '../domain/compare.ts';
import { servingCertificateFile } from './certificates.ts';
import { sniFrontendEntries, sniFrontends } from './sni-frontends.ts';

const s = settings();
const A = servingCertificateFile('pem a');
const B = servingCertificateFile('pem b');
const path = (f: { name: string }) => `${s.certDir}/${f.name}`;
const [FIRST, SECOND] = [A, B].sort((x, y) => compareText(x.name, y.name)) as [typeof A, typeof B];

describe('sniFrontends', () => {
  const cases: [string, { keyHost: string; file: typeof A }[], [string, string[]][]][] = [
    ['none', [], []],
    ['one certificate for two key hosts: one frontend', [{ keyHost: '*.b.example.com', file: A }, { keyHost: '*.0', file: A }], [[path(A), ['*.0', '*.b.example.com']]]],
    [
      'a frontend per certificate, numbered by file',
      [{ keyHost: '*.x.example.com', file: SECOND }, { keyHost: '*.y.example.com', file: FIRST }],
      [[path(FIRST), ['*.y.example.com']], [path(SECOND), ['*.x.example.com']]],
    ],
    ['a key host two certificates claim keeps the first (oldest route)', [{ keyHost: '*.example.com', file: B }, { keyHost: '*.example.com', file: A }], [[path(B), ['*.example.com']]]],
  ];
  for (const [name, terminating, want] of cases) {
    test(name, () => {
      const frontends = sniFrontends(terminating, new Set(), s);
      expect(frontends.map((f) => [f.certFile, f.keyHosts])).toEqual(want);
      expect(frontends.map((f) => [f.backend, f.number])).toEqual(want.map((_, i) => [`be_sni_cert_${i}`, i]));
    });
  }

  test('HTTP/2 only for a certificate nothing else serves: one key host, no crt-list line', () => {
    const alpn = (crtFiles: string[], http2 = true) =>
      sniFrontends([{ keyHost: '*.x.example.com', file: A }, { keyHost: '*.0', file: B }, { keyHost: '*.a.example.com', file: B }], new Set(crtFiles), settings({ tls: { ...s.tls, http2 } })).map((f) => [f.certFile, f.alpn]);
    expect(alpn([])).toEqual([[path(A), true], [path(B), false]].sort((x, y) => compareText(x[0] as string, y[0] as string)));
    expect(alpn([path(A)])).toEqual([[path(A), false], [path(B), false]].sort((x, y) => compareText(x[0] as string, y[0] as string)));
    expect(alpn([], false).map(([, on]) => on)).toEqual([false, false]);
  });

  test('the map sends each key host to its frontend', () => {
    const frontends = sniFrontends([{ keyHost: '*.x.example.com', file: A }, { keyHost: '*.0', file: B }, { keyHost: '*.a.example.com', file: A }], new Set(), s);
    const backendOf = (file: typeof A) => frontends.find((f) => f.certFile === path(file))?.backend ?? 'none';
    expect(sniFrontendEntries(frontends)).toEqual([
      { key: '*.0', value: backendOf(B) },
      { key: '*.a.example.com', value: backendOf(A) },
      { key: '*.x.example.com', value: backendOf(A) },
    ]);
  });
});
