import { releaseWeakRefs } from 'bun:jsc';
import { afterEach, describe, expect, test } from 'bun:test';
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { shortTempDir } from '../../test/support/workdir.ts';
import { ConfigStore } from './config-store.ts';
import { inlineWriter, ThreadWriter, type BatchWriter } from './file-writer.ts';
import { FLUSH_DELAY_MS } from './pending-writes.ts';

let dir: ReturnType<typeof shortTempDir> | undefined;
afterEach(() => dir?.remove());

/** In-place updates are written either way alike. */
const WRITERS: [string, BatchWriter][] = [
  ['on the calling thread', inlineWriter],
  ['on a thread of their own', new ThreadWriter()],
];

async function store(writer?: BatchWriter): Promise<ConfigStore> {
  dir = shortTempDir('store');
  const s = new ConfigStore(dir.path, writer);
  await s.init();
  return s;
}

describe('ConfigStore', () => {
  test('a generation links the files that did not change from the active one and writes the others', async () => {
    const s = await store();
    const first = await s.stage(new Map([['haproxy.config', 'global\n'], ['be-00.cfg', 'backend a\n'], ['be-01.cfg', 'backend b\n']]));
    await s.activate(first.generation);
    const second = await s.stage(new Map([['haproxy.config', 'global\n'], ['be-00.cfg', 'backend a\n'], ['be-01.cfg', 'backend b2\n']]));
    const ino = (g: number, name: string) => statSync(join(s.generationDir(g), name)).ino;
    expect(ino(second.generation, 'be-00.cfg')).toBe(ino(first.generation, 'be-00.cfg'));
    expect(ino(second.generation, 'haproxy.config')).toBe(ino(first.generation, 'haproxy.config'));
    expect(ino(second.generation, 'be-01.cfg')).not.toBe(ino(first.generation, 'be-01.cfg'));
    expect(readFileSync(join(s.generationDir(second.generation), 'be-01.cfg'), 'utf8')).toBe('backend b2\n');
    // The active generation goes away two activations later; what was linked from it stays.
    await s.activate(second.generation);
    const third = await s.stage(new Map([['haproxy.config', 'global\n'], ['be-00.cfg', 'backend a\n'], ['be-01.cfg', 'backend b2\n']]));
    await s.activate(third.generation);
    expect(readlinkSync(join(dir?.path ?? '', 'conf'))).toBe(join('generations', String(third.generation)));
    expect(readFileSync(join(s.generationDir(third.generation), 'be-00.cfg'), 'utf8')).toBe('backend a\n');
    expect(statSync(join(s.generationDir(third.generation), 'be-00.cfg')).mode & 0o777).toBe(0o640);
  });
});

describe('ConfigStore: files in a subdirectory', () => {
  const files = (acl: string) =>
    new Map([
      ['haproxy.config', 'global\n'],
      ['acl/a.acl', '0.0.0.0/0\n'],
      ['acl/b.acl', acl],
    ]);
  const shared = (s: ConfigStore, g: number) => readlinkSync(join(s.generationDir(g), 'acl'));

  test('a generation whose subdirectory files are all unchanged links the same shared directory; a change makes a new one, linking what did not change', async () => {
    const s = await store();
    const first = await s.stage(files('10.0.0.0/8\n'));
    await s.activate(first.generation);
    const second = await s.stage(files('10.0.0.0/8\n'));
    expect(shared(s, second.generation)).toBe(shared(s, first.generation));
    await s.activate(second.generation);
    const third = await s.stage(files('192.168.0.0/16\n'));
    expect(shared(s, third.generation)).not.toBe(shared(s, second.generation));
    const path = (g: number, name: string) => join(s.generationDir(g), 'acl', name);
    expect(readFileSync(path(third.generation, 'b.acl'), 'utf8')).toBe('192.168.0.0/16\n');
    expect(readFileSync(path(second.generation, 'b.acl'), 'utf8')).toBe('10.0.0.0/8\n');
    expect(statSync(path(third.generation, 'a.acl')).ino).toBe(statSync(path(second.generation, 'a.acl')).ino);
  });

  test('a shared directory goes with the last generation that links it, and a new start keeps only what conf links', async () => {
    const s = await store();
    const sharedDir = join(dir?.path ?? '', 'shared');
    const first = await s.stage(files('1.1.1.1\n'));
    await s.activate(first.generation);
    const second = await s.stage(files('2.2.2.2\n'));
    await s.activate(second.generation);
    const third = await s.stage(files('3.3.3.3\n'));
    await s.activate(third.generation);
    // The first generation is gone, and the directory only it linked with it.
    expect(readdirSync(sharedDir).sort()).toEqual([shared(s, second.generation), shared(s, third.generation)].map((l) => basename(l)).sort());
    const again = new ConfigStore(dir?.path ?? '');
    await again.init();
    expect(readdirSync(sharedDir)).toEqual([basename(shared(again, third.generation))]);
    expect(readFileSync(join(again.generationDir(third.generation), 'acl', 'b.acl'), 'utf8')).toBe('3.3.3.3\n');
  });
});

describe.each(WRITERS)('ConfigStore: updates the worker takes through the runtime API, written %s', (_, writer) => {
  const files = (be01: string, acl = '10.0.0.0/8\n') =>
    new Map([
      ['haproxy.config', 'global\n'],
      ['be-00.cfg', 'backend a\n'],
      ['be-01.cfg', be01],
      ['acl/b.acl', acl],
    ]);
  const read = (s: ConfigStore, g: number, name: string) => readFileSync(join(s.generationDir(g), name), 'utf8');
  const conf = () => readlinkSync(join(dir?.path ?? '', 'conf'));

  test('write only the files that changed, in place in the active generation; a file linked into the generation before stays as it was there', async () => {
    const s = await store(writer);
    const first = await s.stage(files('backend b\n'));
    await s.activate(first.generation);
    const second = await s.stage(files('backend b2\n'));
    await s.activate(second.generation);
    const untouched = statSync(join(s.generationDir(second.generation), 'be-00.cfg')).ino;
    const updated = await s.update(files('backend b3\n'));
    expect(updated.generation).toBe(second.generation);
    expect(conf()).toBe(join('generations', String(second.generation)));
    await s.flush();
    expect(read(s, second.generation, 'be-01.cfg')).toBe('backend b3\n');
    expect(statSync(join(s.generationDir(second.generation), 'be-00.cfg')).ino).toBe(untouched);
    expect(read(s, first.generation, 'be-00.cfg')).toBe('backend a\n');
    expect(readdirSync(s.generationDir(second.generation)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    // The next generation links what the update wrote.
    const third = await s.stage(files('backend b3\n'));
    expect(statSync(join(s.generationDir(third.generation), 'be-01.cfg')).ino).toBe(statSync(join(s.generationDir(second.generation), 'be-01.cfg')).ino);
  });

  test('hard links: the generation before keeps its own text of a file the update replaced', async () => {
    const s = await store(writer);
    const first = await s.stage(files('backend b\n'));
    await s.activate(first.generation);
    const second = await s.stage(files('backend b\n'));
    await s.activate(second.generation);
    await s.update(files('backend b2\n'));
    await s.flush();
    expect(read(s, second.generation, 'be-01.cfg')).toBe('backend b2\n');
    expect(read(s, first.generation, 'be-01.cfg')).toBe('backend b\n');
  });

  test('a new generation instead while a check holds the active one, or when a file of a shared subdirectory changed', async () => {
    const s = await store(writer);
    const first = await s.stage(files('backend b\n'));
    await s.activate(first.generation);
    const release = await s.hold(first.generation);
    const held = await s.update(files('backend b2\n'));
    expect(held.generation).not.toBe(first.generation);
    expect(read(s, first.generation, 'be-01.cfg')).toBe('backend b\n');
    expect(conf()).toBe(join('generations', String(held.generation)));
    release();
    const acl = await s.update(files('backend b2\n', '192.168.0.0/16\n'));
    expect(acl.generation).not.toBe(held.generation);
    expect(read(s, acl.generation, 'acl/b.acl')).toBe('192.168.0.0/16\n');
    expect((await s.update(files('backend b3\n', '192.168.0.0/16\n'))).generation).toBe(acl.generation);
  });

  test('rollback undoes the last in-place update, file by file', async () => {
    const s = await store(writer);
    const first = await s.stage(files('backend b\n'));
    await s.activate(first.generation);
    await s.update(files('backend b2\n'));
    await s.rollback();
    expect(read(s, first.generation, 'be-01.cfg')).toBe('backend b\n');
    expect(conf()).toBe(join('generations', String(first.generation)));
    // What the store remembers was rolled back too: the next update writes the file again.
    await s.update(files('backend b2\n'));
    await s.flush();
    expect(read(s, first.generation, 'be-01.cfg')).toBe('backend b2\n');
    // A rollback after an update written already puts the file back as well.
    await s.update(files('backend b3\n'));
    await s.flush();
    await s.rollback();
    expect(read(s, first.generation, 'be-01.cfg')).toBe('backend b2\n');
  });

  test('the generation before keeps its files on disk but not its texts in memory; rolled back to, the next change writes a new generation', async () => {
    const s = await store(writer);
    // Staged from a function of its own so that no reference to the first set stays on this frame's stack.
    const stageFirst = async () => {
      const set = files('backend b\n');
      const staged = await s.stage(set);
      await s.activate(staged.generation);
      return { generation: staged.generation, set: new WeakRef(set) };
    };
    const first = await stageFirst();
    const second = await s.stage(files('backend b2\n'));
    await s.activate(second.generation);
    releaseWeakRefs();
    Bun.gc(true);
    expect(first.set.deref() === undefined).toBe(true);
    expect(read(s, first.generation, 'be-01.cfg')).toBe('backend b\n');
    await s.rollback();
    expect(conf()).toBe(join('generations', String(first.generation)));
    const next = await s.update(files('backend b3\n'));
    expect(next.generation).not.toBe(first.generation);
    expect(read(s, next.generation, 'be-01.cfg')).toBe('backend b3\n');
    expect(read(s, next.generation, 'acl/b.acl')).toBe('10.0.0.0/8\n');
    expect(read(s, first.generation, 'be-01.cfg')).toBe('backend b\n');
  });

  test('in-place updates wait, and are written before a check reads the generation, a new one is staged, or haproxy starts', async () => {
    const s = await store(writer);
    const first = await s.stage(files('backend b\n'));
    await s.activate(first.generation);
    await s.update(files('backend b2\n'));
    await s.update(new Map([...files('backend b3\n'), ['be-00.cfg', 'backend a2\n']]));
    // Until then the files are as an earlier change left them: each one whole.
    expect(read(s, first.generation, 'be-01.cfg')).toBe('backend b\n');
    const release = await s.hold(first.generation);
    expect(read(s, first.generation, 'be-01.cfg')).toBe('backend b3\n');
    expect(read(s, first.generation, 'be-00.cfg')).toBe('backend a2\n');
    release();
    await s.update(files('backend b4\n'));
    const next = await s.stage(files('backend b5\n'));
    expect(read(s, first.generation, 'be-01.cfg')).toBe('backend b4\n');
    await s.activate(next.generation);
    await s.update(files('backend b6\n'));
    await s.flush();
    expect(read(s, next.generation, 'be-01.cfg')).toBe('backend b6\n');
  });

  test('the certificates the files name (written in the background) are on disk before them, at every flush', async () => {
    const order: string[] = [];
    const recording: BatchWriter = {
      write: async (batch) => {
        order.push('files');
        await writer.write(batch);
      },
    };
    dir = shortTempDir('store');
    const s = new ConfigStore(dir.path, recording, [{ flush: async () => void order.push('certs') }]);
    await s.init();
    const first = await s.stage(files('backend b\n'));
    await s.activate(first.generation);
    order.length = 0;
    await s.update(files('backend b2\n'));
    (await s.hold(first.generation))();
    expect(order).toEqual(['certs', 'files']);
    // Nothing of its own waiting, a flush (haproxy's start, the router's stop) still writes them.
    await s.flush();
    expect(order).toEqual(['certs', 'files', 'certs']);
  });

  test(`what waits is written within ${FLUSH_DELAY_MS} ms on its own`, async () => {
    const s = await store(writer);
    const first = await s.stage(files('backend b\n'));
    await s.activate(first.generation);
    const updated = Date.now();
    await s.update(files('backend b2\n'));
    while (read(s, first.generation, 'be-01.cfg') !== 'backend b2\n') await Bun.sleep(20);
    expect(Date.now() - updated).toBeLessThan(FLUSH_DELAY_MS * 3);
  });
});
