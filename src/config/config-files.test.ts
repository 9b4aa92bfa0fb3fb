import { describe, expect, test } from 'bun:test';
import { backendFile, checkFile, checkNumbersIn, configFileNames, fileCounts } from './config-files.ts';

const sized = (backends: number, slots: number) => ({ backends: new Array(backends), checks: new Array(slots) });

describe('fileCounts', () => {
  test.each([
    ['a small model', 10, 30, { backends: 64, checks: 16 }],
    ['up to 32 route backends and 2 check backends (128 slots) a file at the least counts', 2048, 2048, { backends: 64, checks: 16 }],
    ['one backend more doubles the route backend files', 2049, 2048, { backends: 128, checks: 16 }],
    ['10,000 routes with spares and a slot per endpoint', 10_500, 11_000, { backends: 512, checks: 128 }],
    ['100,000 routes: 4096 route backend files of about 25 backends each', 102_000, 110_000, { backends: 4096, checks: 128 }],
    ['never more than 4096 route backend files and 128 check files', 1_000_000, 10_000_000, { backends: 4096, checks: 128 }],
  ])('%s', (_name, backends, slots, want) => expect(fileCounts(sized(backends, slots))).toEqual(want));
});

describe('file names', () => {
  test('one width per count, so that name order (the order haproxy reads them in) is number order', () => {
    expect(configFileNames({ backends: 64, checks: 16 }).backends.slice(0, 2)).toEqual(['be-00.cfg', 'be-01.cfg']);
    const wide = configFileNames({ backends: 1024, checks: 128 });
    expect([wide.backends[7], wide.checks[127]]).toEqual(['be-0007.cfg', 'checks-127.cfg']);
    expect([...wide.backends].sort()).toEqual(wide.backends);
    expect(wide.backends).toContain(backendFile('be_http:ns:r', 1024));
    expect(backendFile('be_http:ns:r')).toBe(backendFile('be_http:ns:r', 64));
  });

  test('check backends go round the check files; each file names its own numbers back', () => {
    const slots = 64 * 40;
    const file = checkFile(37, 32);
    expect(file).toBe('checks-05.cfg');
    expect(checkNumbersIn(file, slots, 32)).toEqual([5, 37]);
  });
});
