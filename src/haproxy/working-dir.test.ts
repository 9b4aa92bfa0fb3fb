import { afterEach, describe, expect, test } from 'bun:test';
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shortTempDir } from '../../test/support/workdir.ts';
import { prepareWorkingDir } from './working-dir.ts';

const dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});
const temp = () => {
  const d = shortTempDir('wd');
  dirs.push(d);
  return d.path;
};
const modeOf = (path: string) => statSync(path).mode & 0o7777;

describe('prepareWorkingDir', () => {
  test.each([
    ['created', undefined],
    ['left world-writable', 0o777],
    ['left world-readable', 0o755],
    ['left closed to the group', 0o700],
  ])('a working dir and run/ %s end up 0750', async (_what, before) => {
    const workingDir = join(temp(), 'w');
    const run = join(workingDir, 'run');
    if (before !== undefined) {
      mkdirSync(run, { recursive: true });
      chmodSync(workingDir, before);
      chmodSync(run, before);
    }
    await prepareWorkingDir({ workingDir, run });
    expect([modeOf(workingDir), modeOf(run)]).toEqual([0o750, 0o750]);
  });

  test('a shared directory (sticky bit) is refused, untouched', async () => {
    const workingDir = join(temp(), 'shared');
    mkdirSync(workingDir);
    chmodSync(workingDir, 0o1777);
    await expect(prepareWorkingDir({ workingDir, run: join(workingDir, 'run') })).rejects.toThrow('shared directory');
    expect(modeOf(workingDir)).toBe(0o1777);
  });

  test('a file in its place is refused', async () => {
    const workingDir = join(temp(), 'file');
    writeFileSync(workingDir, '');
    await expect(prepareWorkingDir({ workingDir, run: join(workingDir, 'run') })).rejects.toThrow(workingDir);
  });
});
