import { describe, expect, test } from 'bun:test';
import { settings } from '../../test/support/fixtures.ts';
import { certificatePath, destinationCaFile, servingCertificateFile } from '../config/certificates.ts';
import { checkServers } from '../config/check-servers.ts';
import type { BackendModel, CertificateFile, ConfigModel, CrtListEntry } from '../config/model.ts';
import { byName, compareText } from '../domain/compare.ts';
import { fitsCliBuffer } from './cli-requests.ts';
import { setSslCertRequest } from './cli-requests.ts';
import type { RuntimeCommand } from './commands.ts';
import type { CrtLineNumbers } from './crt-line-numbers.ts';
import { backend, server } from '../../test/support/models.ts';
import { CRT_LIST_FILE, crtListLine } from '../config/crt-list.ts';
import { fitChecks } from './fit-checks.ts';
import { planUpdate, type UpdatePlan } from './plan.ts';
import type { ReloadReasonCode } from './reload-reasons.ts';

const s = settings();
const edge = (name: string): BackendModel => ({ ...backend(`be_edge_http:ns:${name}`, [server('s1')], { termination: 'edge' }), routeKey: `ns/${name}` });

/** A route's serving certificate: its content-addressed file and its crt-list line. */
interface Serving {
  file: CertificateFile;
  entry: CrtListEntry;
}

function servingFile(file: CertificateFile, route: string, more: Partial<CrtListEntry> = {}): Serving {
  return { file, entry: { certFile: certificatePath(s.certDir, file), sni: `${route}.example.com`, alpn: false, ...more } };
}

/** Named by content, as buildConfigModel names them (without a `:`, which `del ssl crt-list` cannot take). */
function serving(route: string, pem: string, more: Partial<CrtListEntry> = {}): Serving {
  return servingFile(servingCertificateFile(pem), route, more);
}

/** A model as buildConfigModel would make it: certificates sorted by name, crt-list by SNI. */
function model(certs: Serving[], more: { caFiles?: CertificateFile[]; backends?: BackendModel[]; defaultCertificate?: string } = {}): ConfigModel {
  return {
    settings: s,
    backends: more.backends ?? [edge('a'), edge('b')],
    checks: checkServers(more.backends ?? [edge('a'), edge('b')], s),
    maps: {
      'os_http_be.map': [],
      'os_http_be_prefix.map': [],
      'os_edge_reencrypt_be.map': [{ key: 'a.example.com', value: 'be_edge_http:ns:a' }],
      'os_edge_reencrypt_be_prefix.map': [],
      'os_http_be_hosts.map': [], 'os_edge_reencrypt_be_hosts.map': [], 'os_sni_passthrough.map': [],
    },
    matchRules: [],
    crtList: certs.map((c) => c.entry).sort((a, b) => compareText(a.sni, b.sni) || compareText(a.certFile, b.certFile)),
    certificates: [...certs.map((c) => c.file), ...(more.caFiles ?? [])].sort(byName),
    sniFrontends: [],
    defaultCertificate: more.defaultCertificate ?? 'default v1',
  };
}

const lineOf = (c: Serving): RuntimeCommand => ({ kind: 'add-crt-list', crtList: CRT_LIST_FILE, entries: [c.entry] });
const addOf = (c: Serving): RuntimeCommand[] => [
  { kind: 'new-ssl-cert', certFile: c.entry.certFile },
  { kind: 'set-ssl-cert', certFile: c.entry.certFile, pem: c.file.pem },
  { kind: 'commit-ssl-cert', certFile: c.entry.certFile },
  lineOf(c),
];
/** The deletion of a line, by the number the worker gave it (by default its place in the applied crt-list). */
const lineGone = (c: Serving, line: number): RuntimeCommand => ({ kind: 'del-crt-list', crtList: CRT_LIST_FILE, entry: c.entry, line });
const removalOf = (c: Serving, line: number): RuntimeCommand[] => [lineGone(c, line), { kind: 'del-ssl-cert', certFile: c.entry.certFile }];
const reload = (...codes: ReloadReasonCode[]): UpdatePlan => ({ kind: 'reload', reasons: codes.map((code) => ({ code, backend: undefined })) });

const a1 = serving('a', 'KEY-A\nCERT-A1\n');
const a2 = serving('a', 'KEY-A\nCERT-A2\n');
const b1 = serving('b', 'KEY-B\nCERT-B1\n');
/** a1's certificate, served for another SNI too: one file on two lines. */
const a1Other = { ...a1, entry: { ...a1.entry, sni: 'other.example.com' } };
const a1Third = { ...a1, entry: { ...a1.entry, sni: 'third.example.com' } };
/** a1 and a2 on lines with options of their own (an unshared certificate offers h2). */
const a1H2 = { ...a1, entry: { ...a1.entry, alpn: true } };
const a2H2 = { ...a2, entry: { ...a2.entry, alpn: true } };

describe('planUpdate: route certificates', () => {
  test('certificates are content-addressed: a rotation is a new file, the same certificate the same file', () => {
    expect(a1.entry.certFile).not.toBe(a2.entry.certFile);
    expect(serving('x', 'KEY-A\nCERT-A1\n').entry.certFile).toBe(a1.entry.certFile);
  });

  test('a certificate whose file name has a colon goes live, but its line cannot be deleted: rotating or removing it reloads', () => {
    const c1 = servingFile({ name: 'cert-ns:a-1.pem', pem: 'KEY-A\nCERT-A1\n' }, 'a');
    const c2 = servingFile({ name: 'cert-ns:a-2.pem', pem: 'KEY-A\nCERT-A2\n' }, 'a');
    expect(planUpdate(model([b1]), model([c1, b1]))).toEqual({ kind: 'runtime', commands: addOf(c1) });
    expect(planUpdate(model([c1, b1]), model([c2, b1]))).toEqual(reload('crt-list-line-undeletable'));
    expect(planUpdate(model([c1, b1]), model([b1]))).toEqual(reload('crt-list-line-undeletable'));
  });

  const cases: [string, ConfigModel, ConfigModel, UpdatePlan][] = [
    ['a certificate added for a new SNI', model([b1]), model([a1, b1]), { kind: 'runtime', commands: addOf(a1) }],
    ['a certificate rotated: the new one is in before the old one leaves', model([a1, b1]), model([a2, b1]), { kind: 'runtime', commands: [...addOf(a2), ...removalOf(a1, 1)] }],
    ['a certificate removed', model([a1, b1]), model([b1]), { kind: 'runtime', commands: removalOf(a1, 1) }],
    ['a certificate removed, by its line number', model([a1, b1]), model([a1]), { kind: 'runtime', commands: removalOf(b1, 2) }],
    [
      'several at once: every addition before any removal',
      model([a1]),
      model([a2, b1]),
      { kind: 'runtime', commands: [...addOf(a2), ...addOf(b1), ...removalOf(a1, 1)] },
    ],
    ['the same certificates: nothing to do', model([a1, b1]), model([a1, b1]), { kind: 'none' }],
    ['a certificate with ALPN added: live, adding a line with options is safe', model([b1]), model([a1H2, b1]), { kind: 'runtime', commands: addOf(a1H2) }],
    ['a certificate with ALPN rotated: its line with options cannot go live', model([a1H2, b1]), model([a2H2, b1]), reload('crt-list-line-options')],
    ['a certificate with ALPN removed: its line with options cannot go live', model([a1H2, b1]), model([b1]), reload('crt-list-line-options')],
    ['a certificate that becomes shared loses ALPN: its line with options cannot go live', model([a1H2]), model([a1]), reload('crt-list-line-options')],
    [
      'a certificate left alone gains ALPN: the new line goes in before the old one without options leaves, the file stays',
      model([a1]),
      model([a1H2]),
      { kind: 'runtime', commands: [lineOf(a1H2), lineGone(a1, 1)] },
    ],
    ['a certificate another SNI comes to share: a line, and no second load of the file', model([a1]), model([a1, a1Other]), { kind: 'runtime', commands: [lineOf(a1Other)] }],
    [
      'one of two SNIs of a loaded line leaves: the other gets a line of its own first, then the line goes by its number, and the file stays',
      model([a1, a1Other, b1]),
      model([a1, b1]),
      { kind: 'runtime', commands: [lineOf(a1), lineGone(a1Other, 1)] },
    ],
    ['both SNIs of a line leave: the line once, then the file', model([a1, a1Other]), model([]), { kind: 'runtime', commands: [...removalOf(a1, 1)] }],
    [
      'two of three SNIs of a line leave: the third gets a line of its own, the line goes once',
      model([a1, a1Other, a1Third]),
      model([a1Third]),
      { kind: 'runtime', commands: [lineOf(a1Third), lineGone(a1, 1)] },
    ],
    [
      'an SNI moves to a new file while its old line keeps another SNI: only the new file is loaded',
      model([a1, a1Other]),
      model([a2, a1Other]),
      { kind: 'runtime', commands: [...addOf(a2), lineOf(a1Other), lineGone(a1, 1)] },
    ],
    [
      'a certificate added for an SNI another line keeps serving: line order would decide',
      model([a1]),
      model([a1, serving('a-path', 'KEY-C\nCERT-C\n', { sni: 'a.example.com' })]),
      reload('crt-list-sni-shared'),
    ],
    // Destination CAs are loaded with the servers that use them (ca-file-plan.ts); a CA that changes under servers changes their backend.
    ['a destination CA added', model([a1]), model([a1], { caFiles: [destinationCaFile('CA\n')] }), { kind: 'none' }],
    [
      'a destination CA replaced',
      model([a1], { caFiles: [destinationCaFile('CA1\n')] }),
      model([a1], { caFiles: [destinationCaFile('CA2\n')] }),
      { kind: 'none' },
    ],
  ];
  for (const [name, applied, next, plan] of cases) {
    test(name, () => expect(planUpdate(applied, next)).toEqual(plan));
  }

  test('a line is deleted by the number the worker gave it; one whose number is unknown reloads', () => {
    const lines = new Map([[crtListLine(a1.entry), 1], [crtListLine(a1Other.entry), 7]]);
    const members = new Map([[1, [a1.entry]], [7, [a1Other.entry]]]);
    const numbers: CrtLineNumbers = {
      last: 9,
      lineOf: (entry) => lines.get(crtListLine(entry)),
      members: (n) => members.get(n),
      lineAdded: () => undefined,
      lineDeleted: () => undefined,
    };
    expect(planUpdate(model([a1, a1Other]), model([a1]), numbers)).toEqual({ kind: 'runtime', commands: [lineGone(a1Other, 7)] });
    expect(planUpdate(model([a1, b1]), model([a1]), numbers)).toEqual(reload('crt-list-line-undeletable'));
  });

  test('certificates go first, then server changes, server deletions last', () => {
    const grown = { ...edge('b'), servers: [...edge('b').servers, { name: 's2', ip: '10.0.0.2', port: 8080, weight: 1 }] };
    const applied = model([a1], { backends: [edge('a'), grown] });
    const next = model([a2], { backends: [edge('a'), edge('b')] });
    const plan = planUpdate(applied, { ...next, checks: fitChecks(applied.checks, next.backends) });
    expect(plan.kind === 'runtime' && plan.commands.map((c) => c.kind)).toEqual([
      'new-ssl-cert',
      'set-ssl-cert',
      'commit-ssl-cert',
      'add-crt-list',
      'del-crt-list',
      'del-ssl-cert',
      'disable-health',
      'set-health-up',
      'set-maint',
      'disable-health',
      'set-health-up',
      'del-server',
    ]);
  });

  test('a certificate whose set-ssl-cert request would not fit tune.bufsize reloads; one that just fits goes live', () => {
    const pemOfSize = (requestBytes: number) => {
      const head = setSslCertRequest(a2.entry.certFile, '');
      const overhead = Buffer.byteLength(`${head.line} <<\n\n`);
      // One payload line of the remaining bytes less its newline.
      return `${'x'.repeat(requestBytes - overhead - 1)}\n`;
    };
    const withPem = (pem: string) => {
      const file = servingCertificateFile(pem);
      return { file, entry: { ...a2.entry, certFile: certificatePath(s.certDir, file) } };
    };
    const fits = withPem(pemOfSize(s.bufSize - 1));
    const tooBig = withPem(pemOfSize(s.bufSize));
    expect(fitsCliBuffer(setSslCertRequest(fits.entry.certFile, fits.file.pem), s.bufSize)).toBe(true);
    expect(planUpdate(model([a1]), model([fits]))).toEqual({ kind: 'runtime', commands: [...addOf(fits), ...removalOf(a1, 1)] });
    expect(planUpdate(model([a1]), model([tooBig]))).toEqual(reload('certificate-too-large'));
  });

  test('a new default certificate replaces the old one under its name, before any route certificate changes', () => {
    const next = model([a1, b1], { defaultCertificate: 'default v2' });
    expect(planUpdate(model([a1]), next)).toEqual({
      kind: 'runtime',
      commands: [{ kind: 'set-ssl-cert', certFile: 'default.pem', pem: 'default v2' }, { kind: 'commit-ssl-cert', certFile: 'default.pem' }, ...addOf(b1)],
    });
    const huge = model([a1], { defaultCertificate: `${'x'.repeat(s.bufSize)}\n` });
    expect(planUpdate(model([a1]), huge)).toEqual(reload('certificate-too-large'));
  });

  test('models that share their crt-list (no line changed since the load) plan no line, and still a new default certificate', () => {
    const applied = model([a1, b1]);
    expect(planUpdate(applied, { ...applied, defaultCertificate: 'default v2' })).toEqual({
      kind: 'runtime',
      commands: [{ kind: 'set-ssl-cert', certFile: 'default.pem', pem: 'default v2' }, { kind: 'commit-ssl-cert', certFile: 'default.pem' }],
    });
    expect(planUpdate(applied, { ...applied, defaultCertificate: `${'x'.repeat(s.bufSize)}\n` })).toEqual(reload('certificate-too-large'));
  });

  test("each reason names the route of the line it is about, so the reload is charged to that route's namespace", () => {
    const of = (c: Serving, routeKey: string): Serving => ({ ...c, entry: { ...c.entry, routeKey } });
    const named = (code: ReloadReasonCode, route: string): UpdatePlan => ({ kind: 'reload', reasons: [{ code, backend: undefined, route }] });
    expect(planUpdate(model([of(a1H2, 'ns/a'), b1]), model([of(a2H2, 'ns/a'), b1]))).toEqual(named('crt-list-line-options', 'ns/a'));
    expect(planUpdate(model([of(a1H2, 'ns/a'), b1]), model([b1]))).toEqual(named('crt-list-line-options', 'ns/a'));
    // Another namespace's route on the same certificate file, for another host: a's line loses h2, charged to the newcomer.
    expect(planUpdate(model([of(a1H2, 'ns/a')]), model([of(a1, 'ns/a'), of(a1Other, 'other/o')]))).toEqual(named('crt-list-line-options', 'other/o'));
    const path = of(serving('a-path', 'KEY-C\nCERT-C\n', { sni: 'a.example.com' }), 'ns/a-path');
    expect(planUpdate(model([of(a1, 'ns/a')]), model([of(a1, 'ns/a'), path]))).toEqual(named('crt-list-sni-shared', 'ns/a-path'));
    const colon = of(servingFile({ name: 'cert-ns:a-1.pem', pem: 'KEY-A\nCERT-A1\n' }, 'a'), 'ns/a');
    expect(planUpdate(model([colon, b1]), model([b1]))).toEqual(named('crt-list-line-undeletable', 'ns/a'));
    const huge = servingCertificateFile(`KEY\n${'x'.repeat(s.bufSize)}\n`);
    const tooBig: Serving = { file: huge, entry: { ...a2.entry, certFile: certificatePath(s.certDir, huge), routeKey: 'ns/a' } };
    expect(planUpdate(model([b1]), model([tooBig, b1]))).toEqual(named('certificate-too-large', 'ns/a'));
  });

  test('a crt-list line without its certificate is a broken model', () => {
    expect(() => planUpdate(model([]), { ...model([]), crtList: [a1.entry] })).toThrow('is not among the model');
  });
});
