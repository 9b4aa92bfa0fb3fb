import { describe, expect, test } from 'bun:test';
import { EventEmitter } from 'node:events';
import { batchedWriter } from './log-output.ts';

/**
 * A stream whose reader has stopped: everything handed to it waits, as Bun's stdout queues it (its writableLength
 * stays 0 meanwhile: only the write callbacks tell what was taken), until the test lets the reader take it all.
 */
class StalledStream extends EventEmitter {
  readonly fd = -1;
  readonly writableLength = 0;
  /** What was queued, as the stream holds it (a real one keeps the very bytes it was given). */
  readonly pieces: (string | Uint8Array)[] = [];
  private callbacks: (() => void)[] = [];
  write(piece: string | Uint8Array, callback?: () => void): boolean {
    this.pieces.push(piece);
    if (callback) this.callbacks.push(callback);
    return false;
  }
  get queued(): string[] {
    return this.pieces.map((p) => (typeof p === 'string' ? p : Buffer.from(p).toString('utf8')));
  }
  drain(): void {
    const taken = this.callbacks;
    this.callbacks = [];
    for (const callback of taken) callback();
    this.emit('drain');
  }
}

const stalled = () => new StalledStream();
const asStdout = (s: StalledStream) => s as unknown as NodeJS.WriteStream & { fd: number };

describe('batchedWriter', () => {
  test('past the bound, whole pieces are dropped and counted; once the output drains, one notice says how many', async () => {
    const stream = stalled();
    const write = batchedWriter(asStdout(stream), { maxQueued: 100, droppedNotice: (lines, bytes) => `dropped ${lines} lines, ${bytes} bytes\n` });
    const line = (i: number) => new TextEncoder().encode(`access ${String(i).padStart(3, '0')} ${'x'.repeat(20)}\n`);
    for (let i = 0; i < 10; i++) write(line(i));
    expect(stream.queued).toEqual([0, 1, 2].map((i) => Buffer.from(line(i)).toString('utf8')));
    stream.drain();
    expect(stream.queued.at(-1)).toBe('dropped 7 lines, 224 bytes\n');
    // Counted afresh after the notice.
    write(line(10));
    expect(stream.queued.at(-1)).toBe(Buffer.from(line(10)).toString('utf8'));
  });

  test('bytes queued are a copy: the caller reuses its buffer at once', () => {
    const stream = stalled();
    const write = batchedWriter(asStdout(stream));
    const buffer = new TextEncoder().encode('first line\n');
    write(buffer);
    buffer.set(new TextEncoder().encode('XXXXXXXXXX\n'));
    expect(stream.queued).toEqual(['first line\n']);
  });
});
