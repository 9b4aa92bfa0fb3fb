import { CHECK_BACKEND_PREFIX, CHECK_SLOTS_PER_BACKEND } from '../domain/names.ts';

/**
 * How the configuration is spread over files. haproxy reads `haproxy.config`
 * (global, defaults, frontends) and then every `*.cfg` file of the same
 * directory in name order (`-f <dir>`): route backends in files by a hash of
 * their name, check backends by number. A change to a few backends rewrites
 * a few files, whole, and the others stay as they are; so the number of
 * files grows with the model (about BACKENDS_PER_FILE route backends to a
 * file, CHECK_BACKENDS_PER_FILE check backends), in powers of two from 64
 * and 16. The counts follow from the numbers of backends and check slots,
 * which only a load changes: every patch of a loaded model has its files.
 */
export const CONFIG_FILE = 'haproxy.config';

const MIN_BACKEND_FILES = 64;
const MIN_CHECK_FILES = 16;
/**
 * The most files of each kind, beyond which files hold more backends each
 * (and a change rewrites more text: at 1,024 files a 100,000-route change
 * spent a third of its CPU on its backend's file, BENCHMARKS.md). haproxy
 * passes the path of every file it loaded to its own re-execution in one
 * environment variable (HAPROXY_CFGFILES), and Linux refuses an exec with
 * any single variable over 128 KiB (MAX_ARG_STRLEN): with absolute paths,
 * 4,160 files made the master fail to re-execute ("Argument list too
 * long"), so it never served its master socket. The master names them
 * relative to its directory (`../conf/be-0000.cfg`, haproxy/master-command.ts),
 * so these and the two other files (haproxy.config, backend-defaults.cfg)
 * fit whatever the working dir (the test of working-paths.ts).
 */
export const MAX_BACKEND_FILES = 4096;
export const MAX_CHECK_FILES = 128;
const BACKENDS_PER_FILE = 32;
const CHECK_BACKENDS_PER_FILE = 2;

/** How many files the route backends and the check backends of a model are spread over. */
export interface FileCounts {
  backends: number;
  checks: number;
}

function filesFor(items: number, perFile: number, min: number, max: number): number {
  let n = min;
  while (n < max && n * perFile < items) n *= 2;
  return n;
}

export function fileCounts(model: { backends: readonly unknown[]; checks: readonly unknown[] }): FileCounts {
  return {
    backends: filesFor(model.backends.length, BACKENDS_PER_FILE, MIN_BACKEND_FILES, MAX_BACKEND_FILES),
    checks: filesFor(Math.ceil(model.checks.length / CHECK_SLOTS_PER_BACKEND), CHECK_BACKENDS_PER_FILE, MIN_CHECK_FILES, MAX_CHECK_FILES),
  };
}

/** `be-07.cfg` of 64 files, `be-0007.cfg` of 1024: one width per count, so name order is number order. */
const numbered = (prefix: string, n: number, count: number) => `${prefix}-${String(n).padStart(Math.max(2, String(count - 1).length), '0')}.cfg`;

/** FNV-1a: the same file for a name in every process, whatever the runtime's own hash. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The file a route backend (or spare) is written to, of `count` (FileCounts.backends). */
export function backendFile(name: string, count = MIN_BACKEND_FILES): string {
  return numbered('be', fnv1a(name) % count, count);
}

/** The file check backend `be_checks_<n>` is written to, of `count` (FileCounts.checks). */
export function checkFile(n: number, count = MIN_CHECK_FILES): string {
  return numbered('checks', n % count, count);
}

/** The check backend numbers written to `file` (of `count`) when there are `slots` slots (64 to a backend). */
export function checkNumbersIn(file: string, slots: number, count: number): number[] {
  const first = Number(file.slice('checks-'.length, -'.cfg'.length));
  const numbers: number[] = [];
  for (let n = first; n * CHECK_SLOTS_PER_BACKEND < slots; n += count) numbers.push(n);
  return numbers;
}

/** `n` of `be_checks_<n>`. */
export function checkBackendNumber(name: string): number {
  return Number(name.slice(CHECK_BACKEND_PREFIX.length));
}

/** Every backend file a generation holds, written even when empty so that each generation of a load has the same set. */
export function configFileNames(counts: FileCounts): { backends: string[]; checks: string[] } {
  return {
    backends: Array.from({ length: counts.backends }, (_, i) => numbered('be', i, counts.backends)),
    checks: Array.from({ length: counts.checks }, (_, i) => numbered('checks', i, counts.checks)),
  };
}

/** The configuration as haproxy reads it: `haproxy.config`, then the `*.cfg` files in name order. */
export function configText(files: ReadonlyMap<string, string>): string {
  const parts = [...files.keys()].filter((name) => name.endsWith('.cfg')).sort();
  return [files.get(CONFIG_FILE) ?? '', ...parts.map((name) => files.get(name) ?? '')].join('\n');
}
