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

  /** `first`: writes the files refer to (certificates), on disk before them. */
  constructor(
    private readonly writer: BatchWriter,
    private readonly first: () => Promise<void> = async () => {},
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
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Kept waiting on failure: the next flush (a check, a new generation, a start) meets the error where a commit handles it.
      this.flush().catch(() => undefined);
    }, FLUSH_DELAY_MS);
    // A router that stops flushes first; the timer must not keep it alive.
    this.timer.unref();
  }

  /** Writes what waits (after `first`); resolves once it, and every flush before it, is on disk. What could not be written keeps waiting. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const taken = this.waiting;
    this.waiting = [];
    const run = this.writing.catch(() => undefined).then(() => this.write(taken));
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
