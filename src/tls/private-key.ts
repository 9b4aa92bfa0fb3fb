import { createPrivateKey, type KeyObject } from 'node:crypto';
import { InvalidTlsData } from './invalid-data.ts';
import { quotePemType, type PemBlock } from './pem.ts';
import { publicKeyOf, type Certificate } from './x509.ts';

/**
 * Private keys from a Route, normalised as upstream does: whatever the
 * wrapping (PKCS#8 `PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY`, SEC1
 * `EC PRIVATE KEY`), RSA keys are written back as PKCS#1 and EC keys as SEC1,
 * the forms every haproxy/OpenSSL version reads.
 */
export interface PrivateKey {
  readonly key: KeyObject;
  /** The normalised block: `RSA PRIVATE KEY` or `EC PRIVATE KEY`. */
  readonly block: PemBlock;
}

const ENCODINGS = ['pkcs8', 'pkcs1', 'sec1'] as const;

function importKey(block: PemBlock): KeyObject {
  // Labels in the wild do not always match the contents, so like upstream
  // try every encoding instead of trusting the block type.
  for (const type of ENCODINGS) {
    try {
      return createPrivateKey({ key: Buffer.from(block.der), format: 'der', type });
    } catch {
      continue;
    }
  }
  throw new InvalidTlsData(`block ${quotePemType(block.type)} is not valid`);
}

/** Parses and normalises one private key block; throws `InvalidTlsData` for anything but an RSA or NIST-curve EC key. */
export function normalisePrivateKey(block: PemBlock): PrivateKey {
  const key = importKey(block);
  if (key.asymmetricKeyType === 'rsa') {
    const der = key.export({ type: 'pkcs1', format: 'der' });
    return { key, block: { type: 'RSA PRIVATE KEY', der: new Uint8Array(der) } };
  }
  // Bun's node:crypto is BoringSSL, which knows exactly the curves Go parses
  // (P-224, P-256, P-384, P-521): keys on other curves already failed to import.
  if (key.asymmetricKeyType === 'ec') {
    const der = key.export({ type: 'sec1', format: 'der' });
    return { key, block: { type: 'EC PRIVATE KEY', der: new Uint8Array(der) } };
  }
  throw new InvalidTlsData(`block ${quotePemType(block.type)} holds an unsupported key type: only RSA and ECDSA keys are supported`);
}

/**
 * What Go's `tls.X509KeyPair` checks between a leaf certificate and its key.
 * Returns undefined when they belong together, else Go's error text.
 */
export function keyPairError(leaf: Certificate, key: PrivateKey): string | undefined {
  const publicKey = publicKeyOf(leaf);
  // Go fails such a certificate already at parsing (explicit EC parameters are not a named curve).
  if (publicKey === undefined) return "x509: the certificate's public key cannot be read (explicit curve parameters or an unsupported algorithm)";
  if (publicKey.asymmetricKeyType !== key.key.asymmetricKeyType) return 'tls: private key type does not match public key type';
  return leaf.x509.checkPrivateKey(key.key) ? undefined : 'tls: private key does not match public key';
}
