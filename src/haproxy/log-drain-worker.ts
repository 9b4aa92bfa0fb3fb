/**
 * The thread that empties haproxy's log pipe into a ring the router's main
 * thread reads (see log-fifo.ts). On its own thread it keeps reading while
 * the main thread is busy with a long commit, during which the pipe alone
 * (1 MiB, a fraction of a second of lines at high rates) would fill and
 * haproxy drop lines.
 */
import { dlopen, FFIType, ptr } from 'bun:ffi';
import { readSync } from 'node:fs';
import { ByteRing } from './byte-ring.ts';
import { STOP, type DrainSetup } from './log-drain.ts';

declare const self: Worker;

/**
 * Bytes waiting in the pipe (FIONREAD), so that an empty pipe is not read:
 * node:fs's readSync throws for its EAGAIN, and an exception per idle tick
 * cost this thread more than all else it does while no line comes.
 */
const libc = dlopen('libc.so.6', { ioctl: { args: [FFIType.i32, FFIType.u64, FFIType.ptr], returns: FFIType.i32 } }).symbols;
const FIONREAD = 0x541b;
const waiting = new Int32Array(1);

/** Reads what the pipe holds into the ring, as much as fits; returns the bytes read. */
function drain(fd: number, ring: ByteRing): number {
  return ring.put((view, offset, length) => {
    // A failed ioctl falls through to the read, which throws its error.
    const count = libc.ioctl(fd, FIONREAD, ptr(waiting)) === 0 ? (waiting[0] as number) : length;
    return count === 0 ? 0 : readSync(fd, view, offset, Math.min(length, count), null);
  });
}

function run(setup: DrainSetup): void {
  const ring = new ByteRing(setup.ring);
  const control = new Int32Array(setup.control);
  let delay = setup.readMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = () => {
    let bytes: number;
    try {
      bytes = drain(setup.fd, ring);
    } catch (err) {
      // Reads stop; the main thread says so in the router's log.
      postMessage({ error: `reading haproxy's log pipe failed: ${(err as Error).message}` });
      return;
    }
    // Back off while idle, so a quiet router costs nothing; the first lines bring the pace back.
    delay = bytes > 0 ? setup.readMs : Math.min(delay * 2, Math.max(setup.readMs, setup.idleMs));
    timer = setTimeout(tick, delay);
  };
  timer = setTimeout(tick, delay);
  self.onmessage = (event: MessageEvent) => {
    if (event.data !== STOP) return;
    clearTimeout(timer);
    try {
      drain(setup.fd, ring);
    } catch {
      // Said already, or the main thread's own read meets it.
    }
    Atomics.store(control, 0, 1);
    Atomics.notify(control, 0);
    self.onmessage = null;
  };
}

self.onmessage = (event: MessageEvent<DrainSetup>) => run(event.data);
