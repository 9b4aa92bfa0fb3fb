import type { ByteRing } from './byte-ring.ts';
import { workerUrl } from './worker-url.ts';

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

/** Where the worker's code is (worker-url.ts). */
export const drainWorkerUrl = (): string => workerUrl('log-drain-worker.ts');
