import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { objectKey } from '../domain/route.ts';
import type { CertificateFile } from './model.ts';

/**
 * How much of a route's namespace and name a file name shows. Linux file
 * names end at 255 bytes (NAME_MAX) and Kubernetes allows a 63-character
 * namespace with a 253-character name, so the readable part is cut and the
 * hashes keep names unique.
 */
const READABLE_MAX = 100;

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Which route a file belongs to, as a hash of its key: it survives the cut
 * of the readable part, so a file haproxy refuses can be traced back to its
 * route (haproxy/refused-files.ts).
 */
export function routeFileTag(routeKey: string): string {
  return sha256Hex(routeKey).slice(0, 16);
}

/**
 * `<namespace>_<name>` for whoever lists the directory: admission lets only
 * DNS-1123 names through, but anything else is mapped into the same
 * characters, so no input can put a `/`, a `:` (haproxy's `del ssl crt-list`
 * reads it as a line number) or a control character into a file name.
 */
function readable(namespace: string, name: string): string {
  return `${namespace}_${name}`.replace(/[^a-z0-9._-]/g, '-').slice(0, READABLE_MAX);
}

/**
 * Names a destination CA file by route and content: a file never changes
 * once written, so a candidate generation can be checked while the running
 * one still uses the old file, and rotation is just a new name. The name is
 * at most 145 bytes whatever the route is called:
 * `destca-<readable>-<route tag>-<content digest>.pem`.
 */
export function destinationCaFile(namespace: string, name: string, pem: string): CertificateFile {
  const tag = routeFileTag(objectKey({ namespace, name }));
  const digest = sha256Hex(pem).slice(0, 16);
  return { name: `destca-${readable(namespace, name)}-${tag}-${digest}.pem`, pem };
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

export function certificatePath(certDir: string, file: CertificateFile): string {
  return join(certDir, file.name);
}
