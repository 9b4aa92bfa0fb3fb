import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.ts';
import type { DefaultCertificateSource } from '../options.ts';
import { generateSelfSignedCertificate } from '../tls/self-signed.ts';
import { validateRouteTls } from '../tls/validate-route-tls.ts';
import type { FileReading } from './operator-file-watcher.ts';

const GENERATED_VALIDITY_DAYS = 730;
const GENERATED_FILE = 'default-generated.pem';

/** The operator's certificate sources, which can change while the router runs. */
export type OperatorCertificateSource = Exclude<DefaultCertificateSource, { kind: 'generate' }>;


async function writePrivate(path: string, pem: string): Promise<void> {
  await writeFile(`${path}.tmp`, pem, { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

function origin(source: OperatorCertificateSource): string {
  switch (source.kind) {
    case 'pem':
      return '--default-certificate';
    case 'file':
      return source.path;
    case 'dir':
      return source.dir;
  }
}

async function readSource(source: OperatorCertificateSource): Promise<{ certificate: string; key: string }> {
  switch (source.kind) {
    case 'pem':
      return { certificate: source.pem, key: '' };
    case 'file':
      return { certificate: await readFile(source.path, 'utf8'), key: '' };
    case 'dir': {
      const keyPath = join(source.dir, 'tls.key');
      return { certificate: await readFile(join(source.dir, 'tls.crt'), 'utf8'), key: existsSync(keyPath) ? await readFile(keyPath, 'utf8') : '' };
    }
  }
}

/**
 * Reads and checks the operator's default certificate: it is loaded into
 * haproxy as it changes, so a half-written or mismatched one must be
 * refused here rather than break the next reload. Returns canonical PEM
 * (key, then the certificate chain); messages never contain key material.
 */
export async function readOperatorCertificate(source: OperatorCertificateSource): Promise<FileReading> {
  let parts: { certificate: string; key: string };
  try {
    parts = await readSource(source);
  } catch (err) {
    return { ok: false, message: `default certificate from ${origin(source)}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}` };
  }
  const checked = validateRouteTls({ termination: 'edge', insecureEdgeTerminationPolicy: '', caCertificate: '', destinationCACertificate: '', ...parts });
  // The checks speak of a route's fields; the operator's certificate has only a key and a certificate.
  if (!checked.ok) return { ok: false, message: `default certificate from ${origin(source)}: ${checked.message.replaceAll('spec.tls.', '')}` };
  return { ok: true, pem: `${checked.tls.key.trim()}\n${checked.tls.certificate.trim()}\n` };
}

/**
 * The default certificate's PEM at start: the operator's, or a self-signed
 * one generated once and kept in `certDir`, so clients that pinned it keep
 * working across restarts; one kept there that no longer reads as a
 * certificate and its key (a torn write), or that expires within
 * RENEW_BEFORE_DAYS, is generated again, rather than keeping haproxy from
 * starting or serving an expired certificate.
 */
/** Days before its end a generated default certificate is replaced at start. */
export const RENEW_BEFORE_DAYS = 30;

/** What is wrong with a generated default certificate as kept, or undefined. */
function generatedProblem(pem: string): string | undefined {
  // Kept as the key, then the certificate.
  const at = pem.indexOf('-----BEGIN CERTIFICATE-----');
  if (at < 0) return 'holds no certificate';
  const checked = validateRouteTls({ termination: 'edge', insecureEdgeTerminationPolicy: '', caCertificate: '', destinationCACertificate: '', certificate: pem.slice(at), key: pem.slice(0, at) });
  if (!checked.ok) return `does not read as a certificate and its key (${checked.message.replaceAll('spec.tls.', '')})`;
  try {
    const end = Date.parse(new X509Certificate(checked.tls.certificate).validTo);
    if (end - Date.now() < RENEW_BEFORE_DAYS * 86_400_000) return `expires on ${new Date(end).toISOString().slice(0, 10)}`;
  } catch {
    return 'does not read as a certificate';
  }
  return undefined;
}

export async function loadDefaultCertificate(source: DefaultCertificateSource, certDir: string, logger: Logger): Promise<string> {
  if (source.kind !== 'generate') {
    const reading = await readOperatorCertificate(source);
    if (!reading.ok) throw new Error(reading.message);
    return reading.pem;
  }
  const path = join(certDir, GENERATED_FILE);
  if (existsSync(path)) {
    const kept = await readFile(path, 'utf8');
    const problem = generatedProblem(kept);
    if (problem === undefined) return kept;
    logger.warn(`the self-signed default certificate ${path} ${problem}: generating a new one`);
  }
  const { certPem, keyPem } = generateSelfSignedCertificate({ commonName: 'router-default', dnsNames: ['router-default'], days: GENERATED_VALIDITY_DAYS });
  const pem = `${keyPem.trim()}\n${certPem.trim()}\n`;
  await writePrivate(path, pem);
  logger.info(`generated a self-signed default certificate (${path}); pass --default-certificate-path to use your own`);
  return pem;
}
