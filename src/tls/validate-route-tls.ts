import type { RouteTLS } from '../domain/route.ts';
import { safeMessage } from './invalid-data.ts';
import { decodePem, encodePem, type PemBlock } from './pem.ts';
import { keyPairError, normalisePrivateKey, type PrivateKey } from './private-key.ts';
import { verifyLeaf } from './verify-leaf.ts';
import { isSelfSigned, parseCertificate, publicKeyOf, type Certificate } from './x509.ts';

/**
 * The certificate half of upstream's ExtendedValidator
 * (`routeapihelpers.ExtendedValidateRoute`): the PEM fields of `spec.tls` must
 * parse, chain and pair up, and only their canonical re-encoding is kept.
 * Which fields a termination may set is checked elsewhere.
 */
export type RouteTlsValidation =
  | { ok: true; tls: RouteTLS }
  /** `errors` are upstream-style field errors; `message` is their aggregate, as route status shows it. */
  | { ok: false; message: string; errors: readonly string[] };

type PemField = 'certificate' | 'key' | 'caCertificate' | 'destinationCACertificate';

/** Upstream never echoes PEM fields in errors; it names them with these placeholders. */
const REDACTED: Readonly<Record<PemField, string>> = {
  certificate: 'redacted certificate data',
  key: 'redacted key data',
  caCertificate: 'redacted ca certificate data',
  destinationCACertificate: 'redacted destination ca certificate data',
};

const NO_CERTIFICATES = 'data does not contain any valid RSA or ECDSA certificates';
const MALFORMED = 'malformed PEM data';

/** Joins messages the way Go's `errors.NewAggregate` prints: one as is, several as `[a, b]`, duplicates once. */
function aggregate(messages: readonly string[]): string | undefined {
  const unique = [...new Set(messages)];
  if (unique.length <= 1) return unique[0];
  return `[${unique.join(', ')}]`;
}

class FieldErrors {
  readonly list: string[] = [];

  add(field: PemField, detail: string, value = REDACTED[field]): void {
    this.list.push(`spec.tls.${field}: Invalid value: ${JSON.stringify(value)}: ${detail}`);
  }
}

interface Contents {
  certs: Certificate[];
  keys: PrivateKey[];
}

function readContents(text: string): Contents {
  const contents: Contents = { certs: [], keys: [] };
  for (const block of decodePem(text)) {
    if (block.type === 'CERTIFICATE') contents.certs.push(parseCertificate(block.der));
    else contents.keys.push(normalisePrivateKey(block));
  }
  return contents;
}

/** haproxy refuses to start on CA-signed certificates with these digests; self-signed roots are never checked by OpenSSL. */
function weakSignatureError(certs: readonly Certificate[]): string | undefined {
  return aggregate(
    certs.flatMap((c) => (c.signature.weakDigest !== undefined && !isSelfSigned(c) ? [`router does not support CA-signed certs using ${c.signature.weakDigest}`] : [])),
  );
}

/**
 * OpenSSL at security level 2 (Debian's default, which haproxy inherits)
 * refuses to load a certificate, or a chain certificate, whose RSA key is
 * under 2048 bits or whose EC key is under 224 bits. Go accepts them, so
 * upstream admits such a route and its reload fails; here the route is
 * refused instead.
 */
const MIN_KEY_BITS: Readonly<Record<string, number>> = { rsa: 2048, ec: 224 };

/** The DER of the OID id-ecPublicKey (1.2.840.10045.2.1), which a certificate holds only in its subject public key's algorithm. */
const ID_EC_PUBLIC_KEY = Uint8Array.of(0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01);

function hasBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

function keyBits(cert: Certificate): { type: string; bits: number } | 'undecodable' | undefined {
  const key = publicKeyOf(cert);
  // An EC key BoringSSL cannot decode is on a curve other than NIST's (brainpool, secp256k1, secp160...), which Go's
  // x509 refuses too ("unsupported elliptic curve"): admitted, a weak one made haproxy refuse the route's certificate
  // at every change, a reload each time. Other keys it cannot decode (RSA-PSS) haproxy loads: nothing to check here.
  if (key === undefined) return hasBytes(cert.der, ID_EC_PUBLIC_KEY) ? 'undecodable' : undefined;
  const type = key.asymmetricKeyType ?? '';
  const details = key.asymmetricKeyDetails;
  if (type === 'rsa' && details?.modulusLength !== undefined) return { type, bits: details.modulusLength };
  const curveBits: Readonly<Record<string, number>> = { 'P-224': 224, secp224r1: 224, 'P-256': 256, prime256v1: 256, 'P-384': 384, secp384r1: 384, 'P-521': 521, secp521r1: 521 };
  const curve = details?.namedCurve;
  if (type === 'ec' && curve !== undefined) return { type, bits: curveBits[curve] ?? 0 };
  return undefined;
}

function weakKeyError(certs: readonly Certificate[]): string | undefined {
  return aggregate(
    certs.flatMap((c) => {
      const key = keyBits(c);
      if (key === 'undecodable') return ['x509: unsupported elliptic curve (only P-224, P-256, P-384 and P-521 are)'];
      const min = key && MIN_KEY_BITS[key.type];
      return key && min !== undefined && key.bits < min ? [`${key.type.toUpperCase()} key of ${key.bits} bits is too small (at least ${min} bits)`] : [];
    }),
  );
}

function certificateBlocks(certs: readonly Certificate[]): PemBlock[] {
  return certs.map((c) => ({ type: 'CERTIFICATE', der: c.der }));
}

/** caCertificate / destinationCACertificate: certificates only. */
function readBundle(errors: FieldErrors, field: PemField, text: string, what: string): Certificate[] {
  let contents: Contents;
  try {
    contents = readContents(text);
  } catch (err) {
    errors.add(field, `failed to parse ${what}: ${safeMessage(err, MALFORMED)}`);
    return [];
  }
  // Upstream keeps keys found here and writes them into the CA file; a key has no business there.
  if (contents.keys.length > 0) errors.add(field, `failed to parse ${what}: a CA bundle must not contain private keys`);
  else if (contents.certs.length === 0) errors.add(field, `failed to parse ${what}: ${NO_CERTIFICATES}`);
  const weak = weakSignatureError(contents.certs);
  if (weak !== undefined) errors.add(field, weak);
  return contents.certs;
}

/** The certificate field: leaf first, then any chain, with keys allowed in between. */
function readServing(errors: FieldErrors, text: string, anchors: readonly Certificate[] | undefined): (Contents & { leaf: Certificate }) | undefined {
  let contents: Contents;
  try {
    contents = readContents(text);
  } catch (err) {
    errors.add('certificate', safeMessage(err, MALFORMED));
    return undefined;
  }
  const [leaf] = contents.certs;
  if (leaf === undefined) {
    errors.add('certificate', NO_CERTIFICATES);
    return undefined;
  }
  const problem = weakSignatureError(contents.certs) ?? weakKeyError(contents.certs) ?? withPrefix('error verifying certificate: ', anchors && verifyLeaf(leaf, anchors));
  if (problem !== undefined) errors.add('certificate', problem);
  // Still returned so the key is checked too: one status update then names every problem, as upstream's update does.
  return { ...contents, leaf };
}

function withPrefix(prefix: string, message: string | undefined): string | undefined {
  return message === undefined ? undefined : prefix + message;
}

function readKeys(errors: FieldErrors, text: string): PrivateKey[] | undefined {
  try {
    const contents = readContents(text);
    if (contents.certs.length === 0) return contents.keys;
    errors.add('key', 'tls: found a certificate rather than a key in the PEM for the private key');
  } catch (err) {
    errors.add('key', safeMessage(err, MALFORMED));
  }
  return undefined;
}

/**
 * Validates and sanitises the PEM fields of `tls` (upstream's extended
 * validation). On success the returned copy holds only canonical PEM:
 * `certificate` the certificate chain, `key` the single key that matches its
 * leaf (keys may arrive in either field; like Go's `tls.X509KeyPair` the first
 * one found is the one used), the CA fields their certificates. Error
 * messages never contain certificate or key data.
 */
export function validateRouteTls(tls: RouteTLS): RouteTlsValidation {
  const errors = new FieldErrors();
  const out: RouteTLS = { ...tls };
  let anchors: Certificate[] | undefined;
  if (tls.caCertificate !== '') {
    anchors = readBundle(errors, 'caCertificate', tls.caCertificate, 'CA certificate');
    // Served as the chain: haproxy refuses to load a chain certificate with a key OpenSSL finds too small.
    const weak = weakKeyError(anchors);
    if (weak !== undefined) errors.add('caCertificate', weak);
    out.caCertificate = encodePem(certificateBlocks(anchors));
  }
  const serving = tls.certificate === '' ? undefined : readServing(errors, tls.certificate, anchors);
  const keys = tls.key === '' ? [] : readKeys(errors, tls.key);
  if (keys !== undefined) out.key = encodePem(keys.map((k) => k.block));
  if (serving !== undefined && keys !== undefined) {
    const key = [...serving.keys, ...keys][0];
    const problem = key === undefined ? undefined : keyPairError(serving.leaf, key);
    if (key === undefined) {
      errors.add('key', 'no key specified', '');
    } else if (problem !== undefined) {
      errors.add('key', problem);
    } else {
      out.certificate = encodePem(certificateBlocks(serving.certs));
      out.key = encodePem([key.block]);
    }
  }
  if (tls.destinationCACertificate !== '') {
    const certs = readBundle(errors, 'destinationCACertificate', tls.destinationCACertificate, 'destination CA certificate');
    out.destinationCACertificate = encodePem(certificateBlocks(certs));
  }
  const message = aggregate(errors.list);
  return message === undefined ? { ok: true, tls: out } : { ok: false, message, errors: errors.list };
}
