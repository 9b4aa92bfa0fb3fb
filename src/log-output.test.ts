import { describe, expect, test } from 'bun:test';
import { EventEmitter } from 'node:events';
import { batchedWriter } from './log-output.ts';

/** A stream whose reader has stopped: everything queues (writableLength), until the test drains it. */
class StalledStream extends EventEmitter {
  readonly fd = -1;
  writableLength = 1;
  /** What was queued, as the stream holds it (a real one keeps the very bytes it was given). */
  readonly pieces: (string | Uint8Array)[] = [];
  write(piece: string | Uint8Array): boolean {
    this.pieces.push(piece);
    this.writableLength += typeof piece === 'string' ? Buffer.byteLength(piece) : piece.length;
    return false;
  }
  get queued(): string[] {
    return this.pieces.map((p) => (typeof p === 'string' ? p : Buffer.from(p).toString('utf8')));
  }
  drain(): void {
    this.writableLength = 0;
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
