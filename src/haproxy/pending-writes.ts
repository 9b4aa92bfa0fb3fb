import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RenderedFiles } from '../config/render.ts';
import { replaceFile } from './replace-file.ts';

/**
 * How long a change's files may wait before they are written, at most.
 * Nothing reads them meanwhile (the worker took the change through the
 * runtime API): a check, a new generation or haproxy's start writes them
 * first (PendingWrites.flush). At 100,000 routes a map file is about 5 MB
 * and every add rewrote two or three of them.
 */
export const FLUSH_DELAY_MS = 1000;

/** Generations hold every route's hosts, paths and backends: the router's user writes them, its group may read them. Keys are the owner's alone. */
const GENERATION_FILE_MODE = 0o640;
const KEY_FILE_MODE = 0o600;
export const fileMode = (name: string) => (name.endsWith('.pem') ? KEY_FILE_MODE : GENERATION_FILE_MODE);

/** Replaces (or removes) files of `dir` one by one, each through a temporary name, so a file linked into another generation stays as it was there. */
export function replaceFiles(dir: string, names: Iterable<string>, files: RenderedFiles): void {
  for (const name of names) {
    const path = join(dir, name);
    const text = files.get(name);
    if (text === undefined) {
      rmSync(path, { force: true });
      continue;
    }
    const tmp = join(dir, `.${name}.tmp`);
    writeFileSync(tmp, text, { mode: fileMode(name) });
    replaceFile(tmp, path);
  }
}

/**
 * In-place writes into one generation's directory, held back: a burst of
 * changes writes each file it touches once, and from its last text. Each
 * file is still replaced whole, so the directory always holds a set of
 * files haproxy accepted (every one as some earlier change left it).
 */
export class PendingWrites {
  private pending: { dir: string; names: Set<string>; files: RenderedFiles } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `names` of `dir` are to hold their texts in `files` (the latest set: it answers for every name still waiting). */
  add(dir: string, names: readonly string[], files: RenderedFiles): void {
    if (this.pending && this.pending.dir !== dir) this.flush();
    this.pending ??= { dir, names: new Set(), files };
    this.pending.files = files;
    for (const name of names) this.pending.names.add(name);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.flush();
      } catch {
        // Kept waiting: the next flush (a check, a new generation, a start) meets the error where a commit handles it.
      }
    }, FLUSH_DELAY_MS);
    // A router that stops flushes first; the timer must not keep it alive.
    this.timer.unref();
  }

  /** Writes what waits, now; what could not be written keeps waiting. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const pending = this.pending;
    if (!pending) return;
    replaceFiles(pending.dir, pending.names, pending.files);
    this.pending = undefined;
  }

  /** Forgets what waits for `dir` (the generation is removed). */
  drop(dir: string): void {
    if (this.pending?.dir !== dir) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }
}
