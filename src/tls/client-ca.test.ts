import { describe, expect, test } from 'bun:test';
import { makeCA, makeCrl, makeIntermediate, makeLeaf } from '../../test/support/certs.ts';
import { checkClientCa, checkCrls } from './client-ca.ts';

const root = makeCA('client-root');
const intermediate = makeIntermediate(root, 'client-intermediate');
const published = makeCA('published-crls', { crlUrl: 'http://crl.example.com/root.crl' });
const crl = makeCrl(root, [makeLeaf(root, { dnsNames: ['revoked'], extendedKeyUsage: 'clientAuth' })]);

describe('checkClientCa', () => {
  test('a bundle is re-encoded, text around its certificates dropped', () => {
    const result = checkClientCa(`# our CAs\n${root.cert}\nbind :1\n${intermediate.cert}`);
    expect(result).toEqual({ ok: true, value: { pem: `${root.cert}${intermediate.cert}`, crlDistributionPoints: false } });
  });

  test('CRL distribution points are noticed', () => {
    expect(checkClientCa(published.cert)).toEqual({ ok: true, value: { pem: published.cert, crlDistributionPoints: true } });
  });

  test.each([
    ['nothing', '', 'holds no PEM certificate'],
    ['a private key beside the CA', root.cert + root.key, 'holds a private key; a CA bundle holds certificates only'],
    ['a broken block', root.cert.replace(/\n[A-Za-z0-9+/]{8}/, '\n!!!!!!!!'), 'malformed PEM block "CERTIFICATE": invalid base64'],
    ['a certificate that is not one', '-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----\n', 'x509: malformed certificate'],
  ])('refuses %s', (_what, text, error) => {
    expect(checkClientCa(text)).toEqual({ ok: false, error });
  });
});

describe('checkCrls', () => {
  test('CRLs are re-encoded, text around them dropped', () => {
    expect(checkCrls(`comment\n${crl}\n${root.cert}`)).toEqual({ ok: true, value: crl });
  });

  test.each([
    ['nothing', root.cert, 'holds no PEM CRL ("X509 CRL" block)'],
    ['bytes that are no CRL', '-----BEGIN X509 CRL-----\nAAEC\n-----END X509 CRL-----\n', 'holds a malformed "X509 CRL" block'],
    ['non-canonical base64', crl.replace(/\n([A-Za-z0-9+/]{4})/, '\n$1='), 'holds a malformed "X509 CRL" block'],
  ])('refuses %s', (_what, text, error) => {
    expect(checkCrls(text)).toEqual({ ok: false, error });
  });
});
