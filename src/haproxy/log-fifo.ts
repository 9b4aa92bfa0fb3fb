import { dlopen, FFIType, read } from 'bun:ffi';
import { closeSync, constants, lstatSync, openSync, readSync, rmSync } from 'node:fs';
import { ByteRing } from './byte-ring.ts';
import { drainWorkerUrl, STOP, type DrainFailure, type DrainSetup } from './log-drain.ts';
import { LOG_FIFO_DRAIN_STOP_MS, LOG_FIFO_IDLE_READ_MS, LOG_FIFO_READ_MS, LOG_FIFO_SMALL_READ_MS } from './timeouts.ts';

function openLibc() {
  return dlopen('libc.so.6', {
    mkfifo: { args: [FFIType.cstring, FFIType.u32], returns: FFIType.i32 },
    fcntl: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    __errno_location: { args: [], returns: FFIType.ptr },
  }).symbols;
}

const F_SETPIPE_SZ = 1031;
/** What an unprivileged process may ask for (/proc/sys/fs/pipe-max-size): seconds of lines at any rate served here. */
const PIPE_SIZE = 1 << 20;

/** A tick's worth of lines at the rates served here in one read (a read that fills it is followed by another). */
const READ_SIZE = 1 << 18;
/**
 * What the reading thread holds while the main thread is busy: at 25,000
 * lines a second, 1.3 s of them (with the pipe's 1 MiB, 1.5 s); at 2,500,
 * ten times that. Its memory is touched as it is used, and stays.
 */
const RING_SIZE = 8 << 20;
const NEWLINE = 0x0a;

/**
 * haproxy's stdout, its log channel (`log stdout`: access logs), as a named
 * pipe in the run dir, read on a timer rather than as it comes.
 *
 * haproxy writes each log line on its own, as it happens; a stream that
 * wakes the router for each costs it more CPU per line than haproxy spends
 * logging it. Here nothing wakes the router: every few tens of
 * milliseconds it takes what piled up in one read (backing off while
 * nothing comes). The pipe is grown to 1 MiB (with the default 64 KiB,
 * where the system refuses, it is read more often); haproxy drops a line it
 * cannot write rather than wait. A thread of its own
 * (log-drain-worker.ts) empties the pipe into a ring the main thread
 * takes lines from: a commit that keeps the main thread busy for seconds
 * (a reload's at 10,000 routes) would otherwise let the pipe fill within
 * a fraction of a second at high rates, and haproxy drop the lines of
 * every request served meanwhile.
 *
 * A named pipe outlives the router: haproxy, left serving by a hand-over or
 * a killed router, keeps writing to it, and the next router on the working
 * dir reads on from it. The router holds a write end too, so the pipe never
 * reads as closed while no haproxy is writing.
 */
export class LogFifo {
  /**
   * Where the lines taken from the ring land, reused: a new buffer per read
   * cost more in the allocator and in page faults (memory given back and
   * touched again) than the lines in it. Its first `kept` bytes are a line
   * the last take did not finish, kept as bytes (a take may end inside a
   * UTF-8 sequence); it grows only for a line longer than itself.
   */
  private buffer = Buffer.alloc(READ_SIZE);
  private kept = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private worker: Worker | undefined;
  private readonly ring: ByteRing;
  /** Int32 [stopped], shared with the reading thread. */
  private readonly control = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  private closed = false;

  private constructor(
    private readonly readFd: number,
    /** The write end, for haproxy's stdout. */
    readonly writeFd: number,
    private readonly onLines: (lines: Buffer) => void,
    /** How often to read while lines come: the pipe must not fill up in between. */
    private readonly readMs: number,
    ringSize: number,
    private readonly onError: ((message: string) => void) | undefined,
  ) {
    this.ring = ByteRing.create(ringSize);
  }

  /**
   * Opens the pipe at `path`, making it first when there is none (anything
   * else there is replaced). What is read goes to `onLines` as bytes, whole
   * lines only (separated and ended by line feeds), without copying: they
   * must be used before it returns; `onError` hears of a failure of the
   * reading thread, after which nothing more is read. `ringSize` is for tests.
   */
  static open(path: string, onLines: (lines: Buffer) => void, options: { onError?: (message: string) => void; ringSize?: number } = {}): LogFifo {
    const libc = openLibc();
    let isFifo = false;
    try {
      isFifo = lstatSync(path).isFIFO();
    } catch {
      // Absent: made below.
    }
    if (!isFifo) {
      rmSync(path, { force: true, recursive: true });
      if (libc.mkfifo(Buffer.from(`${path}\0`), 0o600) !== 0) throw new Error(`cannot make the log pipe ${path} (errno ${read.i32(libc.__errno_location()!)})`);
    }
    // The read end first, non-blocking: opening the write end then neither blocks nor fails.
    const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const large = libc.fcntl(readFd, F_SETPIPE_SZ, PIPE_SIZE) >= PIPE_SIZE;
    return new LogFifo(readFd, openSync(path, constants.O_WRONLY), onLines, large ? LOG_FIFO_READ_MS : LOG_FIFO_SMALL_READ_MS, options.ringSize ?? RING_SIZE, options.onError);
  }

  /** Reads from now until close(). */
  start(): void {
    const worker = new Worker(drainWorkerUrl());
    // A thread that only waits on timers must not keep the router alive.
    worker.unref();
    worker.onmessage = (event: MessageEvent<DrainFailure>) => this.onError?.(event.data.error);
    worker.onerror = (event) => this.onError?.(`the log pipe's reading thread failed: ${event.message.split('\n')[0]}`);
    const setup: DrainSetup = { fd: this.readFd, ring: this.ring.shared, control: this.control.buffer as SharedArrayBuffer, readMs: this.readMs, idleMs: LOG_FIFO_IDLE_READ_MS };
    worker.postMessage(setup);
    this.worker = worker;
    let delay = this.readMs;
    const tick = () => {
      const bytes = this.takeFromRing();
      delay = bytes > 0 ? this.readMs : Math.min(delay * 2, Math.max(this.readMs, LOG_FIFO_IDLE_READ_MS));
      if (!this.closed) this.timer = setTimeout(tick, delay).unref();
    };
    this.timer = setTimeout(tick, delay).unref();
  }

  /** Takes what the reading thread put in the ring; returns the bytes taken. */
  private takeFromRing(): number {
    return this.fill((target, offset, length) => this.ring.take(target, offset, length));
  }

  /** Reads what is in the pipe now, on this thread (once the reading thread has stopped); returns the bytes read. */
  private readPipe(): number {
    return this.fill((target, offset, length) => {
      try {
        return readSync(this.readFd, target, offset, length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return 0;
        throw err;
      }
    });
  }

  /** Fills the buffer from `source` and hands on its lines until `source` gives less than asked. */
  private fill(source: (target: Buffer, offset: number, length: number) => number): number {
    let total = 0;
    for (;;) {
      if (this.kept === this.buffer.length) this.grow();
      const room = this.buffer.length - this.kept;
      const read = source(this.buffer, this.kept, room);
      if (read <= 0) break;
      total += read;
      this.take(this.kept + read);
      if (read < room) break;
    }
    return total;
  }

  private grow(): void {
    const bigger = Buffer.alloc(this.buffer.length * 2);
    this.buffer.copy(bigger, 0, 0, this.kept);
    this.buffer = bigger;
  }

  /** Hands on the complete lines of the first `filled` bytes (a line feed never falls inside a UTF-8 sequence), keeping the rest at the start. */
  private take(filled: number): void {
    const end = this.buffer.lastIndexOf(NEWLINE, filled - 1) + 1;
    if (end === 0) {
      this.kept = filled;
      return;
    }
    this.onLines(this.buffer.subarray(0, end));
    this.buffer.copyWithin(0, end, filled);
    this.kept = filled - end;
  }

  /** Takes the lines still in the ring and the pipe and closes both ends (the pipe stays, for the next router). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.stopWorker();
    this.takeFromRing();
    this.readPipe();
    closeSync(this.readFd);
    closeSync(this.writeFd);
  }

  /** Has the reading thread read for the last time, and waits (briefly) until it has, so this thread reads after it. */
  private stopWorker(): void {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    worker.postMessage(STOP);
    Atomics.wait(this.control, 0, 0, LOG_FIFO_DRAIN_STOP_MS);
    worker.terminate();
  }
}
