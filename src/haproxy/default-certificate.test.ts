import { afterAll, describe, expect, test } from 'bun:test';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConsola } from 'consola';
import { makeSelfSignedLeaf } from '../../test/support/certs.ts';
import { shortTempDir } from '../../test/support/workdir.ts';
import { prepareDefaultCertificate } from './default-certificate.ts';

const dir = shortTempDir();
afterAll(() => dir.remove());
const logger = createConsola({ level: -999 });
const leaf = makeSelfSignedLeaf({ dnsNames: ['default.example.com'] });

describe('prepareDefaultCertificate', () => {
  test('PEM contents are written 0600 where haproxy loads them', async () => {
    const certDir = join(dir.path, 'pem');
    mkdirSync(certDir);
    const path = await prepareDefaultCertificate({ kind: 'pem', pem: `${leaf.key}${leaf.cert}` }, certDir, logger);
    expect(readFileSync(path, 'utf8')).toContain(leaf.cert.trim());
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  test('a file is used where it is, as an absolute path', async () => {
    const file = join(dir.path, 'given.pem');
    writeFileSync(file, `${leaf.key}${leaf.cert}`);
    expect(await prepareDefaultCertificate({ kind: 'file', path: file }, dir.path, logger)).toBe(file);
  });

  test('a directory contributes tls.key then tls.crt', async () => {
    const src = join(dir.path, 'secret');
    mkdirSync(src);
    writeFileSync(join(src, 'tls.crt'), leaf.cert);
    writeFileSync(join(src, 'tls.key'), leaf.key);
    const certDir = join(dir.path, 'fromdir');
    mkdirSync(certDir);
    const text = readFileSync(await prepareDefaultCertificate({ kind: 'dir', dir: src }, certDir, logger), 'utf8');
    expect(text.indexOf('PRIVATE KEY')).toBeLessThan(text.indexOf('BEGIN CERTIFICATE'));
  });

  test('without one, a self-signed certificate is generated once and kept', async () => {
    const certDir = join(dir.path, 'gen');
    mkdirSync(certDir);
    const first = await prepareDefaultCertificate({ kind: 'generate' }, certDir, logger);
    const pem = readFileSync(first, 'utf8');
    expect(new X509Certificate(pem).subject).toContain('router-default');
    const second = await prepareDefaultCertificate({ kind: 'generate' }, certDir, logger);
    expect(readFileSync(second, 'utf8')).toBe(pem);
  });

  test('text without a certificate and a key is refused with its origin', async () => {
    await expect(prepareDefaultCertificate({ kind: 'pem', pem: 'bind :1' }, dir.path, logger)).rejects.toThrow('--default-certificate');
  });
});
