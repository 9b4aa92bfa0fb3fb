import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertificateFile } from '../config/model.ts';

/**
 * Route certificates and destination CAs on disk. Files are named by content
 * (see config/certificates.ts), so writing is idempotent and a file the
 * running haproxy uses is never rewritten; old files are pruned once no
 * generation that might be loaded refers to them.
 */
export class CertStore {
  constructor(readonly dir: string) {}

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // mkdir leaves an existing directory's mode alone; keys live here.
    await chmod(this.dir, 0o700);
  }

  /** Writes the files that are not there yet; keys are readable by the owner only. */
  async write(files: readonly CertificateFile[]): Promise<void> {
    for (const file of files) {
      const path = join(this.dir, file.name);
      if (existsSync(path)) continue;
      const tmp = `${path}.tmp`;
      await writeFile(tmp, file.pem, { mode: 0o600 });
      await rename(tmp, path);
    }
  }

  /** Removes route certificate files that no kept generation refers to. */
  async prune(keep: ReadonlySet<string>): Promise<void> {
    for (const name of await readdir(this.dir)) {
      if ((name.startsWith('cert-') || name.startsWith('destca-')) && !keep.has(name)) {
        await rm(join(this.dir, name), { force: true });
      }
    }
  }
}
