import { lstatSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertificateFile } from '../config/model.ts';
import type { UnwrittenFile } from '../plan/quarantine.ts';

/**
 * Errors that concern one file's name or contents, not the directory or the
 * disk: the route that file belongs to is kept out, and everyone else's
 * files are still written. Anything else (a full disk, a read-only file
 * system, permissions) fails the whole write, to be retried.
 */
const PER_FILE_ERRORS = new Set(['ENAMETOOLONG', 'EINVAL', 'EILSEQ', 'EISDIR', 'ENOTDIR']);

/**
 * Up to this many files, a write goes through the thread pool: a change's
 * own certificate or two, whose creation and rename can each block for
 * tens of milliseconds while the file system's journal commits, which on
 * the event loop held up every other change. More (a start's thousands)
 * are written in one go on the calling thread (write).
 */
const OFF_THREAD_MAX_FILES = 16;


/** Whether `path` is a regular file (not a link) holding exactly `contents`. */
function holds(path: string, contents: string): boolean {
  try {
    const found = lstatSync(path);
    return found.isFile() && found.size === Buffer.byteLength(contents) && readFileSync(path, 'utf8') === contents;
  } catch {
    // Absent, or a name the file system refuses: writing it says which.
    return false;
  }
}

/** A temporary file a failed write may have left; nothing to report when there is none, or it cannot be named. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Nothing was written under a name the file system refuses.
  }
}

/**
 * Route certificates and destination CAs on disk. Files are named by content
 * (see config/certificates.ts), so writing is idempotent and a file the
 * running haproxy uses is never rewritten; old files are pruned once no
 * generation that might be loaded refers to them.
 */
export class CertStore {
  /**
   * Files this process wrote, or found in place with the right contents: a
   * file left by an earlier run (or planted) under a name that should hold
   * other contents is never served on the strength of its name alone.
   */
  private readonly known = new Set<string>();
  /** Files given to `later`, by name, until they are on disk. */
  private readonly pending = new Map<string, CertificateFile>();
  /** The background writes under way, chained: each starts once the one before it has ended. */
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly dir: string) {}

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // mkdir leaves an existing directory's mode alone; keys live here.
    await chmod(this.dir, 0o700);
  }

  /**
   * Writes the files that are not there yet; keys are readable by the owner
   * only. Returns the files refused for something about themselves; throws
   * when the directory or the disk fails. Many files synchronously: a
   * first start writes thousands of them before haproxy can start, and
   * asynchronous calls per file (each a trip through the thread pool and
   * back) cost about twice the CPU of the calls alone. A few (a change's)
   * off the event loop (OFF_THREAD_MAX_FILES). Files written later (later)
   * are on disk first.
   */
  async write(files: readonly CertificateFile[]): Promise<UnwrittenFile[]> {
    await this.flush();
    const unwritten: UnwrittenFile[] = [];
    const offThread = files.length <= OFF_THREAD_MAX_FILES;
    for (const file of files) {
      const refused = await this.writeOne(file, offThread);
      if (refused) unwritten.push(refused);
    }
    return unwritten;
  }

  /**
   * Writes `files` in the background, for a change haproxy takes over its
   * runtime API (it gets the certificate's text there, not from the file):
   * the change need not wait for the file system, whose journal can hold a
   * file's creation for tens of milliseconds. Whatever reads the files (a
   * check, a load, a start) flushes first. A file refused for something
   * about itself is left out here; the check of the files that name it
   * fails, and the full commit that follows (write) reports it.
   */
  later(files: readonly CertificateFile[]): void {
    for (const file of files) if (!this.known.has(file.name)) this.pending.set(file.name, file);
    // A failure is met by the next flush, where a commit handles it.
    if (this.pending.size > 0) this.flush().catch(() => undefined);
  }

  /** Resolves once every file given to `later` is on disk (or refused); rejects while the disk fails, keeping them to retry. */
  flush(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    const run = this.writing.catch(() => undefined).then(() => this.writePending());
    this.writing = run;
    return run;
  }

  private async writePending(): Promise<void> {
    for (const file of [...this.pending.values()]) {
      // Written by an earlier flush meanwhile, or pruned.
      if (this.pending.get(file.name) !== file) continue;
      await this.writeOne(file, true);
      this.pending.delete(file.name);
    }
  }

  /** Writes one file unless it is there; the refusal when the file system refuses the file itself. */
  private async writeOne(file: CertificateFile, offThread: boolean): Promise<UnwrittenFile | undefined> {
    const path = join(this.dir, file.name);
    if (this.known.has(file.name) || holds(path, file.pem)) {
      this.known.add(file.name);
      return undefined;
    }
    const tmp = `${path}.tmp`;
    try {
      // rename replaces whatever entry was there, a symlink included, never its target.
      if (offThread) {
        await writeFile(tmp, file.pem, { mode: 0o600 });
        await rename(tmp, path);
      } else {
        writeFileSync(tmp, file.pem, { mode: 0o600 });
        renameSync(tmp, path);
      }
      this.known.add(file.name);
      return undefined;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (!PER_FILE_ERRORS.has(code)) throw err;
      removeQuietly(tmp);
      return { name: file.name, code };
    }
  }

  /** Removes route certificate files that no kept generation refers to. */
  async prune(keep: ReadonlySet<string>): Promise<void> {
    for (const name of this.pending.keys()) if (!keep.has(name)) this.pending.delete(name);
    // A write under way ends first: its temporary file is not in `keep` either.
    await this.writing.catch(() => undefined);
    for (const name of readdirSync(this.dir)) {
      const writing = name.endsWith('.tmp') && this.pending.has(name.slice(0, -'.tmp'.length));
      if ((name.startsWith('cert-') || name.startsWith('destca-')) && !keep.has(name) && !writing) {
        this.known.delete(name);
        rmSync(join(this.dir, name), { force: true });
      }
    }
  }
}
