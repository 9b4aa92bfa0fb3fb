import { writeSync } from 'node:fs';

/** Whole log lines, as text or as bytes. */
export type LogPiece = string | Uint8Array;
/** Takes lines in order; bytes are done with when it returns, so the caller may reuse them. */
export type LogWriter = (piece: LogPiece) => void;

/**
 * How much output may wait in the stream's queue. A reader that stops (a
 * stalled journal) while access logs keep coming would otherwise grow the
 * router without bound: 2 GB in a minute at 30,000 requests/s.
 */
export const MAX_QUEUED_BYTES = 16 * 1024 * 1024;

/**
 * A stream's output the router queued, counted by the router itself: Bun's
 * stdout keeps `writableLength` at 0 while it queues, so the queue is the
 * bytes handed to `write` whose callbacks have not come back yet. What
 * could not be queued is counted until the queue drains; then `notice`
 * says how much, once.
 */
interface OutState {
  queued: number;
  maxQueued: number;
  droppedLines: number;
  droppedBytes: number;
  notice(lines: number, bytes: number): string;
}

const byteLength = (piece: LogPiece) => (typeof piece === 'string' ? Buffer.byteLength(piece) : piece.length);

/** Hands `chunk` to the stream's queue; once the queue is empty again, says what was dropped meanwhile. */
function enqueue(stream: NodeJS.WriteStream & { fd: number }, state: OutState, chunk: string | Buffer): void {
  const size = byteLength(chunk);
  state.queued += size;
  stream.write(chunk, () => {
    state.queued -= size;
    if (state.queued > 0 || (state.droppedLines === 0 && state.droppedBytes === 0)) return;
    const notice = state.notice(state.droppedLines, state.droppedBytes);
    state.droppedLines = 0;
    state.droppedBytes = 0;
    writeOut(stream, notice, state);
  });
}

/**
 * Straight to the file descriptor: the stream's machinery costs more than
 * the write. What the descriptor cannot take now (a full non-blocking
 * pipe) goes to the stream, which queues it, and so does what follows
 * until the queue is gone, so that lines never pass each other; past
 * `maxQueued` bytes waiting, whole pieces are dropped and counted instead.
 */
function writeOut(stream: NodeJS.WriteStream & { fd: number }, piece: LogPiece, state: OutState): void {
  if (state.queued > 0) {
    const size = byteLength(piece);
    if (state.queued + size > state.maxQueued) {
      state.droppedBytes += size;
      state.droppedLines += countLines(piece);
      return;
    }
    // A copy of bytes: the caller reuses them, and the stream writes them later.
    return enqueue(stream, state, typeof piece === 'string' ? piece : Buffer.from(piece));
  }
  let written = 0;
  try {
    written = typeof piece === 'string' ? writeSync(stream.fd, piece) : writeSync(stream.fd, piece, 0, piece.length);
  } catch {
    // Nothing written (EAGAIN): all of it to the stream.
  }
  const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece;
  // A copy: the caller reuses its bytes, and the stream writes them later.
  if (written < bytes.length) enqueue(stream, state, Buffer.from(bytes.subarray(written)));
}

function countLines(piece: LogPiece): number {
  let n = 0;
  if (typeof piece === 'string') {
    for (let i = piece.indexOf('\n'); i !== -1; i = piece.indexOf('\n', i + 1)) n++;
  } else {
    for (let i = piece.indexOf(10); i !== -1; i = piece.indexOf(10, i + 1)) n++;
  }
  return n;
}

/**
 * Text lines written together at the end of the current turn of the event
 * loop, so that a burst costs one write, not one each. Bytes (access-log
 * records, already many lines at once) are written at once, after the
 * text waiting. Whatever is pending is written before the process exits.
 * What the output did not take (more than `maxQueued` bytes waiting) is
 * dropped, and once it takes output again, `droppedNotice` says how much.
 */
export function batchedWriter(
  stream: NodeJS.WriteStream & { fd: number },
  opts: { maxQueued?: number; droppedNotice?: (lines: number, bytes: number) => string } = {},
): LogWriter {
  const state: OutState = {
    queued: 0,
    maxQueued: opts.maxQueued ?? MAX_QUEUED_BYTES,
    droppedLines: 0,
    droppedBytes: 0,
    notice: opts.droppedNotice ?? ((lines, bytes) => `dropped ${lines} log lines (${bytes} bytes): the output did not take them\n`),
  };
  let pending = '';
  const flush = () => {
    if (pending === '') return;
    const text = pending;
    pending = '';
    writeOut(stream, text, state);
  };
  process.on('exit', flush);
  return (piece) => {
    if (typeof piece !== 'string') {
      flush();
      return writeOut(stream, piece, state);
    }
    if (pending === '') queueMicrotask(flush);
    pending += piece;
  };
}

/** A writer that hands `write` one record at a time (bytes hold many, one a line), as tests read them. */
export function lineWriter(write: (line: string) => void): LogWriter {
  return (piece) => {
    if (typeof piece === 'string') return write(piece);
    for (const line of Buffer.from(piece).toString('utf8').split('\n')) if (line !== '') write(`${line}\n`);
  };
}
