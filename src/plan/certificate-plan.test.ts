import { describe, expect, test } from 'bun:test';
import { settings } from '../../test/support/fixtures.ts';
import { certificateFile, certificatePath } from '../config/certificates.ts';
import { checkServers } from '../config/check-servers.ts';
import type { BackendModel, CertificateFile, ConfigModel, CrtListEntry } from '../config/model.ts';
import { byName, compareText } from '../domain/compare.ts';
import { fitsCliBuffer } from './cli-requests.ts';
import { setSslCertRequest } from './cli-requests.ts';
import type { RuntimeCommand } from './commands.ts';
import { backend, server } from '../../test/support/models.ts';
import { CRT_LIST_FILE } from '../config/crt-list.ts';
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
  return { file, entry: { certFile: certificatePath(s.certDir, file), sni: `${route}.example.com`, alpn: true, ...more } };
}

/** Named by route and content, as buildConfigModel names them (without a `:`, which `del ssl crt-list` cannot take). */
function serving(route: string, pem: string, more: Partial<CrtListEntry> = {}): Serving {
  return servingFile(certificateFile('cert', 'ns', route, pem), route, more);
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
      'os_sni_passthrough.map': [],
    },
    matchRules: [],
    crtList: certs.map((c) => c.entry).sort((a, b) => compareText(a.sni, b.sni) || compareText(a.certFile, b.certFile)),
    certificates: [...certs.map((c) => c.file), ...(more.caFiles ?? [])].sort(byName),
    defaultCertificate: more.defaultCertificate ?? 'default v1',
  };
}

const addOf = (c: Serving): RuntimeCommand[] => [
  { kind: 'new-ssl-cert', certFile: c.entry.certFile },
  { kind: 'set-ssl-cert', certFile: c.entry.certFile, pem: c.file.pem },
  { kind: 'commit-ssl-cert', certFile: c.entry.certFile },
  { kind: 'add-crt-list', crtList: CRT_LIST_FILE, entry: c.entry },
];
const removalOf = (c: Serving): RuntimeCommand[] => [
  { kind: 'del-crt-list', crtList: CRT_LIST_FILE, certFile: c.entry.certFile },
  { kind: 'del-ssl-cert', certFile: c.entry.certFile },
];
const reload = (...codes: ReloadReasonCode[]): UpdatePlan => ({ kind: 'reload', reasons: codes.map((code) => ({ code, backend: undefined })) });

const a1 = serving('a', 'KEY-A\nCERT-A1\n');
const a2 = serving('a', 'KEY-A\nCERT-A2\n');
const b1 = serving('b', 'KEY-B\nCERT-B1\n');

describe('planUpdate: route certificates', () => {
  test('rotated certificates are content-addressed: the same route gets a new file', () => {
    expect(a1.entry.certFile).not.toBe(a2.entry.certFile);
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
    ['a certificate rotated: the new one is in before the old one leaves', model([a1, b1]), model([a2, b1]), { kind: 'runtime', commands: [...addOf(a2), ...removalOf(a1)] }],
    ['a certificate removed', model([a1, b1]), model([b1]), { kind: 'runtime', commands: removalOf(a1) }],
    [
      'several at once: every addition before any removal',
      model([a1]),
      model([a2, b1]),
      { kind: 'runtime', commands: [...addOf(a2), ...addOf(b1), ...removalOf(a1)] },
    ],
    ['the same certificates: nothing to do', model([a1, b1]), model([a1, b1]), { kind: 'none' }],
    [
      'a certificate shared by two routes loses ALPN: its line would change in place',
      model([a1]),
      model([{ ...a1, entry: { ...a1.entry, alpn: false } }]),
      reload('crt-list-line-changed'),
    ],
    [
      'one certificate file on two lines: they could not be told apart',
      model([a1]),
      model([a1, { ...a1, entry: { ...a1.entry, sni: 'other.example.com' } }]),
      reload('crt-list-line-changed'),
    ],
    [
      'a certificate added for an SNI another line keeps serving: line order would decide',
      model([a1]),
      model([a1, serving('a-path', 'KEY-C\nCERT-C\n', { sni: 'a.example.com' })]),
      reload('crt-list-sni-shared'),
    ],
    // Destination CAs are loaded with the servers that use them (ca-file-plan.ts); a CA that changes under servers changes their backend.
    ['a destination CA added', model([a1]), model([a1], { caFiles: [certificateFile('destca', 'ns', 'r', 'CA\n')] }), { kind: 'none' }],
    [
      'a destination CA replaced',
      model([a1], { caFiles: [certificateFile('destca', 'ns', 'r', 'CA1\n')] }),
      model([a1], { caFiles: [certificateFile('destca', 'ns', 'r', 'CA2\n')] }),
      { kind: 'none' },
    ],
  ];
  for (const [name, applied, next, plan] of cases) {
    test(name, () => expect(planUpdate(applied, next)).toEqual(plan));
  }

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
      const file = certificateFile('cert', 'ns', 'a', pem);
      return { file, entry: { ...a2.entry, certFile: certificatePath(s.certDir, file) } };
    };
    const fits = withPem(pemOfSize(s.bufSize - 1));
    const tooBig = withPem(pemOfSize(s.bufSize));
    expect(fitsCliBuffer(setSslCertRequest(fits.entry.certFile, fits.file.pem), s.bufSize)).toBe(true);
    expect(planUpdate(model([a1]), model([fits]))).toEqual({ kind: 'runtime', commands: [...addOf(fits), ...removalOf(a1)] });
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

  test('a crt-list line without its certificate is a broken model', () => {
    expect(() => planUpdate(model([]), { ...model([]), crtList: [a1.entry] })).toThrow('is not among the model');
  });
});
