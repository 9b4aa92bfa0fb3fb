import { writableText, type RenderedFiles } from '../config/render.ts';
import type { BatchWriter } from './file-writer.ts';

/**
 * How long a change's files may wait before they are written, at most.
 * Nothing reads them meanwhile (the worker took the change through the
 * runtime API): a check, a new generation or haproxy's start writes them
 * first (PendingWrites.flush). At 100,000 routes a map file is about 5 MB
 * and every add rewrote two or three of them.
 */
export const FLUSH_DELAY_MS = 1000;

/** After a write that failed on its own (no check or start was waiting for it), the next try comes this much later. */
export const RETRY_DELAY_MS = 5000;

/** Told when writes that nothing waited for fail (a full or read-only disk), and when they work again. */
export interface WriteFailures {
  failed(err: unknown): void;
  recovered(): void;
}

/** Names of one directory waiting to be written, with the latest set of texts (it answers for every one of them). */
interface Waiting {
  dir: string;
  names: Set<string>;
  files: RenderedFiles;
}

/** Joins consecutive entries of one directory: the later set of texts answers for both. */
function merged(list: readonly Waiting[]): Waiting[] {
  const out: Waiting[] = [];
  for (const w of list) {
    const last = out.at(-1);
    if (last?.dir !== w.dir) {
      out.push({ dir: w.dir, names: new Set(w.names), files: w.files });
      continue;
    }
    for (const name of w.names) last.names.add(name);
    last.files = w.files;
  }
  return out;
}

/**
 * In-place writes into one generation's directory, held back: a burst of
 * changes writes each file it touches once, and from its last text. Each
 * file is still replaced whole, so the directory always holds a set of
 * files haproxy accepted (every one as some earlier change left it).
 * Written by `writer` (a thread of their own in the router), one flush
 * after the other.
 */
export class PendingWrites {
  private waiting: Waiting[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The flushes under way, chained: each starts once the one before it has ended. */
  private writing: Promise<void> = Promise.resolve();

  /** A write failed and none has worked since. */
  private failing = false;

  /**
   * `first`: writes the files refer to (certificates), on disk before them;
   * `failures`: told of failed writes and of the first that works again;
   * the delays (FLUSH_DELAY_MS, RETRY_DELAY_MS) shorter in tests.
   */
  constructor(
    private readonly writer: BatchWriter,
    private readonly first: () => Promise<void> = async () => {},
    private readonly opts: { failures?: WriteFailures; flushDelayMs?: number; retryDelayMs?: number } = {},
  ) {}

  /** `names` of `dir` are to hold their texts in `files` (the latest set: it answers for every name still waiting). */
  add(dir: string, names: readonly string[], files: RenderedFiles): void {
    const last = this.waiting.at(-1);
    if (last?.dir === dir) {
      for (const name of names) last.names.add(name);
      last.files = files;
    } else {
      this.waiting.push({ dir, names: new Set(names), files });
    }
    this.later(this.opts.flushDelayMs ?? FLUSH_DELAY_MS);
  }

  /**
   * Flushes after `ms`. What fails keeps waiting, and is tried again (a
   * disk that filled up may be freed): the next flush a check, a new
   * generation or a start asks for meets the error where it is handled;
   * until then the disk holds less than the worker runs, which a restart
   * of haproxy would serve, so the failure is reported, not kept quiet.
   */
  private later(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A failure arms the next try (reported()).
      this.flush().catch(() => undefined);
    }, ms);
    // A router that stops flushes first; the timer must not keep it alive.
    this.timer.unref();
  }

  /** Writes what waits (after `first`); resolves once it, and every flush before it, is on disk. What could not be written keeps waiting. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    // Taken when this flush's turn comes, not now: what a failing flush before it puts back is written by this one,
    // so a flush that resolves has left nothing unwritten.
    const run = this.writing
      .catch(() => undefined)
      .then(() => {
        const taken = this.waiting;
        this.waiting = [];
        return this.reported(taken);
      });
    this.writing = run;
    return run;
  }

  /** Forgets what waits for `dir` (the generation is being removed); resolves once nothing writes there any more. */
  async drop(dir: string): Promise<void> {
    this.waiting = this.waiting.filter((w) => w.dir !== dir);
    await this.writing.catch(() => undefined);
    // A flush that failed meanwhile put its names back.
    this.waiting = this.waiting.filter((w) => w.dir !== dir);
  }

  /** write(), its first failure and its recovery told to `failures`. */
  private async reported(taken: readonly Waiting[]): Promise<void> {
    try {
      await this.write(taken);
    } catch (err) {
      if (!this.failing) this.opts.failures?.failed(err);
      this.failing = true;
      // Whichever flush failed (the timer's, a check's, a start's), what it put back is tried again.
      this.later(this.opts.retryDelayMs ?? RETRY_DELAY_MS);
      throw err;
    }
    if (!this.failing) return;
    this.failing = false;
    this.opts.failures?.recovered();
  }

  private async write(taken: readonly Waiting[]): Promise<void> {
    try {
      await this.first();
    } catch (err) {
      this.waiting = merged([...taken, ...this.waiting]);
      throw err;
    }
    for (const [i, w] of taken.entries()) {
      try {
        await this.writer.write({ dir: w.dir, entries: [...w.names].map((name) => [name, writableText(w.files, name) ?? null]) });
      } catch (err) {
        this.waiting = merged([...taken.slice(i), ...this.waiting]);
        throw err;
      }
    }
  }
}
