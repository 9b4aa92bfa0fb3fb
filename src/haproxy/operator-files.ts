import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Logger } from '../log.ts';
import type { OperatorTlsOptions } from '../options.ts';
import { loadDefaultCertificate, readOperatorCertificate } from './default-certificate.ts';
import { readDefaultDestinationCa } from './default-destination-ca.ts';
import { watchOperatorFile } from './operator-file-watcher.ts';

/** The operator's TLS files as they are now; `stop()` ends following them. */
export interface OperatorFiles {
  defaultCertificate(): string;
  defaultDestinationCa(): string | undefined;
  stop(): void;
}

/**
 * Reads the default certificate and the default destination CA, and follows
 * the files they come from (a mounted secret, a rotating service CA):
 * `changed` is called after each checked change, for the next commit to
 * pick it up. upstream silently goes without the default destination CA
 * when its (default) path is missing; a path the operator named must exist.
 */
export async function followOperatorFiles(tls: OperatorTlsOptions, certDir: string, logger: Logger, changed: () => void): Promise<OperatorFiles> {
  let certificate = await loadDefaultCertificate(tls.defaultCertificate, certDir, logger);
  const stops: (() => void)[] = [];
  const source = tls.defaultCertificate;
  if (source.kind === 'file' || source.kind === 'dir') {
    stops.push(
      watchOperatorFile({
        dir: source.kind === 'dir' ? source.dir : dirname(source.path),
        read: () => readOperatorCertificate(source),
        current: certificate,
        what: 'the default certificate',
        logger,
        onChange(pem) {
          logger.info('the default certificate changed; loading it');
          certificate = pem;
          changed();
        },
      }),
    );
  }

  let ca: string | undefined;
  const caPath = resolve(tls.defaultDestinationCaPath);
  if (existsSync(caPath)) {
    const reading = await readDefaultDestinationCa(caPath);
    if (!reading.ok) throw new Error(reading.message);
    ca = reading.pem;
    stops.push(
      watchOperatorFile({
        dir: dirname(caPath),
        read: () => readDefaultDestinationCa(caPath),
        current: ca,
        what: 'the default destination CA',
        logger,
        onChange(pem) {
          logger.info('the default destination CA changed; loading it');
          ca = pem;
          changed();
        },
      }),
    );
  } else if (tls.defaultDestinationCaExplicit) {
    throw new Error(`--default-destination-ca-path: ${caPath} does not exist`);
  }

  return {
    defaultCertificate: () => certificate,
    defaultDestinationCa: () => ca,
    stop: () => {
      for (const stop of stops) stop();
    },
  };
}
