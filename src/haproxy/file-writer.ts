import type { WritableText } from '../config/render.ts';
import { errorMessage } from '../errors.ts';
import { replaceFiles } from './replace-files.ts';
import { workerUrl } from './worker-url.ts';

/** Files of one directory to replace (with their text, maybe in pieces) or remove (null). */
export interface WriteBatch {
  dir: string;
  entries: (readonly [name: string, text: WritableText | null])[];
}

/**
 * A batch as the writing thread gets it: the texts encoded one after the
 * other in a shared buffer, each file as [name, offset, byte length], -1
 * for a removal. Handing strings over instead (postMessage copies them)
 * cost the main thread 20-40 ms for a second's changed files at 10,000
 * routes; encoding them into a buffer kept from one batch to the next
 * costs about 1 ms.
 */
export interface WriteRequest {
  id: number;
  dir: string;
  buffer: SharedArrayBuffer;
  files: [name: string, offset: number, length: number][];
}

export interface WriteReply {
  id: number;
  error?: string;
}

/** Writes batches of files, each resolved once on disk (rejected with what failed). */
export interface BatchWriter {
  write(batch: WriteBatch): Promise<void>;
}

/** Writes on the calling thread. */
export const inlineWriter: BatchWriter = {
  write: async (batch) => replaceFiles(batch.dir, batch.entries.map(([name, text]) => [name, text === null || typeof text === 'string' ? text : text.join('')])),
};

const INITIAL_BUFFER_BYTES = 1 << 20;
/**
 * The largest buffer kept for the next batch. A burst of changes can make
 * one batch of many megabytes (2,000 endpoint moves at 10,000 routes grew
 * it to 14 MB) and a whole configuration's files more; kept, that buffer
 * stayed resident for the router's life.
 */
const KEPT_BUFFER_BYTES = 4 << 20;
const encoder = new TextEncoder();

/** The batch's texts encoded into `buffer`, or undefined if they do not all fit. */
function encodeInto(batch: WriteBatch, buffer: SharedArrayBuffer): WriteRequest['files'] | undefined {
  const bytes = new Uint8Array(buffer);
  const files: WriteRequest['files'] = [];
  let offset = 0;
  for (const [name, text] of batch.entries) {
    if (text === null) {
      files.push([name, 0, -1]);
      continue;
    }
    const start = offset;
    for (const piece of typeof text === 'string' ? [text] : text) {
      const { read, written } = encoder.encodeInto(piece, bytes.subarray(offset));
      if (read < piece.length) return undefined;
      offset += written;
    }
    files.push([name, start, offset - start]);
  }
  return files;
}

const charsOf = (text: WritableText | null): number => (text === null ? 0 : typeof text === 'string' ? text.length : text.reduce((n, piece) => n + piece.length, 0));


/**
 * Writes on a thread of its own (file-writer-worker.ts), in the order
 * asked. The main thread only encodes the texts into a shared buffer: the
 * system calls, which block while the file system's journal commits
 * (15-45 ms for a second's worth of endpoint moves at 10,000 routes,
 * BENCHMARKS.md), no longer hold up watch events and commits. Should the
 * thread fail, what it had not answered and all later batches are written
 * on the calling thread, and `onFallback` says why once.
 */
export class ThreadWriter implements BatchWriter {
  private worker: Worker | undefined;
  private failed = false;
  private nextId = 1;
  private readonly waiting = new Map<number, { batch: WriteBatch; buffer: SharedArrayBuffer; resolve: () => void; reject: (err: Error) => void }>();
  /** The largest buffer of the batches written (up to KEPT_BUFFER_BYTES), for the next one: its pages are in memory already (a fresh buffer's first use cost more than the copy). */
  private spare: SharedArrayBuffer | undefined;

  constructor(
    private readonly onFallback: (reason: string) => void = () => undefined,
    private readonly url = workerUrl('file-writer-worker.ts'),
  ) {}

  write(batch: WriteBatch): Promise<void> {
    const worker = this.failed ? undefined : this.started();
    if (!worker) return inlineWriter.write(batch);
    const id = this.nextId++;
    let buffer = this.spare ?? new SharedArrayBuffer(INITIAL_BUFFER_BYTES);
    this.spare = undefined;
    let files = encodeInto(batch, buffer);
    if (!files) {
      // UTF-8 takes at most 3 bytes per UTF-16 unit: this one fits.
      const chars = batch.entries.reduce((n, [, text]) => n + charsOf(text), 0);
      buffer = new SharedArrayBuffer(Math.max(2 * buffer.byteLength, 3 * chars));
      files = encodeInto(batch, buffer) ?? [];
    }
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { batch, buffer, resolve, reject });
      // Referenced while it has work: a router stopping after a flush must not exit before the files are written.
      worker.ref();
      worker.postMessage({ id, dir: batch.dir, buffer, files } satisfies WriteRequest);
    });
  }

  /** Ends the thread once nothing waits on it (a router that stops, after its last flush); a later write starts another. */
  close(): void {
    if (this.waiting.size > 0) return;
    this.worker?.terminate();
    this.worker = undefined;
  }

  private started(): Worker | undefined {
    if (this.worker) return this.worker;
    let worker: Worker;
    try {
      worker = new Worker(this.url);
    } catch (err) {
      this.fallBack(`cannot start the file-writing thread: ${errorMessage(err)}`);
      return undefined;
    }
    worker.unref();
    worker.onmessage = (event: MessageEvent<WriteReply>) => this.answered(event.data);
    worker.onerror = (event) => this.fallBack(`the file-writing thread failed: ${event.message.split('\n')[0]}`);
    this.worker = worker;
    return worker;
  }

  private answered(reply: WriteReply): void {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker?.unref();
    if (waiter.buffer.byteLength <= KEPT_BUFFER_BYTES && (!this.spare || waiter.buffer.byteLength > this.spare.byteLength)) this.spare = waiter.buffer;
    if (reply.error === undefined) waiter.resolve();
    else waiter.reject(new Error(reply.error));
  }

  private fallBack(reason: string): void {
    if (this.failed) return;
    this.failed = true;
    this.worker?.terminate();
    this.worker = undefined;
    this.onFallback(reason);
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const { batch, resolve, reject } of waiting) inlineWriter.write(batch).then(resolve, reject);
  }
}
