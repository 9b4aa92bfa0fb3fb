import { describe, expect, test } from 'bun:test';
import { createPrivateKey, createPublicKey, sign, X509Certificate } from 'node:crypto';
import type { RouteTLS } from '../domain/route.ts';
import { makeCA, makeIntermediate, makeLeaf, makeSelfSignedLeaf } from '../../test/support/certs.ts';
import { childrenOf, readDer } from './der.ts';
import { bitString, sequence } from './der-writer.ts';
import { decodePem, encodePem } from './pem.ts';
import { validateRouteTls } from './validate-route-tls.ts';

const root = makeCA('route-root', { keyType: 'rsa' });
const sha1Root = makeCA('sha1-root', { keyType: 'rsa', sigAlg: 'sha1' });
const intermediate = makeIntermediate(root, 'route-intermediate');
const sha1Intermediate = makeIntermediate(root, 'sha1-intermediate', { sigAlg: 'sha1' });
const otherRoot = makeCA('other-root');

const dnsNames = ['www.example.com'];
const ecLeaf = makeLeaf(root, { dnsNames });
const ecTraditional = makeLeaf(root, { dnsNames, keyFormat: 'traditional' });
const rsaLeaf = makeLeaf(root, { dnsNames, keyType: 'rsa' });
const rsaTraditional = makeLeaf(root, { dnsNames, keyType: 'rsa', keyFormat: 'traditional' });
const viaIntermediate = makeLeaf(intermediate, { dnsNames });
const underSha1Root = makeLeaf(sha1Root, { dnsNames });
const underSha1Intermediate = makeLeaf(sha1Intermediate, { dnsNames });
const sha1Leaf = makeLeaf(root, { dnsNames, sigAlg: 'sha1' });
const md5Leaf = makeLeaf(root, { dnsNames, sigAlg: 'md5' });
const rsa1024Leaf = makeLeaf(root, { dnsNames, keyType: 'rsa', rsaBits: 1024 });
const rsa1024Root = makeCA('weak-root', { keyType: 'rsa', rsaBits: 1024 });
const underRsa1024Root = makeLeaf(rsa1024Root, { dnsNames });
/** BoringSSL cannot decode an RSA-PSS public key; haproxy loads such a certificate. */
const rsaPssCert = makeSelfSignedLeaf({ dnsNames: ['pss.example.com'], keyType: 'rsa-pss' });
/** A curve Go's x509 does not support and BoringSSL cannot decode: haproxy refuses weak ones at load. */
const brainpoolCert = makeSelfSignedLeaf({ dnsNames: ['bp.example.com'], keyType: 'ec-brainpool' });
/** Valid to OpenSSL; BoringSSL (node:crypto here) cannot read its public key, Go cannot parse it. */
const explicitCurveLeaf = makeLeaf(root, { dnsNames, keyType: 'ec-explicit' });
const explicitCurveSelfSigned = makeSelfSignedLeaf({ dnsNames, keyType: 'ec-explicit' });
const sha1SelfSigned = makeSelfSignedLeaf({ dnsNames, sigAlg: 'sha1' });
const clientAuthOnly = makeLeaf(root, { dnsNames, extendedKeyUsage: 'clientAuth' });
const foreign = makeLeaf(otherRoot, { dnsNames });
const publicKeyPem = createPublicKey(ecLeaf.key).export({ type: 'spki', format: 'pem' }).toString();

/**
 * Re-signs a certificate with 2020-2021 validity. OpenSSL 3.0 cannot backdate
 * without a CA database, so the dates are swapped in the DER (same length)
 * and the TBS signed again with the issuer's key (SHA-256, as issued).
 */
function expired(pem: string, issuerKey: string): string {
  const [block] = decodePem(pem);
  if (block === undefined) throw new Error('no certificate');
  const [tbs, algorithm] = childrenOf(readDer(block.der));
  if (tbs === undefined || algorithm === undefined) throw new Error('not a certificate');
  const dates = Buffer.from(tbs.encoded).toString('latin1').replace(/\x17\x0d\d{12}Z\x17\x0d\d{12}Z/, '\x17\x0d200101000000Z\x17\x0d210101000000Z');
  const backdated = new Uint8Array(Buffer.from(dates, 'latin1'));
  const signature = new Uint8Array(sign('sha256', backdated, createPrivateKey(issuerKey)));
  return encodePem([{ type: 'CERTIFICATE', der: sequence(backdated, algorithm.encoded, bitString(signature)) }]);
}

const expiredLeaf = { ...ecLeaf, cert: expired(ecLeaf.cert, root.key) };
expiredLeaf.chain = expiredLeaf.cert;
const expiredRoot = expired(root.cert, root.key);

function tls(fields: Partial<RouteTLS>): RouteTLS {
  return { termination: 'edge', insecureEdgeTerminationPolicy: '', certificate: '', key: '', caCertificate: '', destinationCACertificate: '', ...fields };
}

const F = {
  cert: 'spec.tls.certificate: Invalid value: "redacted certificate data": ',
  key: 'spec.tls.key: Invalid value: "redacted key data": ',
  ca: 'spec.tls.caCertificate: Invalid value: "redacted ca certificate data": ',
  dest: 'spec.tls.destinationCACertificate: Invalid value: "redacted destination ca certificate data": ',
};

describe('validateRouteTls accepts', () => {
  test.each([
    ['EC leaf, PKCS#8 key, with its CA', tls({ certificate: ecLeaf.cert, key: ecLeaf.key, caCertificate: root.cert }), ecLeaf, 'EC PRIVATE KEY'],
    ['EC traditional key', tls({ certificate: ecTraditional.cert, key: ecTraditional.key }), ecTraditional, 'EC PRIVATE KEY'],
    ['RSA PKCS#8 key', tls({ certificate: rsaLeaf.cert, key: rsaLeaf.key, caCertificate: root.cert }), rsaLeaf, 'RSA PRIVATE KEY'],
    ['RSA traditional key', tls({ certificate: rsaTraditional.cert, key: rsaTraditional.key }), rsaTraditional, 'RSA PRIVATE KEY'],
    ['the key inside the certificate field', tls({ certificate: `${ecLeaf.key}junk\n${ecLeaf.cert}` }), ecLeaf, 'EC PRIVATE KEY'],
    ['the same key in both fields', tls({ certificate: ecLeaf.cert + ecLeaf.key, key: ecLeaf.key }), ecLeaf, 'EC PRIVATE KEY'],
    ['a chain through an intermediate in caCertificate', tls({ certificate: viaIntermediate.chain, key: viaIntermediate.key, caCertificate: intermediate.cert + root.cert }), viaIntermediate, 'EC PRIVATE KEY'],
    ['a leaf under a SHA1 self-signed root', tls({ certificate: underSha1Root.cert, key: underSha1Root.key, caCertificate: sha1Root.cert }), underSha1Root, 'EC PRIVATE KEY'],
    ['a SHA1 self-signed leaf', tls({ certificate: sha1SelfSigned.cert, key: sha1SelfSigned.key }), sha1SelfSigned, 'EC PRIVATE KEY'],
    ['an expired leaf', tls({ certificate: expiredLeaf.cert, key: expiredLeaf.key, caCertificate: root.cert }), expiredLeaf, 'EC PRIVATE KEY'],
    ['a leaf under an expired CA', tls({ certificate: ecLeaf.cert, key: ecLeaf.key, caCertificate: expiredRoot }), ecLeaf, 'EC PRIVATE KEY'],
    ['CRLF line ends', tls({ certificate: ecLeaf.cert.replaceAll('\n', '\r\n'), key: ecLeaf.key.replaceAll('\n', '\r\n') }), ecLeaf, 'EC PRIVATE KEY'],
    [
      'Bag Attributes and EC PARAMETERS',
      tls({ certificate: `Bag Attributes\n    friendlyName: www\nsubject=/CN=www.example.com\n${ecTraditional.cert}`, key: `-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n${ecTraditional.key}` }),
      ecTraditional,
      'EC PRIVATE KEY',
    ],
  ] as const)('%s', (_name, input, issued, keyType) => {
    const result = validateRouteTls(input);
    if (!result.ok) throw new Error(result.message);
    expect(result.tls.certificate).toBe(issued.chain);
    expect(result.tls.key.startsWith(`-----BEGIN ${keyType}-----\n`)).toBe(true);
    expect(decodePem(result.tls.key)).toHaveLength(1);
    expect(new X509Certificate(result.tls.certificate).checkPrivateKey(createPrivateKey(result.tls.key))).toBe(true);
    for (const field of [result.tls.certificate, result.tls.key, result.tls.caCertificate]) expect(encodePem(decodePem(field))).toBe(field);
  });

  test('a chain certificate whose key BoringSSL cannot decode (RSA-PSS) is kept, as haproxy loads it', () => {
    const result = validateRouteTls(tls({ certificate: ecLeaf.cert + rsaPssCert.cert, key: ecLeaf.key }));
    if (!result.ok) throw new Error(result.message);
    expect(result.tls.certificate).toBe(ecLeaf.cert + rsaPssCert.cert);
  });

  test('a chain or CA certificate on a curve Go refuses (brainpool) is refused, as upstream does at admission', () => {
    for (const fields of [{ certificate: ecLeaf.cert + brainpoolCert.cert }, { certificate: ecLeaf.cert, caCertificate: brainpoolCert.cert }]) {
      expect(validateRouteTls(tls({ ...fields, key: ecLeaf.key }))).toMatchObject({ ok: false, message: expect.stringContaining('x509: unsupported elliptic curve') });
    }
  });

  test.each([
    ['a leaf', () => explicitCurveLeaf],
    ['a self-signed leaf', () => explicitCurveSelfSigned],
  ])('%s with explicit EC curve parameters is refused, not a crash of the check', (_, issued) => {
    const { cert, key } = issued();
    expect(validateRouteTls(tls({ certificate: cert, key }))).toMatchObject({ ok: false, message: expect.stringContaining("the certificate's public key cannot be read") });
  });

  test('a CA with explicit EC curve parameters signs nothing the check can verify', () => {
    const result = validateRouteTls(tls({ certificate: ecLeaf.cert, key: ecLeaf.key, caCertificate: explicitCurveSelfSigned.cert }));
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('x509: certificate signed by unknown authority') });
  });

  test('a destination CA with a small key is kept: haproxy verifies with it', () => {
    const input = tls({ termination: 'reencrypt', destinationCACertificate: rsa1024Root.cert });
    expect(validateRouteTls(input)).toEqual({ ok: true, tls: input });
  });

  test('CA fields are re-encoded and the rest is untouched', () => {
    const input = tls({ termination: 'reencrypt', insecureEdgeTerminationPolicy: 'Redirect', caCertificate: `# roots\n${root.cert.replaceAll('\n', '\r\n')}`, destinationCACertificate: `x\n${root.cert}y` });
    expect(validateRouteTls(input)).toEqual({ ok: true, tls: { ...input, caCertificate: root.cert, destinationCACertificate: root.cert } });
  });

  test('the backdated fixtures really expired and still verify', () => {
    for (const pem of [expiredLeaf.cert, expiredRoot]) expect(new X509Certificate(pem).validToDate.toISOString()).toBe('2021-01-01T00:00:00.000Z');
    expect(new X509Certificate(expiredLeaf.cert).verify(new X509Certificate(root.cert).publicKey)).toBe(true);
  });

  test('nothing to check', () => {
    expect(validateRouteTls(tls({ termination: 'passthrough' }))).toEqual({ ok: true, tls: tls({ termination: 'passthrough' }) });
  });
});

const rejections = [
  ['a missing key', tls({ certificate: ecLeaf.cert }), 'spec.tls.key: Invalid value: "": no key specified'],
  ['a key that is not the leaf\'s', tls({ certificate: ecLeaf.cert, key: ecTraditional.key }), `${F.key}tls: private key does not match public key`],
  ['a key in the certificate field that is not the leaf\'s', tls({ certificate: ecTraditional.key + ecLeaf.cert }), `${F.key}tls: private key does not match public key`],
  ['an RSA key for an EC certificate', tls({ certificate: ecLeaf.cert, key: rsaLeaf.key }), `${F.key}tls: private key type does not match public key type`],
  ['the leaf not first', tls({ certificate: intermediate.cert + ecLeaf.cert, key: ecLeaf.key }), `${F.key}tls: private key does not match public key`],
  ['a certificate in the key field', tls({ certificate: ecLeaf.cert, key: ecLeaf.cert }), `${F.key}tls: found a certificate rather than a key in the PEM for the private key`],
  ['a public key in the key field', tls({ certificate: ecLeaf.cert, key: publicKeyPem }), `${F.key}unrecognized PEM block "PUBLIC KEY"`],
  ['a key block that is no key', tls({ certificate: ecLeaf.cert, key: '-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n' }), `${F.key}block "PRIVATE KEY" is not valid`],
  ['a certificate field without certificates', tls({ certificate: ecLeaf.key }), `${F.cert}data does not contain any valid RSA or ECDSA certificates`],
  ['an unknown block in the certificate field', tls({ certificate: `${ecLeaf.cert}-----BEGIN X509 CRL-----\nAAEC\n-----END X509 CRL-----\n`, key: ecLeaf.key }), `${F.cert}unrecognized PEM block "X509 CRL"`],
  ['a SHA1-signed leaf', tls({ certificate: sha1Leaf.cert, key: sha1Leaf.key }), `${F.cert}router does not support CA-signed certs using SHA1`],
  ['an MD5-signed leaf', tls({ certificate: md5Leaf.cert, key: md5Leaf.key }), `${F.cert}router does not support CA-signed certs using MD5`],
  // Go accepts it; haproxy's OpenSSL (security level 2) refuses to load it.
  ['a 1024-bit RSA leaf', tls({ certificate: rsa1024Leaf.cert, key: rsa1024Leaf.key }), `${F.cert}RSA key of 1024 bits is too small (at least 2048 bits)`],
  ['a 1024-bit RSA CA served as the chain', tls({ certificate: underRsa1024Root.cert, key: underRsa1024Root.key, caCertificate: rsa1024Root.cert }), `${F.ca}RSA key of 1024 bits is too small (at least 2048 bits)`],
  ['a SHA1-signed intermediate in caCertificate', tls({ certificate: underSha1Intermediate.cert, key: underSha1Intermediate.key, caCertificate: sha1Intermediate.cert + root.cert }), `${F.ca}router does not support CA-signed certs using SHA1`],
  ['a leaf from another CA', tls({ certificate: foreign.cert, key: foreign.key, caCertificate: root.cert }), `${F.cert}error verifying certificate: x509: certificate signed by unknown authority`],
  // Upstream verifies against caCertificate only; the chain in the certificate field does not count.
  ['an intermediate only in the certificate field', tls({ certificate: viaIntermediate.chain, key: viaIntermediate.key, caCertificate: root.cert }), `${F.cert}error verifying certificate: x509: certificate signed by unknown authority`],
  ['an expired leaf from another CA', tls({ certificate: expired(foreign.cert, otherRoot.key), key: foreign.key, caCertificate: root.cert }), `${F.cert}error verifying certificate: x509: certificate signed by unknown authority`],
  ['a leaf not for servers', tls({ certificate: clientAuthOnly.cert, key: clientAuthOnly.key, caCertificate: root.cert }), `${F.cert}error verifying certificate: x509: certificate specifies an incompatible key usage`],
  ['a private key in caCertificate', tls({ caCertificate: root.cert + root.key }), `${F.ca}failed to parse CA certificate: a CA bundle must not contain private keys`],
  ['garbage destinationCACertificate', tls({ destinationCACertificate: 'not a certificate' }), `${F.dest}failed to parse destination CA certificate: data does not contain any valid RSA or ECDSA certificates`],
  ['broken base64 in destinationCACertificate', tls({ destinationCACertificate: root.cert.replace(/\n[A-Za-z0-9+/]{10}/, '\n!!!!!!!!!!') }), `${F.dest}failed to parse destination CA certificate: malformed PEM block "CERTIFICATE": invalid base64`],
  ['a SHA1 intermediate in destinationCACertificate', tls({ destinationCACertificate: sha1Intermediate.cert }), `${F.dest}router does not support CA-signed certs using SHA1`],
  [
    'several problems at once',
    tls({ certificate: foreign.cert, key: ecLeaf.key, caCertificate: 'junk' }),
    `[${F.ca}failed to parse CA certificate: data does not contain any valid RSA or ECDSA certificates, ${F.cert}error verifying certificate: x509: certificate signed by unknown authority, ${F.key}tls: private key does not match public key]`,
  ],
] as const;

describe('validateRouteTls rejects', () => {
  test.each(rejections)('%s', (_name, input, message) => {
    expect(validateRouteTls(input)).toMatchObject({ ok: false, message });
  });
});

describe('validateRouteTls messages', () => {
  const secrets = [ecLeaf, ecTraditional, rsaLeaf, root].flatMap((i) => i.key.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----')));

  test.each(rejections)('never echo key material: %s', (_name, input) => {
    const result = validateRouteTls(input);
    if (result.ok) throw new Error('expected a rejection');
    expect(secrets.filter((line) => result.message.includes(line))).toEqual([]);
    expect(result.message).not.toContain('-----');
  });

  test('errors list the field errors the message aggregates', () => {
    const result = validateRouteTls(tls({ certificate: foreign.cert, key: ecLeaf.key, caCertificate: 'junk' }));
    expect(result.ok ? [] : result.errors).toHaveLength(3);
  });
});
