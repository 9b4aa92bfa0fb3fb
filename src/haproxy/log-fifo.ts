import { dlopen, FFIType, read } from 'bun:ffi';
import { closeSync, constants, lstatSync, openSync, readSync, rmSync } from 'node:fs';
import { LOG_FIFO_IDLE_READ_MS, LOG_FIFO_READ_MS } from './timeouts.ts';

function openLibc() {
  return dlopen('libc.so.6', {
    mkfifo: { args: [FFIType.cstring, FFIType.u32], returns: FFIType.i32 },
    __errno_location: { args: [], returns: FFIType.ptr },
  }).symbols;
}

const READ_SIZE = 1 << 16;

/**
 * haproxy's stdout, its log channel (`log stdout`: access logs), as a named
 * pipe in the run dir, read on a timer rather than as it comes.
 *
 * haproxy writes each log line on its own, as it happens; a stream that
 * wakes the router for each costs it more CPU per line than haproxy spends
 * logging it. Here nothing wakes the router: every few milliseconds it
 * takes what piled up in one read (backing off while nothing comes). The
 * pipe holds 64 KiB, tens of milliseconds of lines at any rate served
 * here; haproxy drops a line it cannot write rather than wait.
 *
 * A named pipe outlives the router: haproxy, left serving by a hand-over or
 * a killed router, keeps writing to it, and the next router on the working
 * dir reads on from it. The router holds a write end too, so the pipe never
 * reads as closed while no haproxy is writing.
 */
export class LogFifo {
  private readonly buffer = Buffer.alloc(READ_SIZE);
  private readonly decoder = new TextDecoder();
  private pending = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  private constructor(
    private readonly readFd: number,
    /** The write end, for haproxy's stdout. */
    readonly writeFd: number,
    private readonly onLine: (line: string) => void,
  ) {}

  /**
   * Opens the pipe at `path`, making it first when there is none (anything
   * else there is replaced); each line read (without its line end, blank
   * lines dropped) goes to `onLine`.
   */
  static open(path: string, onLine: (line: string) => void): LogFifo {
    let isFifo = false;
    try {
      isFifo = lstatSync(path).isFIFO();
    } catch {
      // Absent: made below.
    }
    if (!isFifo) {
      rmSync(path, { force: true, recursive: true });
      const libc = openLibc();
      if (libc.mkfifo(Buffer.from(`${path}\0`), 0o600) !== 0) throw new Error(`cannot make the log pipe ${path} (errno ${read.i32(libc.__errno_location()!)})`);
    }
    // The read end first, non-blocking: opening the write end then neither blocks nor fails.
    const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    return new LogFifo(readFd, openSync(path, constants.O_WRONLY), onLine);
  }

  /** Reads from now until close(). */
  start(): void {
    let delay = LOG_FIFO_READ_MS;
    const tick = () => {
      const bytes = this.drain();
      // Back off while idle, so a quiet router costs nothing; the first lines bring the pace back.
      delay = bytes > 0 ? LOG_FIFO_READ_MS : Math.min(delay * 2, LOG_FIFO_IDLE_READ_MS);
      if (!this.closed) this.timer = setTimeout(tick, delay).unref();
    };
    this.timer = setTimeout(tick, delay).unref();
  }

  /** Reads what is there now; returns the bytes read. */
  private drain(): number {
    let total = 0;
    for (;;) {
      let read = 0;
      try {
        read = readSync(this.readFd, this.buffer, 0, READ_SIZE, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') break;
        throw err;
      }
      if (read <= 0) break;
      total += read;
      this.pending += this.decoder.decode(this.buffer.subarray(0, read), { stream: true });
      const lines = this.pending.split('\n');
      this.pending = lines.pop() ?? '';
      for (const line of lines) {
        const text = line.trimEnd();
        if (text !== '') this.onLine(text);
      }
      if (read < READ_SIZE) break;
    }
    return total;
  }

  /** Takes the lines still in the pipe and closes both ends (the pipe stays, for the next router). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.drain();
    closeSync(this.readFd);
    closeSync(this.writeFd);
  }
}
