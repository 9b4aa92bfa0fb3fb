import { certificatePath, DEFAULT_CERTIFICATE_FILE } from '../config/certificates.ts';
import type { ConfigModel, CrtListEntry } from '../config/model.ts';
import { fitsCliBuffer } from './cli-requests.ts';
import { setSslCertRequest } from './cli-requests.ts';
import type { CertificateCommand } from './commands.ts';
import { CRT_LIST_FILE, crtListLine } from '../config/crt-list.ts';
import type { CrtLineNumbers } from './crt-line-numbers.ts';
import type { ReloadReason, ReloadReasonCode } from './reload-reasons.ts';

/** What it takes to move the TLS frontend's certificates from one model to the next. */
export interface CertificatePlan {
  commands: CertificateCommand[];
  /** Non-empty when the runtime API cannot do it. */
  reasons: ReloadReason[];
}

/** What the certificate planner needs to know of the running crt-list beyond the lines it diffs. */
export interface RunningCrtList {
  /** How many lines of the whole running crt-list name a certificate file. */
  linesOf(certFile: string): number;
  /** The running line holding an entry: the number haproxy gave it and every entry on it (crt-line-numbers.ts). */
  lineOf(entry: CrtListEntry): RunningLine | undefined;
}

export interface RunningLine {
  number: number;
  entries: readonly CrtListEntry[];
}

/** The running crt-list of `applied` as a whole, numbered by `numbers`. */
export function runningCrtList(applied: ConfigModel, numbers: CrtLineNumbers): RunningCrtList {
  // Counted when first asked: a plan that changes no line (most reloads' decisions) asks nothing.
  let lines: Map<string, number> | undefined;
  const count = () => {
    const counts = new Map<string, number>();
    for (const e of applied.crtList) counts.set(e.certFile, (counts.get(e.certFile) ?? 0) + 1);
    return counts;
  };
  return { linesOf: (certFile) => (lines ??= count()).get(certFile) ?? 0, lineOf: (entry) => lineIn(numbers, entry) };
}

/** The line of `numbers` holding `entry`. */
export function lineIn(numbers: CrtLineNumbers, entry: CrtListEntry): RunningLine | undefined {
  const number = numbers.lineOf(entry);
  return number === undefined ? undefined : { number, entries: numbers.members(number) ?? [entry] };
}

function addCommands(entry: CrtListEntry, pem: string): CertificateCommand[] {
  const certFile = entry.certFile;
  return [
    { kind: 'new-ssl-cert', certFile },
    { kind: 'set-ssl-cert', certFile, pem },
    { kind: 'commit-ssl-cert', certFile },
  ];
}

/**
 * Diffs the crt-list line by line. Certificate files are named by content
 * (config/certificates.ts) and shared by every line that serves the same
 * certificate: a file is created when its first line arrives and deleted
 * when its last line leaves, and each line is added or deleted on its own
 * (by its number, see crt-line-numbers.ts), so a route's new certificate
 * or options change its line only. New lines go in before the lines they
 * replace leave: a rotation adds the new certificate for the SNI before
 * deleting the old one, and haproxy swaps a crt-list line under a lock
 * handshakes also take, so every handshake gets the old certificate or the
 * new one, never the default (checked against haproxy 2.6 by the
 * certificate contract). Only lines without options are deleted live: a
 * line with `[alpn ...]` goes by a reload (reload-reasons.ts,
 * 'crt-list-line-options'). The default certificate, when it changed, is
 * replaced first. `applied.crtList` and `next.crtList` may be the lines of
 * some SNIs only (the incremental planner's), with `running` telling about
 * the rest. Assumes `settings` are equal (otherwise the caller reloads anyway).
 */
export function planCertificates(applied: ConfigModel, next: ConfigModel, running: RunningCrtList): CertificatePlan {
  const reasons: ReloadReason[] = [];
  // Named after the line's route, so that the reload is charged to the namespace whose change forced it.
  const reason = (code: ReloadReasonCode, entry?: CrtListEntry) =>
    reasons.push(entry?.routeKey === undefined ? { code, backend: undefined } : { code, backend: undefined, route: entry.routeKey });
  // The same list: no line changed since the worker loaded it or took the last change (at 100,000 routes some 40,000 entries a side).
  const lines = applied.crtList === next.crtList ? { adds: [], removals: [] } : planLines(applied, next, running, reason);
  const rotation = defaultCertificateRotation(applied, next);
  if (rotation === 'too-large') reason('certificate-too-large');
  if (reasons.length > 0) return { commands: [], reasons };
  return { commands: [...(rotation === 'too-large' ? [] : rotation), ...lines.adds, ...lines.removals], reasons };
}

/** The commands that take the worker's crt-list lines from `applied`'s to `next`'s, with `reason` told why any cannot go live. */
function planLines(
  applied: ConfigModel,
  next: ConfigModel,
  running: RunningCrtList,
  reason: (code: ReloadReasonCode, entry?: CrtListEntry) => void,
): { adds: CertificateCommand[]; removals: CertificateCommand[] } {
  // Each entry's line made once: at 100,000 routes the lists hold some 40,000 entries each.
  const beforeLines = applied.crtList.map(crtListLine);
  const afterLines = next.crtList.map(crtListLine);
  const before = new Set(beforeLines);
  const after = new Set(afterLines);
  const pems = new Map(next.certificates.map((c) => [certificatePath(next.settings.certDir, c), c.pem]));
  const linesPerSni = new Map<string, number>();
  for (const e of next.crtList) linesPerSni.set(e.sni, (linesPerSni.get(e.sni) ?? 0) + 1);
  const uses = new Map<string, number>();
  const usesOf = (certFile: string) => uses.get(certFile) ?? running.linesOf(certFile);

  const adds: CertificateCommand[] = [];
  const added: CrtListEntry[] = [];
  for (const [i, entry] of next.crtList.entries()) {
    if (before.has(afterLines[i] as string)) continue;
    added.push(entry);
    const file = entry.certFile;
    if ((linesPerSni.get(entry.sni) ?? 0) > 1) reason('crt-list-sni-shared', entry);
    if (usesOf(file) === 0) {
      const pem = pems.get(file);
      if (pem === undefined) throw new Error(`config model: crt-list file ${file} is not among the model's certificates`);
      if (!fitsCliBuffer(setSslCertRequest(file, pem), next.settings.bufSize)) reason('certificate-too-large', entry);
      adds.push(...addCommands(entry, pem));
    }
    adds.push({ kind: 'add-crt-list', crtList: CRT_LIST_FILE, entries: [entry] });
    uses.set(file, usesOf(file) + 1);
  }
  const removals: CertificateCommand[] = [];
  const left = new Set<string>();
  const leaving = new Set(beforeLines.filter((line) => !after.has(line)));
  const deleted = new Set<number>();
  for (const [i, entry] of applied.crtList.entries()) {
    if (after.has(beforeLines[i] as string)) continue;
    const line = running.lineOf(entry);
    if (entry.certFile.includes(':') || line === undefined) {
      reason('crt-list-line-undeletable', entry);
      continue;
    }
    if (entry.alpn) {
      // A line that lost h2 because another host now serves its certificate file: charged to the routes that came with
      // that host (another namespace's, perhaps), not to the route whose line it is, which changed nothing.
      const flipped = added.some((e) => e.sni === entry.sni && e.certFile === entry.certFile && !e.alpn);
      const newcomers = flipped ? added.filter((e) => e.certFile === entry.certFile && e.sni !== entry.sni) : [];
      for (const culprit of newcomers.length > 0 ? newcomers : [entry]) reason('crt-list-line-options', culprit);
      continue;
    }
    uses.set(entry.certFile, usesOf(entry.certFile) - 1);
    left.add(entry.certFile);
    if (deleted.has(line.number)) continue;
    deleted.add(line.number);
    // A line goes whole: the entries on it that stay get a line of their own first.
    const staying = line.entries.filter((e) => !leaving.has(crtListLine(e)));
    if (staying.length > 0) removals.push({ kind: 'add-crt-list', crtList: CRT_LIST_FILE, entries: staying });
    removals.push({ kind: 'del-crt-list', crtList: CRT_LIST_FILE, entry, line: line.number });
  }
  for (const certFile of left) if (usesOf(certFile) === 0) removals.push({ kind: 'del-ssl-cert', certFile });
  return { adds, removals };
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
