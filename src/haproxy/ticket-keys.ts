import { randomBytes } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** haproxy encrypts with the first key and accepts all listed ones; 48-byte keys suit AES-128 tickets. */
const KEY_COUNT = 3;
const KEY_BYTES = 48;

/**
 * Writes fresh TLS session-ticket keys and returns their path. They are made
 * once per router start and shared by every haproxy generation, so TLS
 * resumption survives reloads, while a router restart still rotates them.
 */
export async function writeTicketKeys(certDir: string): Promise<string> {
  const path = join(certDir, 'tls-ticket-keys');
  const text = Array.from({ length: KEY_COUNT }, () => randomBytes(KEY_BYTES).toString('base64')).join('\n');
  await writeFile(`${path}.tmp`, `${text}\n`, { mode: 0o600 });
  await rename(`${path}.tmp`, path);
  return path;
}
