import { describe, expect, test } from 'bun:test';
import type { BatchWriter, WriteBatch } from './file-writer.ts';
import { PendingWrites } from './pending-writes.ts';

/** A writer whose writes end when the test says (ok, or failed). */
function heldWriter() {
  const writes: { batch: WriteBatch; end: (error?: string) => void }[] = [];
  let waiters: { n: number; resolve: () => void }[] = [];
  const writer: BatchWriter = {
    write: (batch) =>
      new Promise((resolve, reject) => {
        writes.push({ batch, end: (error) => (error === undefined ? resolve() : reject(new Error(error))) });
        for (const w of waiters) if (writes.length >= w.n) w.resolve();
        waiters = waiters.filter((w) => writes.length < w.n);
      }),
  };
  const started = (n: number) => (writes.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })));
  return { writer, writes, started };
}

const set = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('PendingWrites', () => {
  test('a burst writes each file it touched once, from the last text; a name gone from the set is removed', async () => {
    const { writer, writes, started } = heldWriter();
    const w = new PendingWrites(writer);
    w.add('/g/1', ['a', 'b'], set({ a: 'a1', b: 'b1' }));
    w.add('/g/1', ['a', 'c'], set({ a: 'a2', b: 'b1' }));
    const flushed = w.flush();
    await started(1);
    writes[0]?.end();
    await flushed;
    expect(writes.map((x) => x.batch)).toEqual([{ dir: '/g/1', entries: [['a', 'a2'], ['b', 'b1'], ['c', null]] }]);
  });

  test('one flush after the other: a flush resolves once the ones before it are written, and writes the texts of its own time', async () => {
    const { writer, writes, started } = heldWriter();
    const w = new PendingWrites(writer);
    w.add('/g/1', ['a'], set({ a: 'a1' }));
    const first = w.flush();
    await started(1);
    w.add('/g/1', ['a'], set({ a: 'a2' }));
    let secondDone = false;
    const second = w.flush().then(() => (secondDone = true));
    await Bun.sleep(0);
    // The second waits for the first's write to end before it starts its own.
    expect(writes).toHaveLength(1);
    writes[0]?.end();
    await first;
    await started(2);
    expect(secondDone).toBe(false);
    writes[1]?.end();
    await second;
    expect(writes.map((x) => x.batch.entries)).toEqual([[['a', 'a1']], [['a', 'a2']]]);
  });

  test('what could not be written waits again, behind nothing newer: the next flush writes it with the latest texts', async () => {
    const { writer, writes, started } = heldWriter();
    const w = new PendingWrites(writer);
    w.add('/g/1', ['a', 'b'], set({ a: 'a1', b: 'b1' }));
    const failed = w.flush();
    await started(1);
    w.add('/g/1', ['b'], set({ a: 'a1', b: 'b2' }));
    writes[0]?.end('ENOSPC: no space left on device');
    await expect(failed).rejects.toThrow('ENOSPC');
    const next = w.flush();
    await started(2);
    writes[1]?.end();
    await next;
    expect(writes[1]?.batch).toEqual({ dir: '/g/1', entries: [['a', 'a1'], ['b', 'b2']] });
  });

  test('a write nothing waited for that fails is reported once, tried again until it works, and its recovery reported', async () => {
    const { writer, writes, started } = heldWriter();
    const told: string[] = [];
    const w = new PendingWrites(writer, undefined, {
      failures: { failed: (err) => told.push(`failed: ${(err as Error).message}`), recovered: () => told.push('recovered') },
      flushDelayMs: 1,
      retryDelayMs: 1,
    });
    w.add('/g/1', ['a'], set({ a: 'a1' }));
    await started(1);
    writes[0]?.end('ENOSPC: no space left on device');
    await started(2);
    writes[1]?.end('ENOSPC: no space left on device');
    await started(3);
    expect(told).toEqual(['failed: ENOSPC: no space left on device']);
    writes[2]?.end();
    await w.flush();
    expect(told).toEqual(['failed: ENOSPC: no space left on device', 'recovered']);
    expect(writes.map((x) => x.batch)).toEqual([0, 1, 2].map(() => ({ dir: '/g/1', entries: [['a', 'a1']] })));
  });

  test('a flush waiting behind one that fails writes what that one put back: it resolves only with nothing left unwritten', async () => {
    const { writer, writes, started } = heldWriter();
    const w = new PendingWrites(writer, undefined, { retryDelayMs: 60_000 });
    w.add('/g/1', ['a'], set({ a: 'a1' }));
    const failing = w.flush();
    await started(1);
    let secondDone = false;
    const second = w.flush().then(() => (secondDone = true));
    writes[0]?.end('ENOSPC: no space left on device');
    await expect(failing).rejects.toThrow('ENOSPC');
    await started(2);
    expect(secondDone).toBe(false);
    expect(writes[1]?.batch).toEqual({ dir: '/g/1', entries: [['a', 'a1']] });
    writes[1]?.end();
    await second;
  });

  test('a flush a check or a start asked for that fails arms the retries too', async () => {
    const { writer, writes, started } = heldWriter();
    const w = new PendingWrites(writer, undefined, { flushDelayMs: 60_000, retryDelayMs: 1 });
    w.add('/g/1', ['a'], set({ a: 'a1' }));
    const asked = w.flush();
    await started(1);
    writes[0]?.end('EROFS: read-only file system');
    await expect(asked).rejects.toThrow('EROFS');
    await started(2);
    writes[1]?.end();
    await w.flush();
    expect(writes.map((x) => x.batch.entries)).toEqual([[['a', 'a1']], [['a', 'a1']]]);
  });

  test('a dropped directory: what waits for it is forgotten, and drop resolves once a write under way there has ended', async () => {
    const { writer, writes, started } = heldWriter();
    const w = new PendingWrites(writer);
    w.add('/g/1', ['a'], set({ a: 'a1' }));
    const flushed = w.flush().catch(() => undefined);
    await started(1);
    w.add('/g/1', ['b'], set({ b: 'b1' }));
    w.add('/g/2', ['c'], set({ c: 'c1' }));
    let dropped = false;
    const drop = w.drop('/g/1').then(() => (dropped = true));
    await Bun.sleep(0);
    expect(dropped).toBe(false);
    // Failed: its names would wait again, but the directory is gone.
    writes[0]?.end('ENOENT');
    await flushed;
    await drop;
    const rest = w.flush();
    await started(2);
    writes[1]?.end();
    await rest;
    expect(writes.map((x) => x.batch)).toEqual([
      { dir: '/g/1', entries: [['a', 'a1']] },
      { dir: '/g/2', entries: [['c', 'c1']] },
    ]);
  });

  test('what the files name (`first`) is written before them; while it fails, the files wait, to be written with it', async () => {
    const { writer, writes, started } = heldWriter();
    const order: string[] = [];
    let failing = true;
    const w = new PendingWrites(writer, async () => {
      order.push('first');
      if (failing) throw new Error('ENOSPC');
    });
    w.add('/g/1', ['a'], set({ a: 'a1' }));
    await expect(w.flush()).rejects.toThrow('ENOSPC');
    expect(writes).toHaveLength(0);
    failing = false;
    const flushed = w.flush();
    await started(1);
    order.push('files');
    writes[0]?.end();
    await flushed;
    expect(order).toEqual(['first', 'first', 'files']);
    expect(writes[0]?.batch).toEqual({ dir: '/g/1', entries: [['a', 'a1']] });
  });
});
