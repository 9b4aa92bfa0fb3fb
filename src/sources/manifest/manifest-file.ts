/**
 * One manifest file as the source last read it. A rescan reads a file again
 * only when its signature (device, inode, size, mtime, ctime) changed, and
 * parses it again only when its bytes did too. A signature taken less than
 * SETTLED_NS after the file's last change is not trusted: a write later in
 * the same timestamp tick (or within a coarse file system's resolution)
 * would leave it as it was, so such a file is read and hashed once more.
 *
 * What a file defines does not go because the file is not whole: a file
 * that cannot be read or parsed keeps the objects it last defined; one with
 * objects that do not convert serves those that do and keeps the last
 * version of those that do not; and a file rewritten in place (`cmd >
 * file`, which empties it before the command writes a byte) that now
 * defines fewer objects keeps the missing ones until it has been left alone
 * for REMOVAL_SETTLE_NS. A file replaced by a rename (an atomic write, a
 * ConfigMap's swap) or deleted counts at once. What no check can tell is an
 * object cut short where it still parses (a Route read up to `tls:`): only
 * an atomic write rules that out.
 */
import { statSync, type BigIntStats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { errorMessage } from '../../errors.ts';
import { losesObjects, withKept, type DomainObject } from './definitions.ts';
import { classify, parseManifestFile, type Classified, type ExtraKinds, type FailedObject, type ManifestObjects } from './parse-manifests.ts';

export interface Problem {
  level: 'error' | 'warn' | 'debug';
  message: string;
}

export interface FileSignature {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export interface FileRecord {
  /** Undefined after a failed read, so that the next scan reads the file again. */
  signature: FileSignature | undefined;
  /** The wall clock (ns) just before the signature was taken. */
  checkedAtNs: bigint;
  /** Of the bytes last read: a rewrite with the same bytes changes nothing. */
  hash: bigint | undefined;
  /** What the file last defined successfully, kept while it is broken; undefined while it never was valid. */
  objects: ManifestObjects | undefined;
  /** Its problems as of the last read, which stay current (logged once) until it changes. */
  problems: readonly Problem[];
  /** Set while objects it no longer defines are kept because it changed in place just now: when to read it again. */
  settlesAtNs?: bigint;
}

/** Above any file system's timestamp resolution (FAT: 2 s). */
export const SETTLED_NS = 2_000_000_000n;

/** How long a file rewritten in place must be left alone before the objects it dropped go (a slow writer's pause). */
export const REMOVAL_SETTLE_NS = 5_000_000_000n;

/** Past this a file is not read: Bun's parser holds about 7 bytes per byte of YAML, in the router's only thread. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** Whether a file whose signature is now `now` certainly holds what `previous` read. */
export function unchangedSince(previous: FileRecord | undefined, now: FileSignature): boolean {
  const s = previous?.signature;
  if (!previous || !s) return false;
  const same = s.dev === now.dev && s.ino === now.ino && s.size === now.size && s.mtimeNs === now.mtimeNs && s.ctimeNs === now.ctimeNs;
  // ctime, unlike mtime, cannot be set by tools that preserve timestamps (cp -p, tar, rsync -t).
  return same && s.ctimeNs + SETTLED_NS < previous.checkedAtNs;
}

function signatureOf(st: BigIntStats): FileSignature {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
}

const nowNs = () => BigInt(Date.now()) * 1_000_000n;

/**
 * The record of the manifest at `path` (following symlinks, as mounted
 * ConfigMaps present their files): `previous` itself when the file is
 * unchanged, a record with `previous`'s objects when it is broken or
 * unreadable, or undefined when it is gone or not a regular file.
 */
export async function readManifestFile(
  path: string,
  previous: FileRecord | undefined,
  defaultNamespace: string,
  extra: ExtraKinds = {},
  removalSettleNs = REMOVAL_SETTLE_NS,
): Promise<FileRecord | undefined> {
  const checkedAtNs = nowNs();
  let signature: FileSignature;
  let text: string;
  try {
    // Synchronous: a rescan stats every file, and a local stat takes microseconds where a trip
    // through the thread pool takes tens (60 ms against 5 for 1,000 files).
    const st = statSync(path, { bigint: true });
    if (!st.isFile()) return undefined;
    signature = signatureOf(st);
    // A file keeping objects it dropped is read again whatever its signature: the wait may be over.
    if (previous?.settlesAtNs === undefined && unchangedSince(previous, signature)) return previous;
    if (st.size > BigInt(MAX_FILE_BYTES)) {
      return broken(previous, signature, checkedAtNs, undefined, [`${path}: ${st.size} bytes, over the ${MAX_FILE_BYTES / 1048576} MiB a manifest file may have: not read`], []);
    }
    text = await readFile(path, 'utf8');
  } catch (e) {
    // Deleted since the listing (or a dangling link): the file is gone.
    if (isNotFound(e)) return undefined;
    return broken(previous, undefined, checkedAtNs, undefined, [`cannot read ${path}: ${errorMessage(e)}`], []);
  }
  const hash = BigInt(Bun.hash(text));
  if (previous && previous.hash === hash) return { ...previous, signature, checkedAtNs };
  let classified: Classified;
  try {
    const parsed = parseManifestFile(path, text);
    if (!parsed.ok) return broken(previous, signature, checkedAtNs, hash, [parsed.error], []);
    classified = classify(path, parsed.objects, defaultNamespace, extra);
  } catch (e) {
    // Whatever a file holds (nesting deep enough to exhaust the stack, say), it is that file's problem alone.
    return broken(previous, signature, checkedAtNs, hash, [`${path}: cannot be read as manifests: ${errorMessage(e)}`], []);
  }
  const { warnings, errors, failed } = classified;
  const held = previous?.objects;
  const problems: Problem[] = warnings.map((message) => ({ level: 'warn', message }));
  // An object that does not convert keeps its last version (none while the file never converted it); one that names
  // no one could be any of those the file last defined, so those stay too.
  const objects = errors.length > 0 && held ? withKept(held, classified.objects, (o) => failed.some((f) => f === undefined || sameObject(o, f))) : classified.objects;
  for (const message of errors) problems.push({ level: 'error', message: `${message} (${held ? 'keeping what the file last defined for it; its other objects are served' : 'its other objects are served'})` });
  // A change time ahead of the clock (a clock stepped back, a file server's) counts as now.
  const changedAtNs = signature.ctimeNs < checkedAtNs ? signature.ctimeNs : checkedAtNs;
  const settlesAtNs = held && inPlace(previous.signature, signature) ? changedAtNs + removalSettleNs : undefined;
  if (held && settlesAtNs !== undefined && settlesAtNs > checkedAtNs && losesObjects(held, objects)) {
    // Read again (hash unset) once the file has been left alone long enough, or at its next change.
    const wait = `${Number(removalSettleNs / 1_000_000n) / 1000} s`;
    problems.push({ level: 'debug', message: `${path} changed in place and no longer defines some objects: they stay until it has been left alone for ${wait}` });
    return { signature, checkedAtNs, hash: undefined, objects: withKept(held, objects), problems, settlesAtNs };
  }
  return { signature, checkedAtNs, hash, objects, problems };
}

/** Whether `object` is the one that failed: by name and namespace, or a record of it (Endpoints: `<name>/<i>`). */
function sameObject(object: DomainObject, failed: FailedObject): boolean {
  if ('namespace' in object && object.namespace !== failed.namespace) return false;
  return object.name === failed.name || object.name.startsWith(`${failed.name}/`);
}

/** The same file as before, changed where it is (no new inode: no rename over it). */
function inPlace(before: FileSignature | undefined, now: FileSignature): boolean {
  return before === undefined || (before.dev === now.dev && before.ino === now.ino);
}

/** A file that cannot be used as it is: it keeps defining what it last defined. */
function broken(
  previous: FileRecord | undefined,
  signature: FileSignature | undefined,
  checkedAtNs: bigint,
  hash: bigint | undefined,
  errors: readonly string[],
  warnings: readonly string[],
): FileRecord {
  const kept = previous?.objects !== undefined;
  return {
    signature,
    checkedAtNs,
    hash,
    objects: previous?.objects,
    problems: [
      ...warnings.map((message) => ({ level: 'warn' as const, message })),
      ...errors.map((message) => ({ level: 'error' as const, message: `${message} (${kept ? 'keeping the objects it last defined' : 'nothing from it is served'})` })),
    ],
  };
}

export function isNotFound(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && (e.code === 'ENOENT' || e.code === 'ENOTDIR');
}
