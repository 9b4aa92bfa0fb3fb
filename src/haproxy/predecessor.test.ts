import { afterAll, describe, expect, test } from 'bun:test';
import { MASTER_PATHS } from '../../test/support/master-paths.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shortTempDir } from '../../test/support/workdir.ts';
import { masterCommand } from './master-command.ts';
import { findPredecessor, isMasterOn, isRunning } from './predecessor.ts';

const paths = MASTER_PATHS;

describe('isMasterOn', () => {
  const cmdline = (args: string[]) => args.join('\0') + '\0';
  test.each([
    ['our master', cmdline(masterCommand(paths)), true],
    ['our master after a reload (haproxy re-executes with -sf and -x)', cmdline(['haproxy', '-sf', '12', '-x', 'sockpair@3', ...masterCommand(paths).slice(1)]), true],
    ['a master of another working dir', cmdline(masterCommand({ ...paths, masterSocketPath: '/other/run/master.sock' })), false],
    ['a socket path that only starts like ours', cmdline(['haproxy', '-W', '-S', '/w/run/master.sock2,mode,600']), false],
    ['our path elsewhere on the line', cmdline(['sleep', '/w/run/master.sock']), false],
    ['an empty command line (a kernel thread)', '', false],
  ])('%s', (_what, line, expected) => {
    expect(isMasterOn(line, paths.masterSocketPath)).toBe(expected);
  });
});

describe('findPredecessor', () => {
  const dir = shortTempDir('pred');
  const pidFile = join(dir.path, 'haproxy.pid');
  const socket = join(dir.path, 'master.sock');
  // A process whose command line names our master socket as haproxy's does (`-S <path>,mode,600`), blocked on its stdin.
  const standIn = Bun.spawn(['sh', '-c', 'read line', '-S', `${socket},mode,600`], { stdin: 'pipe' });
  afterAll(() => {
    standIn.kill('SIGKILL');
    dir.remove();
  });

  test('the pid file names a running master of this working dir', async () => {
    // The stand-in's command line is its own only once its exec is done, which a busy host can delay past the spawn.
    for (let i = 0; i < 200 && !readFileSync(`/proc/${standIn.pid}/cmdline`, 'utf8').includes(socket); i++) await Bun.sleep(10);
    writeFileSync(pidFile, `${standIn.pid}\n`);
    expect(findPredecessor(pidFile, socket)).toBe(standIn.pid);
  });

  test('a pid now used by another program is not ours', () => {
    writeFileSync(pidFile, `${process.pid}\n`);
    expect(findPredecessor(pidFile, socket)).toBeUndefined();
  });

  test.each([['no pid file', undefined], ['garbage', 'x\n'], ['pid 1', '1\n'], ['a pid that is gone', '4194304\n']])('%s: none', (_what, text) => {
    if (text === undefined) writeFileSync(pidFile, '');
    else writeFileSync(pidFile, text);
    expect(findPredecessor(text === undefined ? join(dir.path, 'missing.pid') : pidFile, socket)).toBeUndefined();
  });
});

describe('isRunning', () => {
  test('this process runs; a child that exited does not, even before anyone reaps it', async () => {
    expect(isRunning(process.pid)).toBe(true);
    const child = Bun.spawn(['true']);
    await child.exited;
    expect(isRunning(child.pid)).toBe(false);
  });
});
