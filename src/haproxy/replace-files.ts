import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceFile } from './replace-file.ts';

/** Generations hold every route's hosts, paths and backends: the router's user writes them, its group may read them. Keys are the owner's alone. */
const GENERATION_FILE_MODE = 0o640;
const KEY_FILE_MODE = 0o600;
export const fileMode = (name: string) => (name.endsWith('.pem') ? KEY_FILE_MODE : GENERATION_FILE_MODE);

/** A file's new contents (text, or bytes), by its name in a directory; null removes it. */
export type FileEntry = readonly [name: string, contents: string | Uint8Array | null];

/** Replaces (or removes) files of `dir` one by one, each through a temporary name, so a file linked into another generation stays as it was there. */
export function replaceFiles(dir: string, entries: Iterable<FileEntry>): void {
  for (const [name, contents] of entries) {
    const path = join(dir, name);
    if (contents === null) {
      rmSync(path, { force: true });
      continue;
    }
    const tmp = join(dir, `.${name}.tmp`);
    writeFileSync(tmp, contents, { mode: fileMode(name) });
    replaceFile(tmp, path);
  }
}
