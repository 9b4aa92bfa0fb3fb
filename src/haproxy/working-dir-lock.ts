import { dlopen, FFIType } from 'bun:ffi';
import { closeSync, constants, fstatSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const LOCK_EX = 2;
const LOCK_NB = 4;

let libc: { flock: (fd: number, operation: number) => number } | undefined;

/** flock(2) from the C library: neither Bun nor node:fs offers it. */
function flock(fd: number, operation: number): number {
  libc ??= dlopen('libc.so.6', { flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 } }).symbols;
  return libc.flock(fd, operation);
}

export interface WorkingDirLock {
  readonly path: string;
  /** Lets the next router in; the kernel does the same when this process ends, however it ends. */
  release(): void;
}

/**
 * Claims a working dir for this router, before anything in it changes: a
 * second router there would replace the first one's sockets and config.
 * flock(2) rather than a pid file, because the kernel drops the lock when
 * the process dies (SIGKILL included), so neither a crash nor pid reuse can
 * leave a stale claim; haproxy does not inherit the descriptor (Bun spawns
 * children with only the standard ones), so a haproxy left serving never
 * holds it either. The file holds the owner's pid, for the error message.
 */
export function lockWorkingDir(workingDir: string): WorkingDirLock {
  const path = join(workingDir, 'router.lock');
  // O_NOFOLLOW: a symlink planted as the lock file must not make the router write its pid through it (as root).
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new Error(`${path} is not a regular file; remove it or use another --working-dir`);
  }
  if (flock(fd, LOCK_EX | LOCK_NB) !== 0) {
    const holder = readFileSync(path, 'utf8').trim();
    closeSync(fd);
    throw new Error(
      `working dir ${workingDir} is in use by another router${holder ? ` (pid ${holder})` : ''}; stop it (or hand over with SIGUSR2) or use another --working-dir`,
    );
  }
  ftruncateSync(fd, 0);
  writeSync(fd, `${process.pid}\n`, 0);
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      closeSync(fd);
    },
  };
}
