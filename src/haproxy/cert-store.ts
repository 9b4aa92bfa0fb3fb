import { chmod, lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
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


/** Whether `path` is a regular file (not a link) holding exactly `contents`. */
async function holds(path: string, contents: string): Promise<boolean> {
  const found = await lstat(path).catch(() => undefined);
  if (!found?.isFile() || found.size !== Buffer.byteLength(contents)) return false;
  return (await readFile(path, 'utf8')) === contents;
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

  constructor(readonly dir: string) {}

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // mkdir leaves an existing directory's mode alone; keys live here.
    await chmod(this.dir, 0o700);
  }

  /**
   * Writes the files that are not there yet; keys are readable by the owner
   * only. Returns the files refused for something about themselves; throws
   * when the directory or the disk fails.
   */
  async write(files: readonly CertificateFile[]): Promise<UnwrittenFile[]> {
    const unwritten: UnwrittenFile[] = [];
    for (const file of files) {
      const path = join(this.dir, file.name);
      if (this.known.has(file.name) || (await holds(path, file.pem))) {
        this.known.add(file.name);
        continue;
      }
      const tmp = `${path}.tmp`;
      try {
        await writeFile(tmp, file.pem, { mode: 0o600 });
        // rename replaces whatever entry was there, a symlink included, never its target.
        await rename(tmp, path);
        this.known.add(file.name);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (!PER_FILE_ERRORS.has(code)) throw err;
        await rm(tmp, { force: true }).catch(() => {});
        unwritten.push({ name: file.name, code });
      }
    }
    return unwritten;
  }

  /** Removes route certificate files that no kept generation refers to. */
  async prune(keep: ReadonlySet<string>): Promise<void> {
    for (const name of await readdir(this.dir)) {
      if ((name.startsWith('cert-') || name.startsWith('destca-')) && !keep.has(name)) {
        this.known.delete(name);
        await rm(join(this.dir, name), { force: true });
      }
    }
  }
}
