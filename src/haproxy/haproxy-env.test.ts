import { describe, expect, test } from 'bun:test';
import { haproxyEnv, withHugePages } from './haproxy-env.ts';

describe('withHugePages', () => {
  test.each([
    ['unset', undefined, 'glibc.malloc.hugetlb=1'],
    ['empty', '', 'glibc.malloc.hugetlb=1'],
    ['other tunables are kept, ours added', 'glibc.malloc.arena_max=2', 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1'],
    ["the operator's choice wins", 'glibc.malloc.hugetlb=0', 'glibc.malloc.hugetlb=0'],
    ["the operator's choice among others", 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2', 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2'],
    ['a longer name is not ours', 'glibc.malloc.hugetlbx=0', 'glibc.malloc.hugetlbx=0:glibc.malloc.hugetlb=1'],
  ])('%s', (_what, given, expected) => {
    expect(withHugePages(given)).toBe(expected);
  });
});

describe('haproxyEnv', () => {
  test("the router's environment is passed on beside the tunable", () => {
    expect(haproxyEnv({ PATH: '/usr/bin', HOME: '/var/lib/router' })).toEqual({ PATH: '/usr/bin', HOME: '/var/lib/router', GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' });
  });
});
