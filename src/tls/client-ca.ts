import { Tag, childrenOf, expectTag, readDer } from './der.ts';
import { safeMessage } from './invalid-data.ts';
import { decodePem, encodePem } from './pem.ts';
import { parseCertificate } from './x509.ts';

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

export interface ClientCa {
  /** The certificates alone, re-encoded: what haproxy loads. */
  pem: string;
  /** Some certificate names where its CRLs are published: upstream downloads those, router does not. */
  crlDistributionPoints: boolean;
}

/**
 * The bundle client certificates are verified by: PEM certificates only (a
 * private key in it is a mistake to report, not to copy), each one parsed.
 */
export function checkClientCa(text: string): Checked<ClientCa> {
  try {
    const blocks = decodePem(text);
    if (blocks.some((b) => b.type !== 'CERTIFICATE')) return { ok: false, error: 'holds a private key; a CA bundle holds certificates only' };
    if (blocks.length === 0) return { ok: false, error: 'holds no PEM certificate' };
    const certificates = blocks.map((b) => parseCertificate(b.der));
    return { ok: true, value: { pem: encodePem(blocks), crlDistributionPoints: certificates.some((c) => c.crlDistributionPoints) } };
  } catch (err) {
    return { ok: false, error: safeMessage(err, 'is not a PEM certificate bundle') };
  }
}

const CRL_BLOCK = /-----BEGIN X509 CRL-----\r?\n([A-Za-z0-9+/=\r\n]*?)-----END X509 CRL-----/g;

/** Canonical base64 of one DER CRL as X.509 frames it: tbsCertList, signatureAlgorithm, signature. */
function isCrl(base64: string): boolean {
  const der = new Uint8Array(Buffer.from(base64, 'base64'));
  if (Buffer.from(der).toString('base64') !== base64) return false;
  try {
    const [tbs, algorithm, signature, ...rest] = childrenOf(expectTag(readDer(der), Tag.SEQUENCE));
    expectTag(tbs, Tag.SEQUENCE);
    expectTag(algorithm, Tag.SEQUENCE);
    expectTag(signature, Tag.BIT_STRING);
    return rest.length === 0;
  } catch {
    return false;
  }
}

/** PEM CRLs (`X509 CRL` blocks), each framed as a CRL, re-encoded; text around them is dropped. */
export function checkCrls(text: string): Checked<string> {
  let pem = '';
  for (const [, body = ''] of text.matchAll(CRL_BLOCK)) {
    const base64 = body.replace(/\r?\n/g, '');
    if (!isCrl(base64)) return { ok: false, error: 'holds a malformed "X509 CRL" block' };
    pem += `-----BEGIN X509 CRL-----\n${(base64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END X509 CRL-----\n`;
  }
  return pem === '' ? { ok: false, error: 'holds no PEM CRL ("X509 CRL" block)' } : { ok: true, value: pem };
}
