import { afterEach, expect, test } from 'bun:test';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { shortTempDir } from '../../test/support/workdir.ts';
import { lockWorkingDir, type WorkingDirLock } from './working-dir-lock.ts';

const dir = shortTempDir('lock');
const held: WorkingDirLock[] = [];
afterEach(() => {
  for (const lock of held.splice(0)) lock.release();
});

test('a second claim on a working dir fails, naming the holder, until the first is released', () => {
  held.push(lockWorkingDir(dir.path));
  expect(readFileSync(`${dir.path}/router.lock`, 'utf8')).toBe(`${process.pid}\n`);
  expect(() => lockWorkingDir(dir.path)).toThrow(`working dir ${dir.path} is in use by another router (pid ${process.pid})`);
  held.pop()?.release();
  held.push(lockWorkingDir(dir.path));
});

test('a lock held by another process is refused, and freed when that process is killed', async () => {
  // `flock` (util-linux) holds the same kind of lock as the router, in a process of its own.
  const other = Bun.spawn(['flock', '--exclusive', '--close', `${dir.path}/router.lock`, 'sh', '-c', 'echo locked; exec sleep 60'], { stdout: 'pipe' });
  try {
    const reader = other.stdout.getReader();
    await reader.read();
    expect(() => lockWorkingDir(dir.path)).toThrow('is in use by another router');
    other.kill('SIGKILL');
    await other.exited;
    held.push(lockWorkingDir(dir.path));
  } finally {
    other.kill('SIGKILL');
  }
});

test('children do not inherit the lock: one still running after the router released it does not hold it', async () => {
  held.push(lockWorkingDir(dir.path));
  const child = Bun.spawn(['sh', '-c', 'echo up; exec sleep 60'], { stdout: 'pipe' });
  try {
    // Until it has started (exec'd), a forked child still shares every descriptor.
    await child.stdout.getReader().read();
    held.pop()?.release();
    // An inherited descriptor would share the lock with the child and keep it held.
    held.push(lockWorkingDir(dir.path));
  } finally {
    child.kill('SIGKILL');
  }
});

test('a symlink planted as the lock file is refused, and what it points at is left alone', () => {
  const planted = shortTempDir('lock-planted');
  try {
    writeFileSync(`${planted.path}/victim`, 'precious');
    symlinkSync(`${planted.path}/victim`, `${planted.path}/router.lock`);
    expect(() => lockWorkingDir(planted.path)).toThrow();
    expect(readFileSync(`${planted.path}/victim`, 'utf8')).toBe('precious');
  } finally {
    planted.remove();
  }
});
