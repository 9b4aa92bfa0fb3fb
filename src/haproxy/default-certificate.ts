import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DefaultCertificateSource } from '../cli/parse-options.ts';
import type { Logger } from '../log.ts';
import { generateSelfSignedCertificate } from '../tls/self-signed.ts';

const GENERATED_VALIDITY_DAYS = 730;

async function writePrivate(path: string, pem: string): Promise<void> {
  await writeFile(`${path}.tmp`, pem.endsWith('\n') ? pem : `${pem}\n`, { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

function requirePem(pem: string, origin: string): void {
  if (!/-----BEGIN CERTIFICATE-----/.test(pem) || !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new Error(`default certificate from ${origin} must contain a PEM certificate and its private key`);
  }
}

/**
 * Puts the default certificate where haproxy loads it and returns that path.
 * Without one from the operator, a self-signed certificate is generated once
 * and kept, so clients that pinned it keep working across restarts.
 */
export async function prepareDefaultCertificate(source: DefaultCertificateSource, certDir: string, logger: Logger): Promise<string> {
  switch (source.kind) {
    case 'file': {
      requirePem(await readFile(source.path, 'utf8'), source.path);
      // haproxy resolves relative paths against the configuration's own directory, not ours.
      return resolve(source.path);
    }
    case 'pem': {
      requirePem(source.pem, '--default-certificate');
      const path = join(certDir, 'default.pem');
      await writePrivate(path, source.pem);
      return path;
    }
    case 'dir': {
      const crt = await readFile(join(source.dir, 'tls.crt'), 'utf8');
      const keyPath = join(source.dir, 'tls.key');
      const key = existsSync(keyPath) ? await readFile(keyPath, 'utf8') : '';
      const pem = `${key.trim()}\n${crt.trim()}\n`;
      requirePem(pem, source.dir);
      const path = join(certDir, 'default.pem');
      await writePrivate(path, pem);
      return path;
    }
    case 'generate': {
      const path = join(certDir, 'default-generated.pem');
      if (existsSync(path)) return path;
      const { certPem, keyPem } = generateSelfSignedCertificate({ commonName: 'router-default', dnsNames: ['router-default'], days: GENERATED_VALIDITY_DAYS });
      await writePrivate(path, `${keyPem.trim()}\n${certPem.trim()}\n`);
      logger.info(`generated a self-signed default certificate (${path}); pass --default-certificate-path to use your own`);
      return path;
    }
  }
}
