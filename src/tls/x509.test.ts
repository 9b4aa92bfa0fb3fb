import { describe, expect, test } from 'bun:test';
import { makeCA, makeIntermediate, makeLeaf, makeSelfSignedLeaf } from '../../test/support/certs.ts';
import { decodePem } from './pem.ts';
import { bytesEqual, isSelfSigned, parseCertificate, signatureAlgorithm } from './x509.ts';

function derOf(pem: string): Uint8Array {
  const [block] = decodePem(pem);
  if (block === undefined) throw new Error('no PEM block');
  return block.der;
}

/** Replaces the last byte of every (or only the last) occurrence of an OID's encoding. */
function patchOid(der: Uint8Array, oidPrefix: number[], from: number, to: number, onlyLast = false): Uint8Array {
  const out = Uint8Array.from(der);
  const needle = Buffer.from([...oidPrefix, from]);
  const hits: number[] = [];
  for (let i = Buffer.from(out).indexOf(needle); i >= 0; i = Buffer.from(out).indexOf(needle, i + 1)) hits.push(i);
  for (const i of onlyLast ? hits.slice(-1) : hits) out[i + needle.length - 1] = to;
  return out;
}

const PKCS1 = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01];
const ECDSA_SHA2 = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03];

const rsaRoot = makeCA('x509-root', { keyType: 'rsa' });
const ecRoot = makeCA('x509-ec-root');
const intermediate = makeIntermediate(ecRoot, 'x509-intermediate');

describe('parseCertificate', () => {
  test('a root: issuer is subject, AKID is SKID', () => {
    const cert = parseCertificate(derOf(rsaRoot.cert));
    expect(bytesEqual(cert.rawIssuer, cert.rawSubject)).toBe(true);
    expect(cert.subjectKeyId?.length).toBe(20);
    expect(cert.authorityKeyId).toEqual(cert.subjectKeyId);
    expect(cert.signature.name).toBe('sha256WithRSA');
    expect(isSelfSigned(cert)).toBe(true);
  });

  test('a leaf: issuer and AKID point at its CA', () => {
    const ca = parseCertificate(derOf(intermediate.cert));
    const leaf = parseCertificate(derOf(makeLeaf(intermediate, { dnsNames: ['a.example.com'] }).cert));
    expect(bytesEqual(leaf.rawIssuer, ca.rawSubject)).toBe(true);
    expect(leaf.authorityKeyId).toEqual(ca.subjectKeyId);
    expect(leaf.signature.name).toBe('ecdsa-with-SHA256');
    expect(isSelfSigned(leaf)).toBe(false);
    expect(isSelfSigned(ca)).toBe(false);
  });

  test.each([
    ['sha1', 'ec', 'ecdsa-with-SHA1', 'SHA1'],
    ['sha1', 'rsa', 'sha1WithRSA', 'SHA1'],
    ['md5', 'rsa', 'md5WithRSA', 'MD5'],
    ['sha256', 'rsa', 'sha256WithRSA', undefined],
  ] as const)('%s signed by a %s issuer is %s', (sigAlg, keyType, name, weakDigest) => {
    const issuer = keyType === 'rsa' ? rsaRoot : ecRoot;
    const cert = parseCertificate(derOf(makeLeaf(issuer, { dnsNames: ['w.example.com'], sigAlg }).cert));
    expect(cert.signature).toMatchObject({ name, weakDigest, keyType });
  });

  test('MD2, which OpenSSL 3 cannot sign, is recognised from the OID', () => {
    const md5 = derOf(makeLeaf(rsaRoot, { dnsNames: ['m.example.com'], sigAlg: 'md5' }).cert);
    const cert = parseCertificate(patchOid(md5, PKCS1, 0x04, 0x02));
    expect(cert.signature).toEqual({ name: 'md2WithRSA', weakDigest: 'MD2', keyType: 'rsa' });
  });

  test('unknown algorithms are named by OID', () => {
    expect(signatureAlgorithm('1.2.3.4')).toEqual({ name: '1.2.3.4', weakDigest: undefined, keyType: undefined });
  });

  test('a self-signed certificate whose signature algorithm does not fit its key is not self-signed', () => {
    const cert = parseCertificate(derOf(rsaRoot.cert));
    expect(isSelfSigned({ ...cert, signature: signatureAlgorithm('1.2.840.10045.4.3.2') })).toBe(false);
  });

  test('same name, different key: AKID decides', () => {
    const impostor = makeIntermediate(makeCA('same-name'), 'same-name');
    const cert = parseCertificate(derOf(impostor.cert));
    expect(bytesEqual(cert.rawIssuer, cert.rawSubject)).toBe(true);
    expect(isSelfSigned(cert)).toBe(false);
  });

  test('a self-signed leaf without AKID is self-signed', () => {
    const cert = parseCertificate(derOf(makeSelfSignedLeaf({ dnsNames: ['s.example.com'] }).cert));
    expect(cert.authorityKeyId).toBeUndefined();
    expect(isSelfSigned(cert)).toBe(true);
  });

  const leafDer = derOf(makeLeaf(ecRoot, { dnsNames: ['p.example.com'] }).cert);
  test.each([
    ['trailing data', Uint8Array.from([...leafDer, 0, 0]), 'x509: malformed certificate'],
    ['truncation', leafDer.subarray(0, leafDer.length - 1), 'x509: malformed certificate'],
    ['not a certificate', Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x01]), 'x509: malformed certificate'],
    ['inner and outer algorithms that differ', patchOid(leafDer, ECDSA_SHA2, 0x02, 0x03, true), "x509: inner and outer signature algorithm identifiers don't match"],
  ])('rejects %s', (_name, der, message) => {
    expect(() => parseCertificate(der)).toThrow(message);
  });
});
