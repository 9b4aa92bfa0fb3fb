import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../log.ts';
import { readOperatorCertificate, type OperatorCertificateSource } from './default-certificate.ts';

export interface DefaultCertificateWatch {
  source: OperatorCertificateSource & { kind: 'file' | 'dir' };
  /** The PEM the router serves now: only a different one is reported. */
  current: string;
  /** A new, checked certificate. */
  onChange(pem: string): void;
  logger: Logger;
  /** Writers (and Kubernetes secret volumes) replace files in several steps; a read waits for the last one. */
  debounceMs?: number;
}

/**
 * Follows the operator's default certificate file or directory. The
 * directory is watched, not the files: editors and secret volumes replace
 * files by renaming, which a watch on the file itself would not survive.
 * A certificate that does not read or check is logged (once for as long as
 * it lasts) and the served one stays. Returns a function that stops it.
 */
export function watchDefaultCertificate(opts: DefaultCertificateWatch): () => void {
  const { source, logger } = opts;
  const dir = source.kind === 'dir' ? source.dir : dirname(source.path);
  let current = opts.current;
  let reported: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let reading = Promise.resolve();

  const read = async (): Promise<void> => {
    const result = await readOperatorCertificate(source);
    if (stopped) return;
    if (!result.ok) {
      if (result.message !== reported) logger.error(`${result.message}; still serving the previous default certificate`);
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
      reading = reading.then(read);
    }, opts.debounceMs ?? 100);
  };

  let watcher: FSWatcher;
  try {
    watcher = watch(dir, schedule);
  } catch (err) {
    logger.error(`cannot watch ${dir} for default certificate changes (${(err as Error).message}); it is read at start only`);
    return () => {};
  }
  watcher.on('error', (err) => logger.error(`watching ${dir} for default certificate changes failed: ${err.message}`));
  return () => {
    stopped = true;
    clearTimeout(timer);
    watcher.close();
  };
}
