import { afterAll, describe, expect, test } from 'bun:test';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConsola } from 'consola';
import { makeSelfSignedLeaf } from '../../test/support/certs.ts';
import { shortTempDir } from '../../test/support/workdir.ts';
import { generateSelfSignedCertificate } from '../tls/self-signed.ts';
import { loadDefaultCertificate, readOperatorCertificate } from './default-certificate.ts';

const dir = shortTempDir();
afterAll(() => dir.remove());
const logger = createConsola({ level: -999 });
const leaf = makeSelfSignedLeaf({ dnsNames: ['default.example.com'] });
const other = makeSelfSignedLeaf({ dnsNames: ['other.example.com'] });
const certOf = (pem: string) => new X509Certificate(pem.slice(pem.indexOf('-----BEGIN CERTIFICATE-----')));

describe('loadDefaultCertificate', () => {
  test('PEM contents come back as key, then certificate', async () => {
    const pem = await loadDefaultCertificate({ kind: 'pem', pem: `${leaf.cert}${leaf.key}` }, dir.path, logger);
    expect(pem.indexOf('PRIVATE KEY')).toBeLessThan(pem.indexOf('BEGIN CERTIFICATE'));
    expect(certOf(pem).subjectAltName).toContain('default.example.com');
  });

  test('a directory contributes tls.key and tls.crt', async () => {
    const src = join(dir.path, 'secret');
    mkdirSync(src);
    writeFileSync(join(src, 'tls.crt'), leaf.cert);
    writeFileSync(join(src, 'tls.key'), leaf.key);
    const pem = await loadDefaultCertificate({ kind: 'dir', dir: src }, dir.path, logger);
    expect(pem.indexOf('PRIVATE KEY')).toBeLessThan(pem.indexOf('BEGIN CERTIFICATE'));
  });

  test('without one, a self-signed certificate is generated once, kept 0600, and reused', async () => {
    const certDir = join(dir.path, 'gen');
    mkdirSync(certDir);
    const first = await loadDefaultCertificate({ kind: 'generate' }, certDir, logger);
    expect(certOf(first).subject).toContain('router-default');
    expect(statSync(join(certDir, 'default-generated.pem')).mode & 0o777).toBe(0o600);
    expect(await loadDefaultCertificate({ kind: 'generate' }, certDir, logger)).toBe(first);
  });

  test.each([
    ['expires within 30 days', () => {
      const soon = generateSelfSignedCertificate({ commonName: 'router-default', dnsNames: ['router-default'], days: 10 });
      return `${soon.keyPem}${soon.certPem}`;
    }],
    ['does not read (a torn write)', () => 'garbage\n'],
  ])('a kept self-signed certificate that %s is generated again, and kept', async (_name, kept) => {
    const certDir = join(dir.path, `again-${Math.random().toString(36).slice(2)}`);
    mkdirSync(certDir);
    writeFileSync(join(certDir, 'default-generated.pem'), kept());
    const fresh = await loadDefaultCertificate({ kind: 'generate' }, certDir, logger);
    expect(Date.parse(certOf(fresh).validTo) - Date.now()).toBeGreaterThan(365 * 86_400_000);
    expect(readFileSync(join(certDir, 'default-generated.pem'), 'utf8')).toBe(fresh);
  });

  test('text without a certificate and its key is refused, naming where it came from', async () => {
    await expect(loadDefaultCertificate({ kind: 'pem', pem: 'bind :1' }, dir.path, logger)).rejects.toThrow('default certificate from --default-certificate');
  });
});

describe('readOperatorCertificate', () => {
  test('a key that does not match the certificate is refused without showing either', async () => {
    const file = join(dir.path, 'mismatch.pem');
    writeFileSync(file, `${other.key}${leaf.cert}`);
    const reading = await readOperatorCertificate({ kind: 'file', path: file });
    expect(reading).toEqual({ ok: false, message: `default certificate from ${file}: key: Invalid value: "redacted key data": tls: private key does not match public key` });
  });

  test('a missing file is reported by its error code', async () => {
    const file = join(dir.path, 'missing.pem');
    expect(await readOperatorCertificate({ kind: 'file', path: file })).toEqual({ ok: false, message: `default certificate from ${file}: ENOENT` });
  });

  test('a file holding key and certificate reads as the same PEM whatever their order', async () => {
    const file = join(dir.path, 'both.pem');
    writeFileSync(file, `${leaf.cert}${leaf.key}`);
    const reading = await readOperatorCertificate({ kind: 'file', path: file });
    expect(reading).toEqual({ ok: true, pem: await loadDefaultCertificate({ kind: 'pem', pem: `${leaf.key}${leaf.cert}` }, dir.path, logger) });
    expect(readFileSync(file, 'utf8')).toBe(`${leaf.cert}${leaf.key}`);
  });
});
