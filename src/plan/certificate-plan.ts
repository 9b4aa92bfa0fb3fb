import { certificatePath, DEFAULT_CERTIFICATE_FILE } from '../config/certificates.ts';
import type { ConfigModel, CrtListEntry } from '../config/model.ts';
import { fitsCliBuffer } from './cli-requests.ts';
import { setSslCertRequest } from './cli-requests.ts';
import type { CertificateCommand } from './commands.ts';
import { CRT_LIST_FILE } from '../config/crt-list.ts';
import type { ReloadReason, ReloadReasonCode } from './reload-reasons.ts';

/** What it takes to move the TLS frontend's certificates from one model to the next. */
export interface CertificatePlan {
  commands: CertificateCommand[];
  /** Non-empty when the runtime API cannot do it. */
  reasons: ReloadReason[];
}

/** crt-list entries by certificate file, or undefined when a file is on several lines. */
function byCertFile(entries: readonly CrtListEntry[]): Map<string, CrtListEntry> | undefined {
  const files = new Map<string, CrtListEntry>();
  for (const e of entries) {
    if (files.has(e.certFile)) return undefined;
    files.set(e.certFile, e);
  }
  return files;
}

function addCommands(entry: CrtListEntry, pem: string): CertificateCommand[] {
  const certFile = entry.certFile;
  return [
    { kind: 'new-ssl-cert', certFile },
    { kind: 'set-ssl-cert', certFile, pem },
    { kind: 'commit-ssl-cert', certFile },
    { kind: 'add-crt-list', crtList: CRT_LIST_FILE, entry },
  ];
}

/**
 * Diffs the crt-list by certificate file. Certificate files are named by
 * route and content (config/certificates.ts), so a new, rotated or removed
 * certificate is a file that appears or disappears: a line is added for each
 * new file, then the lines of the files that left are deleted. A rotation
 * thus adds the new certificate for the SNI before deleting the old one,
 * and haproxy swaps a crt-list line under a lock handshakes also take, so
 * every handshake gets the old certificate or the new one, never the
 * default (checked against haproxy 2.6 by the certificate contract).
 * The default certificate, when it changed, is replaced first.
 * Assumes `settings` are equal (otherwise the caller reloads anyway).
 */
export function planCertificates(applied: ConfigModel, next: ConfigModel): CertificatePlan {
  const reasons: ReloadReason[] = [];
  const reason = (code: ReloadReasonCode) => reasons.push({ code, backend: undefined });

  const before = byCertFile(applied.crtList);
  const after = byCertFile(next.crtList);
  if (!before || !after) {
    reason('crt-list-line-changed');
    return { commands: [], reasons };
  }

  const pems = new Map(next.certificates.map((c) => [certificatePath(next.settings.certDir, c), c.pem]));
  const linesPerSni = new Map<string, number>();
  for (const e of next.crtList) linesPerSni.set(e.sni, (linesPerSni.get(e.sni) ?? 0) + 1);

  const adds: CertificateCommand[] = [];
  const removals: CertificateCommand[] = [];
  for (const [file, entry] of after) {
    const old = before.get(file);
    if (old) {
      if (!Bun.deepEquals(old, entry)) reason('crt-list-line-changed');
      continue;
    }
    const pem = pems.get(file);
    if (pem === undefined) throw new Error(`config model: crt-list file ${file} is not among the model's certificates`);
    if ((linesPerSni.get(entry.sni) ?? 0) > 1) reason('crt-list-sni-shared');
    if (!fitsCliBuffer(setSslCertRequest(file, pem), next.settings.bufSize)) reason('certificate-too-large');
    adds.push(...addCommands(entry, pem));
  }
  for (const file of before.keys()) {
    if (after.has(file)) continue;
    if (file.includes(':')) reason('crt-list-line-undeletable');
    removals.push({ kind: 'del-crt-list', crtList: CRT_LIST_FILE, certFile: file }, { kind: 'del-ssl-cert', certFile: file });
  }

  const rotation = defaultCertificateRotation(applied, next);
  if (rotation === 'too-large') reason('certificate-too-large');
  if (reasons.length > 0) return { commands: [], reasons };
  return { commands: [...(rotation === 'too-large' ? [] : rotation), ...adds, ...removals], reasons };
}

/**
 * A new default certificate replaces the old one in place, under the same
 * name: both TLS frontends load it by that name, and haproxy swaps it for
 * every handshake that starts after the commit.
 */
function defaultCertificateRotation(applied: ConfigModel, next: ConfigModel): CertificateCommand[] | 'too-large' {
  const pem = next.defaultCertificate;
  if (pem === applied.defaultCertificate) return [];
  const certFile = DEFAULT_CERTIFICATE_FILE;
  if (!fitsCliBuffer(setSslCertRequest(certFile, pem), next.settings.bufSize)) return 'too-large';
  return [
    { kind: 'set-ssl-cert', certFile, pem },
    { kind: 'commit-ssl-cert', certFile },
  ];
}
