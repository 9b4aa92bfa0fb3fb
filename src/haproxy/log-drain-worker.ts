/**
 * The thread that empties haproxy's log pipe into a ring the router's main
 * thread reads (see log-fifo.ts). On its own thread it keeps reading while
 * the main thread is busy with a long commit, during which the pipe alone
 * (1 MiB, a fraction of a second of lines at high rates) would fill and
 * haproxy drop lines.
 */
import { dlopen, FFIType, ptr, read } from 'bun:ffi';
import { ByteRing } from './byte-ring.ts';
import { STOP, type DrainSetup } from './log-drain.ts';

declare const self: Worker;

/**
 * read(2) itself: an empty pipe answers EAGAIN, which node:fs's readSync
 * throws, and an exception per idle tick cost this thread more than all
 * else it does while no line comes.
 */
const libc = dlopen('libc.so.6', {
  read: { args: [FFIType.i32, FFIType.ptr, FFIType.u64], returns: FFIType.i64 },
  __errno_location: { args: [], returns: FFIType.ptr },
}).symbols;
const EINTR = 4;
const EAGAIN = 11;

/** Reads what the pipe holds into the ring, as much as fits; returns the bytes read. */
function drain(fd: number, ring: ByteRing): number {
  return ring.put((view, offset, length) => {
    const count = Number(libc.read(fd, ptr(view, offset), length));
    if (count >= 0) return count;
    const errno = read.i32(libc.__errno_location()!);
    if (errno === EAGAIN || errno === EINTR) return 0;
    // The main thread logs it (the worker's error event); reads stop.
    throw new Error(`reading haproxy's log pipe failed (errno ${errno})`);
  });
}

function run(setup: DrainSetup): void {
  const ring = new ByteRing(setup.ring);
  const control = new Int32Array(setup.control);
  let delay = setup.readMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = () => {
    // Back off while idle, so a quiet router costs nothing; the first lines bring the pace back.
    delay = drain(setup.fd, ring) > 0 ? setup.readMs : Math.min(delay * 2, Math.max(setup.readMs, setup.idleMs));
    timer = setTimeout(tick, delay);
  };
  timer = setTimeout(tick, delay);
  self.onmessage = (event: MessageEvent) => {
    if (event.data !== STOP) return;
    clearTimeout(timer);
    drain(setup.fd, ring);
    Atomics.store(control, 0, 1);
    Atomics.notify(control, 0);
    self.onmessage = null;
  };
}

self.onmessage = (event: MessageEvent<DrainSetup>) => run(event.data);
