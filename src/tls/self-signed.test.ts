import { afterAll, describe, expect, test } from 'bun:test';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shortTempDir } from '../../test/support/workdir.ts';
import { generateSelfSignedCertificate } from './self-signed.ts';
import { validateRouteTls } from './validate-route-tls.ts';

const dir = shortTempDir('selfsigned');
afterAll(() => dir.remove());

const options = { commonName: '*.apps.example.com', dnsNames: ['*.apps.example.com', 'apps.example.com'], days: 730 };
const generated = generateSelfSignedCertificate(options);

function run(cmd: string[]): { exitCode: number; output: string } {
  const proc = Bun.spawnSync(cmd, { stdout: 'pipe', stderr: 'pipe' });
  return { exitCode: proc.exitCode, output: proc.stdout.toString() + proc.stderr.toString() };
}

describe('generateSelfSignedCertificate', () => {
  test('node reads it as a self-signed server certificate for the names', () => {
    const cert = new X509Certificate(generated.certPem);
    expect(cert.subject).toBe('CN=*.apps.example.com');
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.subjectAltName).toBe('DNS:*.apps.example.com, DNS:apps.example.com');
    expect(cert.ca).toBe(false);
    expect(cert.signatureAlgorithm).toBe('ecdsa-with-SHA256');
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(generated.keyPem))).toBe(true);
    const days = (cert.validToDate.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(729.9);
    expect(days).toBeLessThan(730.1);
    expect(cert.validFromDate.getTime()).toBeLessThan(Date.now());
  });

  test('openssl parses it and agrees on the extensions', () => {
    const path = join(dir.path, 'cert.pem');
    writeFileSync(path, generated.certPem);
    const { exitCode, output } = run(['openssl', 'x509', '-in', path, '-noout', '-text']);
    expect(exitCode).toBe(0);
    expect(output).toContain('Version: 3 (0x2)');
    expect(output).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(output).toContain('DNS:*.apps.example.com, DNS:apps.example.com');
    expect(run(['openssl', 'verify', '-CAfile', path, path]).exitCode).toBe(0);
  });

  test('haproxy 2.6 loads it as a bind certificate', () => {
    const pem = join(dir.path, 'default.pem');
    const cfg = join(dir.path, 'haproxy.cfg');
    writeFileSync(pem, generated.keyPem + generated.certPem);
    // haproxy -c does not bind, so any port works; port 0 itself is rejected by the parser.
    writeFileSync(cfg, `defaults\n  mode http\n  timeout client 1s\n  timeout server 1s\n  timeout connect 1s\nfrontend f\n  bind 127.0.0.1:8443 ssl crt ${pem}\n`);
    const { exitCode, output } = run(['haproxy', '-c', '-f', cfg]);
    expect(output).not.toContain('ALERT');
    expect([0, 2]).toContain(exitCode);
  });

  test('the route validator accepts it unchanged', () => {
    const tls = { termination: 'edge', insecureEdgeTerminationPolicy: '', certificate: generated.certPem, key: generated.keyPem, caCertificate: '', destinationCACertificate: '' };
    expect(validateRouteTls(tls)).toEqual({ ok: true, tls });
  });

  test('every certificate gets its own key and serial', () => {
    const other = generateSelfSignedCertificate(options);
    expect(new X509Certificate(other.certPem).serialNumber).not.toBe(new X509Certificate(generated.certPem).serialNumber);
    expect(other.keyPem).not.toBe(generated.keyPem);
  });

  test('without DNS names there is no SubjectAltName; dates past 2049 use GeneralizedTime', () => {
    const { certPem } = generateSelfSignedCertificate({ commonName: 'router', dnsNames: [], days: 36500 });
    const path = join(dir.path, 'long.pem');
    writeFileSync(path, certPem);
    const cert = new X509Certificate(certPem);
    expect(cert.subjectAltName).toBeUndefined();
    expect(cert.validToDate.getUTCFullYear()).toBeGreaterThan(2100);
    expect(run(['openssl', 'x509', '-in', path, '-noout', '-enddate']).exitCode).toBe(0);
  });

  test.each([
    ['an empty CN', { commonName: '' }],
    ['a CN over 64 characters', { commonName: 'x'.repeat(65) }],
    ['a DNS name with a space', { dnsNames: ['a b'] }],
    ['a non-ASCII DNS name', { dnsNames: ['bücher.example'] }],
    ['zero days', { days: 0 }],
    ['fractional days', { days: 1.5 }],
    ['more than 100 years', { days: 36501 }],
  ])('rejects %s', (_name, override) => {
    expect(() => generateSelfSignedCertificate({ ...options, ...override })).toThrow(RangeError);
  });
});
