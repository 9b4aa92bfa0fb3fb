import { dlopen, FFIType, read } from 'bun:ffi';
import { renameSync, rmSync } from 'node:fs';
import { constants } from 'node:os';

const AT_FDCWD = -100;
const RENAME_EXCHANGE = 2;

function openLibc() {
  return dlopen('libc.so.6', {
    renameat2: { args: [FFIType.i32, FFIType.cstring, FFIType.i32, FFIType.cstring, FFIType.u32], returns: FFIType.i32 },
    __errno_location: { args: [], returns: FFIType.ptr },
  }).symbols;
}

/** libc's renameat2, or null where there is none (an older glibc): plain renames then. */
let libc: ReturnType<typeof openLibc> | null | undefined;

function exchangeCall(): ReturnType<typeof openLibc> | null {
  if (libc === undefined) {
    try {
      libc = openLibc();
    } catch {
      libc = null;
    }
  }
  return libc;
}

const cString = (path: string) => Buffer.from(`${path}\0`);

/**
 * Puts the file at `from` in place of the one at `to`, atomically: `to`
 * names the old file or the new one at every moment, never nothing.
 *
 * Not with rename(2) when `to` exists: on ext4 (auto_da_alloc, on by
 * default) renaming a freshly written file over another starts writing its
 * data out to the disk before the call returns, so an application that
 * forgot fsync does not lose both files in a crash. That took 1 to 3 ms of
 * the event loop per file on the hosts measured, most of an endpoint
 * change's time (BENCHMARKS.md). The files here are rewritten again from
 * the model after a crash, so that write-out buys nothing. renameat2 with
 * RENAME_EXCHANGE swaps the two names just as atomically without it, and
 * the old file, now at `from`, is removed. Where the system cannot
 * exchange (no such call, a filesystem without it) or `to` does not exist,
 * a plain rename.
 */
export function replaceFile(from: string, to: string): void {
  const call = exchangeCall();
  if (call) {
    if (call.renameat2(AT_FDCWD, cString(from), AT_FDCWD, cString(to), RENAME_EXCHANGE) === 0) {
      rmSync(from, { force: true });
      return;
    }
    if (read.i32(call.__errno_location()!) === constants.errno.ENOSYS) libc = null;
  }
  // Nothing at `to` yet, or no exchange on this filesystem; any other failure, rename reports with its own error.
  renameSync(from, to);
}
