import { describe, expect, test } from 'bun:test';
import { settings } from '../../test/support/fixtures.ts';
import { CRT_LIST_FILE, crtListLine, crtListLineText, endsLine, groupedCrtListLines, MAX_LINE_CHARS, MAX_SNIS_PER_LINE, SNIS_PER_BREAK } from './crt-list.ts';
import { EMBEDDED_ASSETS } from './embedded-assets.ts';
import type { ConfigModel, CrtListEntry } from './model.ts';
import { createRenderer } from './render.ts';

const entries: CrtListEntry[] = [
  { certFile: '/c/cert-ns_a-0123456789abcdef.pem', sni: 'a.example.com', alpn: true },
  { certFile: '/c/cert-ns_w-0123456789abcdef.pem', sni: '*.example.com', alpn: false },
  { certFile: '/c/cert-ns_w-0123456789abcdef.pem', sni: 'w.example.com', alpn: false },
];

describe('crtListLine', () => {
  test('certificate file, ALPN when the certificate is not shared, then the SNI filter', () => {
    expect(entries.map(crtListLine)).toEqual([
      '/c/cert-ns_a-0123456789abcdef.pem [alpn h2,http/1.1] a.example.com',
      '/c/cert-ns_w-0123456789abcdef.pem *.example.com',
      '/c/cert-ns_w-0123456789abcdef.pem w.example.com',
    ]);
  });

  test('the rendered crt-list holds the entries grouped, under the name the fe_sni bind line gives it', () => {
    const model: ConfigModel = {
      settings: settings(),
      backends: [],
      checks: [],
      maps: { 'os_http_be.map': [], 'os_http_be_prefix.map': [], 'os_edge_reencrypt_be.map': [], 'os_edge_reencrypt_be_prefix.map': [], 'os_http_be_hosts.map': [], 'os_edge_reencrypt_be_hosts.map': [], 'os_sni_passthrough.map': [] },
      matchRules: [],
      crtList: entries,
      sniFrontends: [],
      certificates: [],
      defaultCertificate: '',
    };
    const files = createRenderer(EMBEDDED_ASSETS)(model);
    expect(files.get(CRT_LIST_FILE)).toBe('/c/cert-ns_a-0123456789abcdef.pem [alpn h2,http/1.1] a.example.com\n/c/cert-ns_w-0123456789abcdef.pem *.example.com w.example.com\n');
    expect(files.get('haproxy.config')).toContain(` crt-list ${CRT_LIST_FILE} `);
  });
});

const e = (sni: string, certFile = '/c/x.pem', alpn = false): CrtListEntry => ({ certFile, sni, alpn });
const texts = (entries: CrtListEntry[]) => groupedCrtListLines(entries).map(crtListLineText);

describe('groupedCrtListLines', () => {
  const cases: [string, CrtListEntry[], string[]][] = [
    ['nothing', [], []],
    ['SNIs of one certificate share a line', [e('a'), e('b'), e('c')], ['/c/x.pem a b c']],
    ['another certificate is another line, placed where its first SNI is', [e('a'), e('b', '/c/y.pem'), e('c')], ['/c/x.pem a c', '/c/y.pem b']],
    ['other options are another line', [e('a', '/c/x.pem', true), e('b')], ['/c/x.pem [alpn h2,http/1.1] a', '/c/x.pem b']],
    [
      'an SNI named by several entries keeps a line of its own for each, in order, since line order decides among them',
      [e('a'), e('s', '/c/y.pem'), e('s'), e('t')],
      ['/c/x.pem a t', '/c/y.pem s', '/c/x.pem s'],
    ],
    ['a wildcard is an SNI like another', [e('*.a'), e('b')], ['/c/x.pem *.a b']],
    ['entries out of crt-list order: an SNI named twice, apart, still keeps a line of its own for each', [e('s'), e('a'), e('s', '/c/y.pem'), e('t')], ['/c/x.pem s', '/c/x.pem a t', '/c/y.pem s']],
    ['the same certificate with and without ALPN: a line each, both taking SNIs', [e('a'), e('b', '/c/x.pem', true), e('c'), e('d', '/c/x.pem', true)], ['/c/x.pem a c', '/c/x.pem [alpn h2,http/1.1] b d']],
  ];
  for (const [name, entries, lines] of cases) test(name, () => expect(texts(entries)).toEqual(lines));

  test(`at most ${MAX_SNIS_PER_LINE} SNIs on a line`, () => {
    const running = Array.from({ length: 1000 }, (_, i) => `h${i}`).filter((sni) => !endsLine(sni));
    const lines = groupedCrtListLines(running.slice(0, MAX_SNIS_PER_LINE * 2 + 1).map((sni) => e(sni)));
    expect(lines.map((l) => l.snis.length)).toEqual([MAX_SNIS_PER_LINE, MAX_SNIS_PER_LINE, 1]);
  });

  test(`a line ends after an SNI that ends lines, about one in ${SNIS_PER_BREAK}, whatever came before it`, () => {
    const snis = Array.from({ length: 2000 }, (_, i) => `h${String(i).padStart(4, '0')}`);
    const ends = snis.filter(endsLine);
    expect(ends.length).toBeGreaterThan(2000 / SNIS_PER_BREAK / 2);
    expect(ends.length).toBeLessThan((2000 / SNIS_PER_BREAK) * 2);
    const lines = groupedCrtListLines(snis.map((sni) => e(sni)));
    for (const line of lines.slice(0, -1)) expect(endsLine(line.snis.at(-1) as string) || line.snis.length === MAX_SNIS_PER_LINE).toBe(true);
    // With the first SNI gone, the lines from the first line end on are the same.
    const first = ends[0] as string;
    const after = (ls: typeof lines) => ls.slice(ls.findIndex((l) => l.snis.at(-1) === first) + 1);
    expect(after(groupedCrtListLines(snis.slice(1).map((sni) => e(sni))))).toEqual(after(lines));
  });

  test(`at most ${MAX_LINE_CHARS} characters on a line`, () => {
    const long = Array.from({ length: 40 }, (_, i) => e(`${String(i).padStart(3, '0')}.${'x'.repeat(240)}`));
    const lines = groupedCrtListLines(long).map(crtListLineText);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(MAX_LINE_CHARS);
    expect(lines.flatMap((l) => l.split(' ').slice(1))).toEqual(long.map((x) => x.sni));
  });
});
