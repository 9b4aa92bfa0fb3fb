import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cachedTlsValidator } from '../admission/tls-cache.ts';
import { validateRouteTls } from '../tls/validate-route-tls.ts';
import { DEFAULT_CERTIFICATE_FILE } from '../config/certificates.ts';
import { createRenderer, type RenderedFiles } from '../config/render.ts';
import { CertStore } from '../haproxy/cert-store.ts';
import { readOpenFileLimit } from '../haproxy/fd-limit.ts';
import { followOperatorFiles } from '../haproxy/operator-files.ts';
import { loadRendererAssets } from '../haproxy/renderer-assets.ts';
import { writeTicketKeys } from '../haproxy/ticket-keys.ts';
import type { Logger } from '../log.ts';
import type { RouterOptions } from '../options.ts';
import { desiredConfig, type DesiredConfig } from '../plan/desired-config.ts';
import { settingsFromOptions } from '../router-settings.ts';
import { workingPaths } from '../working-paths.ts';
import type { Collected } from './collect.ts';

export interface Rendered {
  desired: DesiredConfig;
  files: RenderedFiles;
  configPath: string;
}

/**
 * Computes the configuration the router would serve from what the sources
 * hold, with the same admission, model and template, and writes it into
 * `outDir` as haproxy would load it: haproxy.config, maps and default
 * certificate beside it, route certificates and TLS ticket keys in
 * `outDir/certs` (the paths haproxy.config names). Nothing is written
 * anywhere else; `outDir` must be empty or absent.
 */
export async function renderOnce(options: RouterOptions, collected: Collected, outDir: string, logger: Logger): Promise<Rendered> {
  await mkdir(outDir, { recursive: true, mode: 0o750 });
  if ((await readdir(outDir)).length > 0) throw new Error(`${outDir} is not empty: render writes into an empty or new directory`);
  const paths = workingPaths(outDir);
  const certs = new CertStore(paths.certDir);
  await certs.init();
  const settings = settingsFromOptions(options, paths, { ticketKeysPath: await writeTicketKeys(paths.certDir) });
  const operatorFiles = await followOperatorFiles(options.operatorTls, paths.certDir, logger, () => {});
  operatorFiles.stop();
  const desired = desiredConfig({
    routes: collected.routes,
    held: new Map(),
    slices: collected.slices,
    admission: options.admission,
    validateTls: options.extendedValidation ? cachedTlsValidator(validateRouteTls).validate : undefined,
    settings,
    fdLimit: readOpenFileLimit(),
    allowAddress: collected.allowAddress,
    includeUdpEndpoints: options.includeUdpEndpoints,
    defaultCertificate: operatorFiles.defaultCertificate(),
    defaultDestinationCa: operatorFiles.defaultDestinationCa(),
  });
  const files = createRenderer(await loadRendererAssets(options))(desired.model);
  const unwritten = await certs.write(desired.model.certificates);
  if (unwritten.length > 0) throw new Error(`could not write ${unwritten.map((f) => `${f.name} (${f.code})`).join(', ')}`);
  for (const [name, text] of files) {
    const path = join(outDir, name);
    await mkdir(dirname(path), { recursive: true, mode: 0o750 });
    await writeFile(path, text, { mode: 0o640 });
    // The default certificate holds its key.
    if (name === DEFAULT_CERTIFICATE_FILE) await chmod(path, 0o600);
  }
  return { desired, files, configPath: join(outDir, 'haproxy.config') };
}
