import { heapStats } from 'bun:jsc';
import { afterEach, describe, expect, test } from 'bun:test';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loopTurnsDuring } from '../../test/support/loop-turns.ts';
import { shortTempDir } from '../../test/support/workdir.ts';
import { inlineWriter, ThreadWriter, type BatchWriter, type WriteBatch } from './file-writer.ts';

let dir: ReturnType<typeof shortTempDir> | undefined;
afterEach(() => dir?.remove());

const thread = new ThreadWriter();

/** Event-loop turns the calling thread took while `writer` wrote `batch`. */
const turnsWhileWriting = (writer: BatchWriter, batch: WriteBatch) => loopTurnsDuring(() => writer.write(batch));

describe('ThreadWriter memory', () => {
  test('a large batch does not leave its buffer behind for the life of the writer', async () => {
    dir = shortTempDir('writer');
    const writer = new ThreadWriter();
    const outside = () => {
      Bun.gc(true);
      return heapStats().extraMemorySize;
    };
    await writer.write({ dir: dir.path, entries: [['a.map', 'small\n']] });
    const before = outside();
    // 10 MB of text: a buffer of 30 MB (3 bytes per UTF-16 unit at most).
    await writer.write({ dir: dir.path, entries: [['big.cfg', 'backend b\n'.repeat(1_000_000)]] });
    await writer.write({ dir: dir.path, entries: [['a.map', 'small again\n']] });
    expect(outside() - before).toBeLessThan(8_000_000);
    expect(readFileSync(join(dir.path, 'a.map'), 'utf8')).toBe('small again\n');
    writer.close();
  });
});

describe.each([
  ['inline', inlineWriter],
  ['ThreadWriter', thread],
] as [string, BatchWriter][])('%s', (_, writer) => {
  test('replaces and removes files, keys readable by the owner alone, no temporary file left; later batches win', async () => {
    dir = shortTempDir('writer');
    writeFileSync(join(dir.path, 'gone.map'), 'x\n');
    await Promise.all([
      writer.write({ dir: dir.path, entries: [['be-00.cfg', 'backend a\n'], ['k.pem', 'key\n'], ['gone.map', null]] }),
      writer.write({ dir: dir.path, entries: [['be-00.cfg', 'backend a2\n']] }),
    ]);
    expect(readFileSync(join(dir.path, 'be-00.cfg'), 'utf8')).toBe('backend a2\n');
    expect(statSync(join(dir.path, 'be-00.cfg')).mode & 0o777).toBe(0o640);
    expect(statSync(join(dir.path, 'k.pem')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dir.path, 'gone.map'))).toBe(false);
    expect(readdirSync(dir.path).sort()).toEqual(['be-00.cfg', 'k.pem']);
  });

  test('texts beyond ASCII, and batches larger than any buffer used before, come out as given', async () => {
    dir = shortTempDir('writer');
    const big = 'backend b\n'.repeat(300_000);
    const accented = '# caf\u00e9 \u{1F600}\n'.repeat(100_000);
    await writer.write({ dir: dir.path, entries: [['a.map', 'small\n']] });
    await writer.write({ dir: dir.path, entries: [['big.cfg', big], ['utf8.cfg', accented]] });
    expect(readFileSync(join(dir.path, 'big.cfg'), 'utf8')).toBe(big);
    expect(readFileSync(join(dir.path, 'utf8.cfg'), 'utf8')).toBe(accented);
    expect(readFileSync(join(dir.path, 'a.map'), 'utf8')).toBe('small\n');
  });

  test('a text in pieces is written as the pieces joined, also when it outgrows the buffer', async () => {
    dir = shortTempDir('writer');
    const pieces = Array.from({ length: 400 }, (_, i) => `h${i}.apps/ be_http:ns:r${i}\n`.repeat(1000));
    await writer.write({ dir: dir.path, entries: [['os_http_be.map', pieces], ['one.map', ['a b\n']], ['none.map', []], ['be-00.cfg', 'backend a\n']] });
    expect(readFileSync(join(dir.path, 'os_http_be.map'), 'utf8')).toBe(pieces.join(''));
    expect(readFileSync(join(dir.path, 'one.map'), 'utf8')).toBe('a b\n');
    expect(readFileSync(join(dir.path, 'none.map'), 'utf8')).toBe('');
    expect(readFileSync(join(dir.path, 'be-00.cfg'), 'utf8')).toBe('backend a\n');
  });

  test('a batch that cannot be written is rejected with the reason; the next one is written', async () => {
    dir = shortTempDir('writer');
    const missing = join(dir.path, 'removed-generation');
    await expect(writer.write({ dir: missing, entries: [['be-00.cfg', 'backend a\n']] })).rejects.toThrow(/ENOENT|no such file/i);
    await writer.write({ dir: dir.path, entries: [['be-00.cfg', 'backend a\n']] });
    expect(readFileSync(join(dir.path, 'be-00.cfg'), 'utf8')).toBe('backend a\n');
  });
});

describe('ThreadWriter', () => {
  test('the calling thread goes on while the files are written (on the calling thread it would not)', async () => {
    dir = shortTempDir('writer');
    const batch: WriteBatch = { dir: dir.path, entries: Array.from({ length: 50 }, (_, i) => [`be-${i}.cfg`, `backend b${i}\n`.repeat(100)]) };
    expect(await turnsWhileWriting(inlineWriter, batch)).toBe(0);
    expect(await turnsWhileWriting(thread, batch)).toBeGreaterThan(0);
  });

  test('closed, it writes again on a thread of its own when asked', async () => {
    dir = shortTempDir('writer');
    const writer = new ThreadWriter();
    await writer.write({ dir: dir.path, entries: [['be-00.cfg', 'backend a\n']] });
    writer.close();
    expect(await turnsWhileWriting(writer, { dir: dir.path, entries: [['be-00.cfg', 'backend a2\n']] })).toBeGreaterThan(0);
    expect(readFileSync(join(dir.path, 'be-00.cfg'), 'utf8')).toBe('backend a2\n');
    writer.close();
  });

  test('a thread that cannot start: the files are written on the calling thread, and why is said once', async () => {
    dir = shortTempDir('writer');
    const reasons: string[] = [];
    const broken = new ThreadWriter((reason) => reasons.push(reason), 'file:///nonexistent/file-writer-worker.ts');
    await broken.write({ dir: dir.path, entries: [['be-00.cfg', 'backend a\n']] });
    await broken.write({ dir: dir.path, entries: [['be-01.cfg', 'backend b\n']] });
    expect(readFileSync(join(dir.path, 'be-00.cfg'), 'utf8')).toBe('backend a\n');
    expect(readFileSync(join(dir.path, 'be-01.cfg'), 'utf8')).toBe('backend b\n');
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain('file-writing thread failed');
  });
});
