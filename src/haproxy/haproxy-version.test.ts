import { afterAll, describe, expect, test } from 'bun:test';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shortTempDir } from '../../test/support/workdir.ts';
import { checkHaproxyBinary, haproxyHasLua, isSupported, parseHaproxyVersion } from './haproxy-version.ts';

const dir = shortTempDir('hv');
afterAll(() => dir.remove());

/** A shell script standing in for haproxy: prints `banner`, exits with `code`. */
function fakeHaproxy(name: string, banner: string, code = 0): string {
  const path = join(dir.path, name);
  writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' ${JSON.stringify(banner)}\nexit ${code}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('parseHaproxyVersion', () => {
  test.each([
    ['HAProxy version 2.6.12-1+deb12u4 2026/10/17 - https://haproxy.org/\nStatus: long-term supported branch', { major: 2, minor: 6, text: '2.6.12-1+deb12u4' }, true],
    ['HAProxy version 3.2.4-98813a1 2025/08/13 - https://haproxy.org/', { major: 3, minor: 2, text: '3.2.4-98813a1' }, true],
    ['HAProxy version 2.6-dev3 2021/12/10', { major: 2, minor: 6, text: '2.6-dev3' }, true],
    ['HAProxy version 2.4.22-0ubuntu0.22.04.3 2023/08/14 - https://haproxy.org/', { major: 2, minor: 4, text: '2.4.22-0ubuntu0.22.04.3' }, false],
    ['HA-Proxy version 1.8.19 2019/02/11', { major: 1, minor: 8, text: '1.8.19' }, false],
  ])('%j', (banner, want, supported) => {
    const v = parseHaproxyVersion(banner);
    expect(v).toEqual(want);
    expect(v && isSupported(v)).toBe(supported);
  });

  test.each([[''], ['nginx version: nginx/1.22.1'], ['HAProxy version unknown']])('%j is no version', (banner) => {
    expect(parseHaproxyVersion(banner)).toBeUndefined();
  });
});

describe('checkHaproxyBinary', () => {
  test('the installed haproxy passes', async () => {
    expect(isSupported(await checkHaproxyBinary('haproxy'))).toBe(true);
  });

  test('a missing binary says so and how to fix it', async () => {
    await expect(checkHaproxyBinary(join(dir.path, 'nope'))).rejects.toThrow(/cannot run haproxy ".*nope".*install haproxy 2\.6 or newer or point --haproxy-binary/);
  });

  test('a too-old one names its version', async () => {
    const old = fakeHaproxy('haproxy-2.4', 'HAProxy version 2.4.22-0ubuntu0.22.04.3 2023/08/14 - https://haproxy.org/');
    await expect(checkHaproxyBinary(old)).rejects.toThrow('haproxy 2.4.22-0ubuntu0.22.04.3 ("' + old + '") is too old: router needs haproxy 2.6 or newer');
  });

  test('something that is not haproxy, or fails, is named with what it said', async () => {
    await expect(checkHaproxyBinary(fakeHaproxy('other', 'nginx version: nginx/1.22.1'))).rejects.toThrow('did not print a haproxy version (exit 0, said: nginx version: nginx/1.22.1)');
    await expect(checkHaproxyBinary(fakeHaproxy('failing', 'HAProxy version 2.6.12', 3))).rejects.toThrow('(exit 3,');
  });
});

describe('haproxyHasLua', () => {
  test("Debian's haproxy has Lua", async () => {
    expect(await haproxyHasLua('haproxy')).toBe(true);
  });

  test('one that does not say so, fails or is missing has not', async () => {
    expect(await haproxyHasLua(fakeHaproxy('nolua', 'HAProxy version 2.6.12\nBuilt with OpenSSL version : OpenSSL 3.0.11'))).toBe(false);
    expect(await haproxyHasLua(fakeHaproxy('luafails', 'Built with Lua version : Lua 5.3.6', 1))).toBe(false);
    expect(await haproxyHasLua(join(dir.path, 'nope'))).toBe(false);
  });
});
