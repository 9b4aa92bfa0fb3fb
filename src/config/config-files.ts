import { CHECK_BACKEND_PREFIX, CHECK_SLOTS_PER_BACKEND } from '../domain/names.ts';

/**
 * How the configuration is spread over files. haproxy reads `haproxy.config`
 * (global, defaults, frontends) and then every `*.cfg` file of the same
 * directory in name order (`-f <dir>`): route backends in 64 files by a
 * hash of their name, check backends in 16 by number. A change to a few
 * backends rewrites a few files; the others are carried over to the next
 * generation as they are.
 */
export const CONFIG_FILE = 'haproxy.config';

const BACKEND_FILES = 64;
const CHECK_FILES = 16;

const twoDigits = (n: number) => String(n).padStart(2, '0');

/** FNV-1a: the same file for a name in every process, whatever the runtime's own hash. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The file a route backend (or spare) is written to. */
export function backendFile(name: string): string {
  return `be-${twoDigits(fnv1a(name) % BACKEND_FILES)}.cfg`;
}

/** The file check backend `be_checks_<n>` is written to. */
export function checkFile(n: number): string {
  return `checks-${twoDigits(n % CHECK_FILES)}.cfg`;
}

/** The check backend numbers written to `file` when there are `slots` slots (64 to a backend). */
export function checkNumbersIn(file: string, slots: number): number[] {
  const first = Number(file.slice('checks-'.length, -'.cfg'.length));
  const numbers: number[] = [];
  for (let n = first; n * CHECK_SLOTS_PER_BACKEND < slots; n += CHECK_FILES) numbers.push(n);
  return numbers;
}

/** `n` of `be_checks_<n>`. */
export function checkBackendNumber(name: string): number {
  return Number(name.slice(CHECK_BACKEND_PREFIX.length));
}

/** Every backend file a generation holds, written even when empty so that each generation has the same set. */
export const configFileNames = {
  backends: Array.from({ length: BACKEND_FILES }, (_, i) => `be-${twoDigits(i)}.cfg`),
  checks: Array.from({ length: CHECK_FILES }, (_, i) => `checks-${twoDigits(i)}.cfg`),
};

/** The configuration as haproxy reads it: `haproxy.config`, then the `*.cfg` files in name order. */
export function configText(files: ReadonlyMap<string, string>): string {
  const parts = [...files.keys()].filter((name) => name.endsWith('.cfg')).sort();
  return [files.get(CONFIG_FILE) ?? '', ...parts.map((name) => files.get(name) ?? '')].join('\n');
}
