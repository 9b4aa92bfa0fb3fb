import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import {
  bitString,
  boolean,
  explicit,
  implicitPrimitive,
  objectId,
  octetString,
  sequence,
  set,
  time,
  unsignedInteger,
  utf8String,
} from './der-writer.ts';
import { encodePem } from './pem.ts';

/**
 * The certificate the router serves when the operator configures none, as
 * upstream does: self-signed, for the router's wildcard domain. It is built
 * by hand because node:crypto can make keys and signatures but not
 * certificates, and shelling out to openssl at startup would make the
 * single-binary router depend on the openssl CLI.
 */

export interface SelfSignedOptions {
  /** Subject and issuer CN; at most 64 characters (X.520's upper bound, enforced by some TLS stacks). */
  commonName: string;
  /** SubjectAltName DNS entries (clients match these, not the CN); `*.` wildcards allowed. */
  dnsNames: readonly string[];
  /** Validity from now; starts an hour in the past so hosts with a slightly slow clock accept it. */
  days: number;
}

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const COMMON_NAME = '2.5.4.3';
const BASIC_CONSTRAINTS = '2.5.29.19';
const SUBJECT_ALT_NAME = '2.5.29.17';
/** IA5String, which is what dNSName requires: printable ASCII, and a space never belongs in a name. */
const DNS_NAME = /^[\x21-\x7e]{1,253}$/;
const MAX_DAYS = 36500;

function checkOptions({ commonName, dnsNames, days }: SelfSignedOptions): void {
  if (commonName.length < 1 || commonName.length > 64) throw new RangeError('commonName must be 1 to 64 characters');
  const bad = dnsNames.find((n) => !DNS_NAME.test(n));
  if (bad !== undefined) throw new RangeError(`invalid DNS name ${JSON.stringify(bad)}`);
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) throw new RangeError(`days must be an integer from 1 to ${MAX_DAYS}`);
}

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return sequence(objectId(oid), ...(critical ? [boolean(true)] : []), octetString(value));
}

/**
 * Generates a P-256 key and a v3 certificate for it, signed by itself with
 * ECDSA-SHA256: random serial, `CN=<commonName>` as subject and issuer,
 * SubjectAltName with `dnsNames` (omitted when empty, as an empty SAN is
 * invalid) and critical `basicConstraints CA:FALSE`. Returns PEM: the
 * certificate, and the key as SEC1 `EC PRIVATE KEY`, the form route keys are
 * normalised to. Throws `RangeError` on options a certificate cannot carry.
 */
export function generateSelfSignedCertificate(options: SelfSignedOptions): { certPem: string; keyPem: string } {
  checkOptions(options);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const name = sequence(set(sequence(objectId(COMMON_NAME), utf8String(options.commonName))));
  const now = Date.now();
  const extensions = [
    extension(BASIC_CONSTRAINTS, true, sequence()),
    ...(options.dnsNames.length === 0
      ? []
      : [extension(SUBJECT_ALT_NAME, false, sequence(...options.dnsNames.map((n) => implicitPrimitive(2, Buffer.from(n, 'ascii')))))]),
  ];
  const algorithm = sequence(objectId(ECDSA_WITH_SHA256));
  const tbs = sequence(
    explicit(0, unsignedInteger(Uint8Array.of(2))),
    // 16 random bytes with the top bit clear: positive, and within RFC 5280's 20-octet limit.
    unsignedInteger(Uint8Array.from(randomBytes(16), (b, i) => (i === 0 ? b & 0x7f : b))),
    algorithm,
    name,
    sequence(time(new Date(now - 3_600_000)), time(new Date(now + options.days * 86_400_000))),
    name,
    new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
    explicit(3, sequence(...extensions)),
  );
  const certificate = sequence(tbs, algorithm, bitString(new Uint8Array(sign('sha256', tbs, privateKey))));
  return {
    certPem: encodePem([{ type: 'CERTIFICATE', der: certificate }]),
    keyPem: encodePem([{ type: 'EC PRIVATE KEY', der: new Uint8Array(privateKey.export({ type: 'sec1', format: 'der' })) }]),
  };
}
