import { errorMessage } from '../errors.ts';
import { chmod, mkdir, stat } from 'node:fs/promises';

/**
 * The working directory and run/ hold the configuration (every route's
 * hosts, paths and backends) and the admin sockets: only the router's user
 * and its group may enter them.
 */
export const PRIVATE_DIR_MODE = 0o750;

/** Set to one bit by /tmp-like directories that many users share. */
const STICKY = 0o1000;

/** Creates `dir` if needed and refuses what cannot be the router's own: not a directory, or shared (sticky, like /tmp). */
async function checkDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const found = await stat(dir);
  if (!found.isDirectory()) throw new Error(`${dir} is not a directory; pick another --working-dir`);
  if (found.mode & STICKY) throw new Error(`${dir} is a shared directory (sticky bit, like /tmp); give the router a directory of its own with --working-dir`);
}

/** Before the working dir is locked: nothing is created in a directory that could never be the router's (no lock file in /tmp). */
export async function checkWorkingDir(workingDir: string): Promise<void> {
  await checkDir(workingDir);
}

/**
 * Creates the working directory and run/, and sets their mode at every
 * start: mkdir leaves an existing directory's mode alone, so whatever a
 * previous install or an operator left (0777 included) is corrected here.
 * A shared directory (sticky bit, like /tmp) is refused rather than made
 * private under its other users.
 */
export async function prepareWorkingDir(dirs: { workingDir: string; run: string }): Promise<void> {
  for (const dir of [dirs.workingDir, dirs.run]) {
    await checkDir(dir);
    try {
      await chmod(dir, PRIVATE_DIR_MODE);
    } catch (err) {
      throw new Error(`cannot make ${dir} private (mode 0750): ${errorMessage(err)}; it must belong to the user the router runs as`);
    }
  }
}
