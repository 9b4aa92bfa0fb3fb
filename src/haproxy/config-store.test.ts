import { afterEach, describe, expect, test } from 'bun:test';
import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { shortTempDir } from '../../test/support/workdir.ts';
import { ConfigStore } from './config-store.ts';

let dir: ReturnType<typeof shortTempDir> | undefined;
afterEach(() => dir?.remove());

async function store(): Promise<ConfigStore> {
  dir = shortTempDir('store');
  const s = new ConfigStore(dir.path);
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
