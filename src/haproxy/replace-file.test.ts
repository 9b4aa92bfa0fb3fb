import { afterEach, expect, test } from 'bun:test';
import { existsSync, linkSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shortTempDir } from '../../test/support/workdir.ts';
import { replaceFile } from './replace-file.ts';

let dir: ReturnType<typeof shortTempDir> | undefined;
afterEach(() => dir?.remove());

test('replaces a file with another, leaving only the new one under its name', () => {
  dir = shortTempDir('replace');
  const to = join(dir.path, 'be-00.cfg');
  const from = join(dir.path, '.be-00.cfg.tmp');
  writeFileSync(to, 'backend old\n');
  writeFileSync(from, 'backend new\n', { mode: 0o640 });
  const inode = statSync(from).ino;
  replaceFile(from, to);
  expect(readFileSync(to, 'utf8')).toBe('backend new\n');
  expect(statSync(to).ino).toBe(inode);
  expect(statSync(to).mode & 0o777).toBe(0o640);
  expect(readdirSync(dir.path)).toEqual(['be-00.cfg']);
});

test('a name linked to the old file elsewhere (another generation) keeps the old text', () => {
  dir = shortTempDir('replace');
  const to = join(dir.path, 'be-00.cfg');
  const other = join(dir.path, 'other-generation.cfg');
  const from = join(dir.path, '.be-00.cfg.tmp');
  writeFileSync(to, 'backend old\n');
  linkSync(to, other);
  writeFileSync(from, 'backend new\n');
  replaceFile(from, to);
  expect(readFileSync(to, 'utf8')).toBe('backend new\n');
  expect(readFileSync(other, 'utf8')).toBe('backend old\n');
  expect(statSync(other).nlink).toBe(1);
});

test('with nothing at the name yet, the file is moved there', () => {
  dir = shortTempDir('replace');
  const to = join(dir.path, 'be-01.cfg');
  const from = join(dir.path, '.be-01.cfg.tmp');
  writeFileSync(from, 'backend b\n');
  replaceFile(from, to);
  expect(readFileSync(to, 'utf8')).toBe('backend b\n');
  expect(existsSync(from)).toBe(false);
});

test('a failure says so, and leaves both files as they were', () => {
  dir = shortTempDir('replace');
  const from = join(dir.path, 'absent.tmp');
  const to = join(dir.path, 'be-02.cfg');
  writeFileSync(to, 'backend c\n');
  expect(() => replaceFile(from, to)).toThrow(/ENOENT/);
  expect(readFileSync(to, 'utf8')).toBe('backend c\n');
});
