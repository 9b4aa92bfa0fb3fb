import { basename, join } from 'node:path';
import type { DesiredChange, DesiredIndex } from './desired-index.ts';
import type { RunningIndex, RunningPatch } from './running-index.ts';
import { compareCrtListEntries } from '../config/build-model.ts';
import { certificatePath } from '../config/certificates.ts';
import { crtListLine } from '../config/crt-list.ts';
import { lineIn, type RunningCrtList } from './certificate-plan.ts';
import type { CrtLineNumbers } from './crt-line-numbers.ts';
import type { BackendModel, CertificateFile, CrtListEntry } from '../config/model.ts';
import type { ConfigSettings } from '../config/settings.ts';
import { compareText } from '../domain/compare.ts';

/* What a change does to the crt-list and the certificate files, for the incremental planner. */

/** The crt-list lines of the SNIs the change touched, as they run and as they should. */
export function crtChanges(running: RunningIndex, desired: DesiredIndex, change: DesiredChange): { before: CrtListEntry[]; after: CrtListEntry[] } {
  const snis = [...change.snis].sort(compareText);
  const before = snis.flatMap((sni) => running.crtLines(sni));
  const after = snis.flatMap((sni) => desired.crtLines(sni));
  after.sort(compareCrtListEntries);
  return { before, after };
}

/**
 * The entries of `lines` that `others` does not have, in linear time: a
 * wildcard certificate's SNIs can be thousands. An entry whose route
 * changed counts as another, so the running model names the route a full
 * build names (the line's text, and so haproxy's, stays the same).
 */
export function crtNotIn(lines: readonly CrtListEntry[], others: readonly CrtListEntry[]): CrtListEntry[] {
  const identity = (e: CrtListEntry) => `${crtListLine(e)}\u0000${e.routeKey ?? ''}`;
  const kept = new Set(others.map(identity));
  return lines.filter((e) => !kept.has(identity(e)));
}

/** The running crt-list as the incremental planner sees it: lines per file from the index, numbers looked up only when a line leaves. */
export function indexedCrtList(running: RunningIndex, numbers: () => CrtLineNumbers): RunningCrtList {
  let known: CrtLineNumbers | undefined;
  return {
    linesOf: (certFile) => running.crtLinesOf(certFile),
    lineOf: (entry) => lineIn((known ??= numbers()), entry),
  };
}

/** The certificate files the new crt-list lines name. */
export function crtCertificates(lines: readonly CrtListEntry[], desired: DesiredIndex, settings: ConfigSettings): CertificateFile[] {
  const files: CertificateFile[] = [];
  for (const e of lines) {
    const name = basename(e.certFile);
    const file = desired.certificate(name);
    if (file && certificatePath(settings.certDir, file) === e.certFile) files.push(file);
  }
  return files;
}

/**
 * The running model's certificate files after the change, as
 * certificatesInUse keeps them: every file an admitted route refers to,
 * the CAs backends still on the worker verify by, and the files its
 * crt-list lines name. Only files the changed routes and backends name,
 * and those of the lines that go live (`lines.added`), can come or go.
 */
export function certificateChanges(
  running: RunningIndex,
  desired: DesiredIndex,
  routes: DesiredChange['routes'],
  fits: readonly { before: BackendModel; after: BackendModel }[],
  settings: ConfigSettings,
  lines: { added: readonly CrtListEntry[]; removed: readonly CrtListEntry[] },
): Pick<RunningPatch, 'certificatesAdded' | 'certificatesRemoved'> {
  const names = new Set<string>();
  for (const c of routes.values()) for (const f of [...(c.before?.certificates ?? []), ...(c.after?.certificates ?? [])]) names.add(f.name);
  // A line that goes live for a route the change does not name (a held-back line sent once its reload no longer
  // needs it) names a file the worker's files must have too.
  for (const e of lines.added) names.add(basename(e.certFile));
  const lineDelta = new Map<string, number>();
  for (const [entries, sign] of [[lines.added, 1], [lines.removed, -1]] as const) for (const e of entries) lineDelta.set(e.certFile, (lineDelta.get(e.certFile) ?? 0) + sign);
  const caDelta = new Map<string, number>();
  const countCa = (b: BackendModel, sign: 1 | -1) => {
    if (b.serverTls?.verify !== 'required') return;
    caDelta.set(b.serverTls.caFile, (caDelta.get(b.serverTls.caFile) ?? 0) + sign);
    names.add(basename(b.serverTls.caFile));
  };
  for (const f of fits) {
    countCa(f.before, -1);
    countCa(f.after, +1);
  }
  const certificatesAdded: CertificateFile[] = [];
  const certificatesRemoved: string[] = [];
  for (const name of [...names].sort(compareText)) {
    const file = desired.certificate(name);
    const has = running.hasCertificate(name);
    const path = join(settings.certDir, name);
    // A file the worker's crt-list still names stays, wanted or not: a held-back line keeps it until its reload.
    const wanted = file !== undefined || (has && (running.caUse(path) + (caDelta.get(path) ?? 0) > 0 || running.crtLinesOf(path) + (lineDelta.get(path) ?? 0) > 0));
    if (file && !has) certificatesAdded.push(file);
    else if (!wanted && has) certificatesRemoved.push(name);
  }
  return { certificatesAdded, certificatesRemoved };
}
