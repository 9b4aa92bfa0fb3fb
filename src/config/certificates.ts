import { join } from 'node:path';
import type { CertificateFile } from './model.ts';
import { objectMemo } from '../domain/object-memo.ts';

/** Bun's one-call digests: node:crypto's hash object per call cost several times as much at a start, where every route takes some. */
const sha256Hex = (text: string): string => Bun.SHA256.hash(text, 'hex');

/**
 * Names a destination CA file by its content alone, so the routes that
 * verify their pods with the same CA (a cluster's service CA, typically)
 * share one file that haproxy loads once: a file per route was 1,000 CA
 * loads at 10,000 routes of the scale bench, 0.2-0.3 s of haproxy's CPU at
 * every load, and 1,000 files the router wrote before haproxy could start.
 * A file never changes once written, so a candidate generation can be
 * checked while the running one still uses the old file, and rotation is
 * just a new name. The whole digest is kept, as for serving certificates.
 */
export function destinationCaFile(pem: string): CertificateFile {
  return { name: `destca-${sha256Hex(pem)}.pem`, pem };
}

/**
 * Names a serving certificate file by its content alone (key, certificate
 * and chain), so the routes that serve the same certificate share one file
 * and haproxy loads it once: with a wildcard certificate on thousands of
 * routes, loading a file per route was most of haproxy's load time. The
 * whole digest is kept: a name two contents shared would serve one tenant's
 * certificate for another's host.
 */
export function servingCertificateFile(pem: string): CertificateFile {
  return { name: `cert-${sha256Hex(pem)}.pem`, pem };
}

/** haproxy wants the key, then the certificate, then the chain, in one file. */
export function servingPem(tls: { certificate: string; key: string; caCertificate: string }): string {
  const parts = [tls.key, tls.certificate, tls.caCertificate].map((p) => p.trim()).filter((p) => p !== '');
  return `${parts.join('\n')}\n`;
}

/** The default certificate's file in each generation, and its name in haproxy's certificate store. */
export const DEFAULT_CERTIFICATE_FILE = 'default.pem';

/**
 * Each file's path, made once per directory: the routes that share a
 * certificate share its file object, and a path joined per route was a copy
 * each (4,500 at 10,000 routes of the scale bench).
 */
const paths = objectMemo<CertificateFile, { certDir: string; path: string }>('certificate path');

export function certificatePath(certDir: string, file: CertificateFile): string {
  const known = paths.get(file);
  if (known?.certDir === certDir) return known.path;
  const path = join(certDir, file.name);
  paths.set(file, { certDir, path });
  return path;
}
