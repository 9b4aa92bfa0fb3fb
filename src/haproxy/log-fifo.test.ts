import { afterAll, describe, expect, test } from 'bun:test';
import { existsSync, lstatSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { shortTempDir } from '../../test/support/workdir.ts';
import { LogFifo } from './log-fifo.ts';

const dir = shortTempDir();
afterAll(() => dir.remove());

/** Opens a pipe whose lines land in `lines`; `until(n)` resolves once n lines have come. */
function openCollecting(path: string, ringSize?: number) {
  const lines: string[] = [];
  let waiting: { n: number; resolve: () => void } | undefined;
  const fifo = LogFifo.open(path, (bytes) => {
    expect(bytes.at(-1)).toBe(0x0a);
    lines.push(...bytes.toString('utf8').split('\n').filter((line) => line !== ''));
    if (waiting && lines.length >= waiting.n) waiting.resolve();
  }, { ringSize });
  const until = (n: number) => (lines.length >= n ? Promise.resolve() : new Promise<void>((resolve) => (waiting = { n, resolve })));
  return { fifo, lines, until };
}

describe('LogFifo', () => {
  test('lines written by another process come whole, in order; close takes what is left', async () => {
    const path = join(dir.path, 'a.fifo');
    const { fifo, lines, until } = openCollecting(path);
    fifo.start();
    const writer = Bun.spawn(['sh', '-c', 'for i in $(seq 1 2000); do echo "line $i"; echo; done'], { stdout: fifo.writeFd });
    expect(await writer.exited).toBe(0);
    await until(2000);
    writeSync(fifo.writeFd, 'last\n');
    fifo.close();
    expect(lines).toEqual([...Array.from({ length: 2000 }, (_, i) => `line ${i + 1}`), 'last']);
    expect(lstatSync(path).isFIFO()).toBe(true);
  });

  test('a line split across reads is joined', async () => {
    const { fifo, lines, until } = openCollecting(join(dir.path, 'b.fifo'));
    fifo.start();
    writeSync(fifo.writeFd, 'hal');
    writeSync(fifo.writeFd, 'f\nwhole\n');
    await until(2);
    fifo.close();
    expect(lines).toEqual(['half', 'whole']);
  });

  test('a character split across reads is whole', async () => {
    const { fifo, lines, until } = openCollecting(join(dir.path, 'e.fifo'));
    fifo.start();
    writeSync(fifo.writeFd, Buffer.from([0x78, 0x0a, 0xc3]));
    await until(1);
    writeSync(fifo.writeFd, Buffer.from([0xa9, 0x0a]));
    await until(2);
    fifo.close();
    expect(lines).toEqual(['x', 'é']);
  });

  test('the pipe outlives a reader: what is written while nobody reads reaches the next one', async () => {
    const path = join(dir.path, 'c.fifo');
    const first = openCollecting(path);
    // haproxy's write end, which stays open across routers.
    const writer = Bun.spawn(['sh', '-c', 'echo before; read x; echo after'], { stdin: 'pipe', stdout: first.fifo.writeFd });
    first.fifo.start();
    await first.until(1);
    const second = openCollecting(path);
    first.fifo.close();
    second.fifo.start();
    writer.stdin.write('go\n');
    writer.stdin.end();
    await second.until(1);
    second.fifo.close();
    expect([first.lines, second.lines]).toEqual([['before'], ['after']]);
  });

  test('the pipe holds 1 MiB: a writer puts 512 KiB in before anyone reads', async () => {
    const { fifo, lines } = openCollecting(join(dir.path, 'f.fifo'));
    // With the system's default 64 KiB the writer would block until killed.
    const writer = Bun.spawn(['sh', '-c', 'head -c 524288 /dev/zero | tr "\\0" "x"; echo'], { stdout: fifo.writeFd, timeout: 10_000 });
    expect(await writer.exited).toBe(0);
    fifo.close();
    expect(lines.map((line) => line.length)).toEqual([524288]);
  });

  test('the pipe is emptied while the main thread is busy (a long commit): a writer of 2.7 MB is not held up', async () => {
    const done = join(dir.path, 'g.done');
    const { fifo, lines, until } = openCollecting(join(dir.path, 'g.fifo'));
    fifo.start();
    // More than the pipe's 1 MiB: with nothing reading while this thread sleeps, the writer would block before the end.
    const writer = Bun.spawn(['sh', '-c', `seq 1 400000; touch ${done}`], { stdout: fifo.writeFd, timeout: 20_000 });
    const deadline = Date.now() + 10_000;
    while (!existsSync(done) && Date.now() < deadline) Bun.sleepSync(50);
    expect(existsSync(done)).toBe(true);
    expect(await writer.exited).toBe(0);
    await until(400000);
    fifo.close();
    expect(lines.length).toBe(400000);
    expect(lines.every((line, i) => line === String(i + 1))).toBe(true);
  });

  test('a full ring holds the writer back: nothing lost, nothing out of order', async () => {
    const { fifo, lines, until } = openCollecting(join(dir.path, 'h.fifo'), 64 << 10);
    fifo.start();
    const writer = Bun.spawn(['sh', '-c', 'seq 1 300000'], { stdout: fifo.writeFd, timeout: 20_000 });
    expect(await writer.exited).toBe(0);
    await until(300000);
    fifo.close();
    expect(lines.length).toBe(300000);
    expect(lines.every((line, i) => line === String(i + 1))).toBe(true);
  });

  test('a file in its place is replaced by a pipe', () => {
    const path = join(dir.path, 'd.fifo');
    writeFileSync(path, 'not a pipe');
    LogFifo.open(path, () => {}).close();
    expect(lstatSync(path).isFIFO()).toBe(true);
  });
});
