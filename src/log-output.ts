import { writeSync } from 'node:fs';

/** Whole log lines, as text or as bytes. */
export type LogPiece = string | Uint8Array;
/** Takes lines in order; bytes are done with when it returns, so the caller may reuse them. */
export type LogWriter = (piece: LogPiece) => void;

/**
 * Straight to the file descriptor: the stream's machinery costs more than
 * the write. What the descriptor cannot take now (a full non-blocking
 * pipe) goes to the stream, which queues it, and so does what follows
 * until the queue is gone, so that lines never pass each other.
 */
function writeOut(stream: NodeJS.WriteStream & { fd: number }, piece: LogPiece): void {
  if (stream.writableLength > 0) return void stream.write(piece);
  let written = 0;
  try {
    written = typeof piece === 'string' ? writeSync(stream.fd, piece) : writeSync(stream.fd, piece, 0, piece.length);
  } catch {
    // Nothing written (EAGAIN): all of it to the stream.
  }
  const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece;
  // A copy: the caller reuses its bytes, and the stream writes them later.
  if (written < bytes.length) stream.write(Buffer.from(bytes.subarray(written)));
}

/**
 * Text lines written together at the end of the current turn of the event
 * loop, so that a burst costs one write, not one each. Bytes (access-log
 * records, already many lines at once) are written at once, after the
 * text waiting. Whatever is pending is written before the process exits.
 */
export function batchedWriter(stream: NodeJS.WriteStream & { fd: number }): LogWriter {
  let pending = '';
  const flush = () => {
    if (pending === '') return;
    const text = pending;
    pending = '';
    writeOut(stream, text);
  };
  process.on('exit', flush);
  return (piece) => {
    if (typeof piece !== 'string') {
      flush();
      return writeOut(stream, piece);
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
