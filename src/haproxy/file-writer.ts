import { errorMessage } from '../errors.ts';
import { replaceFiles, type FileEntry } from './replace-files.ts';

/** Files of one directory to replace or remove. */
export interface WriteBatch {
  dir: string;
  entries: FileEntry[];
}

export interface WriteRequest extends WriteBatch {
  id: number;
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
  write: async (batch) => replaceFiles(batch.dir, batch.entries),
};

/**
 * Where the worker's code is: beside this module when run from source; in a
 * compiled router at its path under src/, which build.ts bundles as an
 * entry point of its own (as log-drain.ts).
 */
function workerUrl(): string {
  return import.meta.url.startsWith('file:///$bunfs/') ? './haproxy/file-writer-worker.ts' : new URL('./file-writer-worker.ts', import.meta.url).href;
}

/**
 * Writes on a thread of its own (file-writer-worker.ts), in the order
 * asked. The main thread only hands the texts over: the system calls,
 * which block while the file system's journal commits (15-45 ms for a
 * second's worth of endpoint moves at 10,000 routes, BENCHMARKS.md), no
 * longer hold up watch events and commits. Should the thread fail, what it
 * had not answered and all later batches are written on the calling
 * thread, and `onFallback` says why once.
 */
export class ThreadWriter implements BatchWriter {
  private worker: Worker | undefined;
  private failed = false;
  private nextId = 1;
  private readonly waiting = new Map<number, { batch: WriteBatch; resolve: () => void; reject: (err: Error) => void }>();

  constructor(
    private readonly onFallback: (reason: string) => void = () => undefined,
    private readonly url = workerUrl(),
  ) {}

  write(batch: WriteBatch): Promise<void> {
    const worker = this.failed ? undefined : this.started();
    if (!worker) return inlineWriter.write(batch);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { batch, resolve, reject });
      // Referenced while it has work: a router stopping after a flush must not exit before the files are written.
      worker.ref();
      worker.postMessage({ id, ...batch } satisfies WriteRequest);
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
