import { expect, test } from 'bun:test';
import { resolve } from 'node:path';

test('install.sh is POSIX sh by shellcheck', () => {
  const p = Bun.spawnSync(['shellcheck', '--shell=sh', resolve(import.meta.dir, '../../install.sh')], { stdout: 'pipe', stderr: 'pipe' });
  expect(p.stdout.toString() + p.stderr.toString()).toBe('');
  expect(p.exitCode).toBe(0);
});
