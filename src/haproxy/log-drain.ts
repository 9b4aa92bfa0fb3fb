import type { ByteRing } from './byte-ring.ts';

/** The main thread's side of the log pipe's reading thread (log-drain-worker.ts). */

/** What the main thread sends first. */
export interface DrainSetup {
  /** The pipe's read end, non-blocking (descriptors are the whole process's). */
  fd: number;
  ring: ByteRing['shared'];
  /** Int32 [stopped]: set to 1, and notified, once the worker has read for the last time. */
  control: SharedArrayBuffer;
  readMs: number;
  idleMs: number;
}

/** What the worker sends when a read fails (it reads no more). */
export interface DrainFailure {
  error: string;
}

/** The message that asks for a last read and the end. */
export const STOP = 'stop';

/**
 * Where the worker's code is: beside this module when run from source; in a
 * compiled router, where every module's import.meta.url is the executable's,
 * at its path under src/, which build.ts bundles as an entry point of its own.
 */
export function drainWorkerUrl(): string {
  return import.meta.url.startsWith('file:///$bunfs/') ? './haproxy/log-drain-worker.ts' : new URL('./log-drain-worker.ts', import.meta.url).href;
}
