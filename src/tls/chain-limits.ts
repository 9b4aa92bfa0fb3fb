import type { RouteTLS } from '../domain/route.ts';

/**
 * Bounds on the certificate material one route may hand the router. Real
 * chains hold two to four certificates in a few kilobytes; anything far
 * beyond is parsed by the router, written to disk and held in haproxy's
 * memory for nothing, so it is refused before any of that happens.
 */
export const MAX_CHAIN_CERTIFICATES = 10;
export const MAX_PEM_FIELD_BYTES = 64 * 1024;

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----/g;

const FIELDS: readonly [Exclude<keyof RouteTLS, 'externalCertificate'>, string][] = [
  ['certificate', 'redacted certificate data'],
  ['key', 'redacted key data'],
  ['caCertificate', 'redacted ca certificate data'],
  ['destinationCACertificate', 'redacted destination ca certificate data'],
];

/**
 * Upstream-style field errors for PEM fields over MAX_PEM_FIELD_BYTES, and
 * for a served chain (`certificate` then `caCertificate`, which haproxy
 * sends together) of more than MAX_CHAIN_CERTIFICATES certificates or more
 * than MAX_PEM_FIELD_BYTES in all. Counts PEM markers only: it runs before
 * (and without) certificate parsing.
 */
export function chainLimitErrors(tls: RouteTLS): string[] {
  const errors: string[] = [];
  for (const [field, redacted] of FIELDS) {
    const bytes = Buffer.byteLength(tls[field]);
    if (bytes > MAX_PEM_FIELD_BYTES) errors.push(`spec.tls.${field}: Invalid value: "${redacted}": ${bytes} bytes, at most ${MAX_PEM_FIELD_BYTES} are allowed`);
  }
  if (errors.length > 0) return errors;
  const chain = `${tls.certificate}\n${tls.caCertificate}`;
  const certificates = chain.match(CERTIFICATE_BLOCK)?.length ?? 0;
  if (certificates > MAX_CHAIN_CERTIFICATES) {
    errors.push(`spec.tls.certificate: Invalid value: "redacted certificate data": the chain (certificate and caCertificate) holds ${certificates} certificates, at most ${MAX_CHAIN_CERTIFICATES} are allowed`);
  }
  const chainBytes = Buffer.byteLength(tls.certificate) + Buffer.byteLength(tls.caCertificate);
  if (chainBytes > MAX_PEM_FIELD_BYTES) {
    errors.push(`spec.tls.certificate: Invalid value: "redacted certificate data": the chain (certificate and caCertificate) is ${chainBytes} bytes, at most ${MAX_PEM_FIELD_BYTES} are allowed`);
  }
  return errors;
}
