import { X509Certificate, type KeyObject } from 'node:crypto';
import { Tag, childrenOf, decodeOid, expectTag, readDer, type DerNode } from './der.ts';
import { InvalidTlsData } from './invalid-data.ts';

/**
 * An X.509 certificate as the route validator needs it: node:crypto's
 * `X509Certificate` for signatures, keys and extended key usage, plus the
 * fields it does not expose (raw issuer/subject, key identifiers), read from
 * the DER by hand.
 */
export interface Certificate {
  readonly x509: X509Certificate;
  /** The exact DER, which is also what gets re-encoded as PEM. */
  readonly der: Uint8Array;
  readonly rawIssuer: Uint8Array;
  readonly rawSubject: Uint8Array;
  readonly subjectKeyId: Uint8Array | undefined;
  /** AuthorityKeyIdentifier.keyIdentifier; undefined when the extension or that field is absent. */
  readonly authorityKeyId: Uint8Array | undefined;
  readonly signature: SignatureAlgorithm;
  /** Whether it names where its issuer's CRLs are published (cRLDistributionPoints). */
  readonly crlDistributionPoints: boolean;
}

export interface SignatureAlgorithm {
  /** e.g. `sha256WithRSA`, `ecdsa-with-SHA1`; the dotted OID when unknown. */
  readonly name: string;
  /** Digests the router refuses for CA-signed certificates; undefined for every other digest. */
  readonly weakDigest: 'MD2' | 'MD5' | 'SHA1' | undefined;
  /** node's `asymmetricKeyType` of the signing key, when the algorithm implies one. */
  readonly keyType: string | undefined;
}

const SIGNATURE_ALGORITHMS: Readonly<Record<string, SignatureAlgorithm>> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSA', weakDigest: 'MD2', keyType: 'rsa' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSA', weakDigest: 'MD5', keyType: 'rsa' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSA', weakDigest: 'SHA1', keyType: 'rsa' },
  // The OIW OID some old CAs used for SHA1 with RSA; Go treats it the same.
  '1.3.14.3.2.29': { name: 'sha1WithRSA', weakDigest: 'SHA1', keyType: 'rsa' },
  '1.2.840.113549.1.1.10': { name: 'rsassaPss', weakDigest: undefined, keyType: 'rsa' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSA', weakDigest: undefined, keyType: 'rsa' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSA', weakDigest: undefined, keyType: 'rsa' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSA', weakDigest: undefined, keyType: 'rsa' },
  '1.2.840.10040.4.3': { name: 'dsa-with-SHA1', weakDigest: 'SHA1', keyType: 'dsa' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa-with-SHA256', weakDigest: undefined, keyType: 'dsa' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', weakDigest: 'SHA1', keyType: 'ec' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', weakDigest: undefined, keyType: 'ec' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', weakDigest: undefined, keyType: 'ec' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', weakDigest: undefined, keyType: 'ec' },
  '1.3.101.112': { name: 'Ed25519', weakDigest: undefined, keyType: 'ed25519' },
};

/** Names a signature algorithm OID; unknown OIDs are named by themselves and imply nothing. */
export function signatureAlgorithm(oid: string): SignatureAlgorithm {
  return SIGNATURE_ALGORITHMS[oid] ?? { name: oid, weakDigest: undefined, keyType: undefined };
}

const SUBJECT_KEY_IDENTIFIER = '2.5.29.14';
const AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';
const CRL_DISTRIBUTION_POINTS = '2.5.29.31';

/** Parses one DER certificate; throws `InvalidTlsData` when it is not exactly one well-formed certificate. */
export function parseCertificate(der: Uint8Array): Certificate {
  const [tbs, outerAlgorithm] = childrenOf(expectTag(readDer(der), Tag.SEQUENCE));
  const fields = childrenOf(expectTag(tbs, Tag.SEQUENCE));
  // version is the only optional field before the ones we index.
  const at = fields[0]?.tag === Tag.CONTEXT_0_CONSTRUCTED ? 1 : 0;
  const innerAlgorithm = expectTag(fields[at + 1], Tag.SEQUENCE);
  const issuer = expectTag(fields[at + 2], Tag.SEQUENCE);
  const subject = expectTag(fields[at + 4], Tag.SEQUENCE);
  if (!bytesEqual(innerAlgorithm.encoded, expectTag(outerAlgorithm, Tag.SEQUENCE).encoded)) {
    throw new InvalidTlsData("x509: inner and outer signature algorithm identifiers don't match");
  }
  const extensions = readExtensions(fields.find((f) => f.tag === Tag.CONTEXT_3_CONSTRUCTED));
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(Buffer.from(der));
  } catch {
    throw new InvalidTlsData('x509: malformed certificate');
  }
  const skid = extensions.get(SUBJECT_KEY_IDENTIFIER);
  const akid = extensions.get(AUTHORITY_KEY_IDENTIFIER);
  return {
    x509,
    der,
    rawIssuer: issuer.encoded,
    rawSubject: subject.encoded,
    subjectKeyId: skid === undefined ? undefined : expectTag(readDer(skid), Tag.OCTET_STRING).content,
    authorityKeyId: akid === undefined ? undefined : childrenOf(expectTag(readDer(akid), Tag.SEQUENCE)).find((n) => n.tag === Tag.CONTEXT_0)?.content,
    signature: signatureAlgorithm(x509.signatureAlgorithmOid),
    crlDistributionPoints: extensions.has(CRL_DISTRIBUTION_POINTS),
  };
}

/** extnID -> extnValue contents, from the `[3] EXPLICIT Extensions` node. */
function readExtensions(node: DerNode | undefined): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  if (node === undefined) return out;
  const [list] = childrenOf(node);
  for (const ext of childrenOf(expectTag(list, Tag.SEQUENCE))) {
    const parts = childrenOf(expectTag(ext, Tag.SEQUENCE));
    const oid = decodeOid(expectTag(parts[0], Tag.OID));
    // Two different values for one extension would make "the" SKID ambiguous; Go rejects these too.
    if (out.has(oid)) throw new InvalidTlsData('x509: certificate contains duplicate extensions');
    out.set(oid, expectTag(parts[parts.length - 1], Tag.OCTET_STRING).content);
  }
  return out;
}

/**
 * The certificate's public key, or undefined for one node:crypto's
 * BoringSSL cannot decode (RSA-PSS, brainpool, secp256k1, EC keys with
 * explicit curve parameters): `x509.publicKey` throws for them, and a route
 * carrying one must be answered, not crash the check.
 */
export function publicKeyOf(cert: Certificate): KeyObject | undefined {
  try {
    return cert.x509.publicKey;
  } catch {
    return undefined;
  }
}

/**
 * Self-signed the way OpenSSL decides it (its EXFLAG_SS, mirrored by
 * upstream's isSelfSignedCert): issuer equals subject, the AKID is absent or
 * equals the SKID, and the signature algorithm fits the certificate's own key.
 * The signature itself is not checked: OpenSSL does not check it either, and
 * these certificates are exempt only from the digest rule.
 */
export function isSelfSigned(cert: Certificate): boolean {
  const akidOk = cert.authorityKeyId === undefined || (cert.subjectKeyId !== undefined && bytesEqual(cert.authorityKeyId, cert.subjectKeyId));
  return bytesEqual(cert.rawIssuer, cert.rawSubject) && akidOk && cert.signature.keyType !== undefined && cert.signature.keyType === publicKeyOf(cert)?.asymmetricKeyType;
}

/** Byte-wise equality of two DER fragments. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
