import { watch, type FSWatcher } from 'node:fs';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';

/** A file's checked contents, or why they are refused. */
export type FileReading = { ok: true; pem: string } | { ok: false; message: string };

export interface OperatorFileWatch {
  /** The directory that holds the file(s). */
  dir: string;
  /** Reads and checks the file(s); its messages name them. */
  read(): Promise<FileReading>;
  /** What the router uses now: only a different reading is reported. */
  current: string;
  /** New, checked contents. */
  onChange(pem: string): void;
  /** What the file is, for log lines ("the default certificate"). */
  what: string;
  logger: Logger;
  /** Writers (and Kubernetes secret volumes) replace files in several steps; a read waits for the last one. */
  debounceMs?: number;
}

/**
 * Follows a file the operator provides (the default certificate, the default
 * destination CA) while the router runs. The directory is watched, not the
 * file: editors and secret volumes replace files by renaming, which a watch
 * on the file itself would not survive. Contents that do not read or check
 * are logged (once for as long as they last) and the current ones stay.
 * Returns a function that stops it.
 */
export function watchOperatorFile(opts: OperatorFileWatch): () => void {
  const { logger } = opts;
  let current = opts.current;
  let reported: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let reading = Promise.resolve();

  const read = async (): Promise<void> => {
    const result = await opts.read();
    if (stopped) return;
    if (!result.ok) {
      if (result.message !== reported) logger.error(`${result.message}; keeping ${opts.what} in use`);
      reported = result.message;
      return;
    }
    reported = undefined;
    if (result.pem === current) return;
    current = result.pem;
    opts.onChange(result.pem);
  };
  const schedule = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      // One failed read must not end the chain: later changes still get read.
      reading = reading.then(read).catch((err: unknown) => logger.error(`reading ${opts.what} failed: ${errorMessage(err)}`));
    }, opts.debounceMs ?? 100);
  };

  let watcher: FSWatcher;
  try {
    watcher = watch(opts.dir, schedule);
  } catch (err) {
    logger.error(`cannot watch ${opts.dir} for changes to ${opts.what} (${errorMessage(err)}); it is read at start only`);
    return () => {};
  }
  watcher.on('error', (err) => logger.error(`watching ${opts.dir} for changes to ${opts.what} failed: ${err.message}`));
  // The caller read the file before the watch began: a change in between is caught by this first read.
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
    watcher.close();
  };
}
