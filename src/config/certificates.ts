import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { CertificateFile } from './model.ts';

/**
 * Names certificate files by route and content: a file never changes once
 * written, so a candidate generation can be checked while the running one
 * still uses the old file, and rotation is just a new name. Route names and
 * namespaces are DNS-1123 (checked by admission), so the name is safe.
 */
export function certificateFile(kind: 'cert' | 'destca', namespace: string, name: string, pem: string): CertificateFile {
  const digest = createHash('sha256').update(pem).digest('hex').slice(0, 16);
  // No ':' (haproxy's `del ssl crt-list` reads it as a line number); '_' never occurs in DNS-1123 names, so this stays unambiguous.
  return { name: `${kind}-${namespace}_${name}-${digest}.pem`, pem };
}

/** haproxy wants the key, then the certificate, then the chain, in one file. */
export function servingPem(tls: { certificate: string; key: string; caCertificate: string }): string {
  const parts = [tls.key, tls.certificate, tls.caCertificate].map((p) => p.trim()).filter((p) => p !== '');
  return `${parts.join('\n')}\n`;
}

/** The default certificate's file in each generation, and its name in haproxy's certificate store. */
export const DEFAULT_CERTIFICATE_FILE = 'default.pem';

export function certificatePath(certDir: string, file: CertificateFile): string {
  return join(certDir, file.name);
}
