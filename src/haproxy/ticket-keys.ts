import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * TLS session-ticket keys as haproxy 2.6 holds them: a ring of three
 * (TLS_TICKETS_NO), loaded from the last three lines of the file named by
 * `tls-ticket-keys`. The middle one encrypts new tickets; all three decrypt.
 * `set ssl tls-key` adds a key as the newest and drops the oldest, so the
 * ring then equals the file with the new key appended: writing that file
 * too makes every later load (reload, restart) resume where the running
 * worker is. A ticket stays valid for one to two rotations.
 */
export const TICKET_KEY_COUNT = 3;
/** 48-byte keys: AES-128 tickets, haproxy's smaller size and what it generates itself. */
const KEY_BYTES = 48;

export const TICKET_KEYS_FILE = 'tls-ticket-keys';

export function freshTicketKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** The ring after one rotation: the oldest key leaves, `fresh` comes in as the newest. */
export function rotatedKeys(keys: readonly string[], fresh: string): string[] {
  return [...keys, fresh].slice(-TICKET_KEY_COUNT);
}

/** The keys a ticket-keys file holds, in file order (haproxy uses the last three). */
export function parseTicketKeys(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(-TICKET_KEY_COUNT);
}

/** Replaces the file in one rename; keys are readable by the owner only. */
export async function saveTicketKeys(path: string, keys: readonly string[]): Promise<void> {
  await writeFile(`${path}.tmp`, `${keys.join('\n')}\n`, { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

export async function loadTicketKeys(path: string): Promise<string[]> {
  return parseTicketKeys(await readFile(path, 'utf8'));
}

/**
 * Writes fresh keys at start and returns their path. Every haproxy
 * generation names this one file, so resumption survives reloads; the
 * keys are rotated while the router runs (ticket-key-rotation.ts) and a
 * router restart starts over.
 */
export async function writeTicketKeys(certDir: string): Promise<string> {
  const path = join(certDir, TICKET_KEYS_FILE);
  await saveTicketKeys(path, Array.from({ length: TICKET_KEY_COUNT }, freshTicketKey));
  return path;
}
