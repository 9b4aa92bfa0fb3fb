import { afterAll, describe, expect, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shortTempDir } from '../../test/support/workdir.ts';
import { DEFAULT_OPTIONS } from '../../test/support/router-options.ts';
import type { StatsOptions } from '../options.ts';
import { authorized, readStatsCredentials } from './credentials.ts';

const dir = shortTempDir('creds');
afterAll(() => dir.remove());
const file = (name: string, text: string) => {
  const path = join(dir.path, name);
  writeFileSync(path, text);
  return path;
};
const stats = (more: Partial<StatsOptions>): StatsOptions => ({ ...DEFAULT_OPTIONS.stats, listen: { host: '127.0.0.1', port: 1936 }, ...more });
const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

describe('readStatsCredentials', () => {
  test('values as given; files as written, less one trailing newline', async () => {
    expect(await readStatsCredentials(stats({ credentials: { kind: 'values', user: 'u', password: 'p w' } }))).toEqual({ user: 'u', password: 'p w' });
    const credentials = { kind: 'files' as const, userFile: file('user', 'admin\n'), passwordFile: file('password', 's3cr3t') };
    expect(await readStatsCredentials(stats({ credentials }))).toEqual({ user: 'admin', password: 's3cr3t' });
    expect(await readStatsCredentials(stats({ credentials: undefined }))).toBeUndefined();
  });

  test.each([
    ['a missing file', { userFile: '/nonexistent/user', passwordFile: '/nonexistent/password' }, 'router', '--stats-user-file: cannot read /nonexistent/user'],
    ['an empty file', { userFile: 'user', passwordFile: 'empty' }, 'router', 'a file is empty'],
    ["a password haproxy.config cannot hold, for haproxy's stats page", { userFile: 'user', passwordFile: 'spaced' }, 'haproxy', "the stats page's password may not hold whitespace"],
  ] as const)('%s is an error', async (_name, files, server, message) => {
    file('empty', '');
    file('spaced', 'a b');
    const at = (p: string) => (p.startsWith('/') ? p : join(dir.path, p));
    const credentials = { kind: 'files' as const, userFile: at(files.userFile), passwordFile: at(files.passwordFile) };
    await expect(readStatsCredentials(stats({ credentials, server }))).rejects.toThrow(message);
  });
});

describe('authorized', () => {
  const auth = { user: 'admin', password: 'p:ss' };
  test.each([
    ['the right pair', basic('admin:p:ss'), true],
    ['scheme in another case', `basic ${Buffer.from('admin:p:ss').toString('base64')}`, true],
    ['a wrong password', basic('admin:pss'), false],
    ['a wrong user', basic('root:p:ss'), false],
    ['no colon', basic('adminpss'), false],
    ['a bearer token', 'Bearer abc', false],
    ['no header', null, false],
  ])('%s', (_name, header, ok) => {
    expect(authorized(header, auth)).toBe(ok);
  });
});
