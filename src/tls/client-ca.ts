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

const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;

/** An X.509 Time as a Date: UTCTime (YYMMDDHHMMSSZ, 50-99 the 1900s) or GeneralizedTime (YYYYMMDDHHMMSSZ). */
function timeOf(node: { tag: number; content: Uint8Array }): Date | undefined {
  const text = Buffer.from(node.content).toString('latin1');
  const m = node.tag === UTC_TIME ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const year = node.tag === UTC_TIME ? (Number(m[1]) >= 50 ? 1900 : 2000) + Number(m[1]) : Number(m[1]);
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

/**
 * The nextUpdate of each CRL of `pem` (as checkCrls wrote it) that names
 * one: past it, OpenSSL takes the CRL as expired and haproxy refuses every
 * client certificate it checks against it.
 */
export function crlNextUpdates(pem: string): Date[] {
  const dates: Date[] = [];
  for (const [, body = ''] of pem.matchAll(CRL_BLOCK)) {
    try {
      const [tbs] = childrenOf(expectTag(readDer(new Uint8Array(Buffer.from(body.replace(/\r?\n/g, ''), 'base64'))), Tag.SEQUENCE));
      // tbsCertList: version (optional), signature, issuer, thisUpdate, nextUpdate (optional), ...
      const fields = childrenOf(expectTag(tbs, Tag.SEQUENCE));
      const times = fields.slice(fields[0]?.tag === Tag.INTEGER ? 3 : 2).slice(0, 2);
      const next = times[1];
      const date = next && (next.tag === UTC_TIME || next.tag === GENERALIZED_TIME) ? timeOf(next) : undefined;
      if (date) dates.push(date);
    } catch {
      // checkCrls vouched for its framing; a date it cannot read is no warning.
    }
  }
  return dates;
}
