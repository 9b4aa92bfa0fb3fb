import { readFile } from 'node:fs/promises';
import { validateRouteTls } from '../tls/validate-route-tls.ts';
import type { FileReading } from './operator-file-watcher.ts';

/**
 * Reads and checks the default destination CA bundle (certificates only,
 * none signed with a digest haproxy refuses), as canonical PEM. It is
 * followed while the router runs (a service CA rotates), so a bundle
 * caught half-written must be refused here, not by the next reload.
 */
export async function readDefaultDestinationCa(path: string): Promise<FileReading> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (err) {
    return { ok: false, message: `default destination CA ${path}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}` };
  }
  const checked = validateRouteTls({ termination: 'reencrypt', insecureEdgeTerminationPolicy: '', certificate: '', key: '', caCertificate: '', destinationCACertificate: pem });
  // The checks speak of a route's fields; this is the operator's file.
  if (!checked.ok) return { ok: false, message: `default destination CA ${path}: ${checked.message.replaceAll('spec.tls.destinationCACertificate: ', '')}` };
  return { ok: true, pem: `${checked.tls.destinationCACertificate.trim()}\n` };
}
