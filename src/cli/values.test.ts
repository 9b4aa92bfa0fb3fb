import { describe, expect, test } from 'bun:test';
import { HAPROXY_MAX_TIME_MS, parseGoBool, parseGoDuration, parseHaproxyTime, parseInteger } from './values.ts';

describe('parseGoBool', () => {
  test.each(['1', 't', 'T', 'TRUE', 'true', 'True'])('%p is true', (raw) => {
    expect(parseGoBool(raw)).toEqual({ ok: true, value: true });
  });
  test.each(['0', 'f', 'F', 'FALSE', 'false', 'False'])('%p is false', (raw) => {
    expect(parseGoBool(raw)).toEqual({ ok: true, value: false });
  });
  test.each(['', 'yes', 'on', 'tRUE', ' true'])('%p is refused', (raw) => {
    expect(parseGoBool(raw)).toMatchObject({ ok: false, error: expect.stringContaining(`invalid boolean "${raw}"`) });
  });
});

describe('parseGoDuration', () => {
  test.each([
    ['0', 0],
    ['-0', 0],
    ['100ms', 100],
    ['5s', 5000],
    ['1m30s', 90_000],
    ['2h', 7_200_000],
    ['1.5s', 1500],
    ['.5s', 500],
    ['1h2m3s4ms', 3_723_004],
    ['1500us', 1.5],
    ['1500µs', 1.5],
    ['1500μs', 1.5],
    ['2000000ns', 2],
    ['-1s', -1000],
    ['+2s', 2000],
  ])('%p is %p ms', (raw, ms) => {
    expect(parseGoDuration(raw)).toEqual({ ok: true, value: ms });
  });
  test.each(['', '5', 's', '1x', '1 s', '5S', '.s', '1s-2s', 'one'])('%p is refused', (raw) => {
    expect(parseGoDuration(raw)).toMatchObject({ ok: false, error: expect.stringContaining(`invalid duration "${raw}"`) });
  });
});

describe('parseHaproxyTime', () => {
  test.each([
    ['5000', 5000],
    ['5000ms', 5000],
    ['5s', 5000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1500us', 2],
    ['1us', 1],
    ['2147483647', HAPROXY_MAX_TIME_MS],
  ])('%p is %p ms', (raw, ms) => {
    expect(parseHaproxyTime(raw)).toEqual({ ok: true, value: ms });
  });
  test.each(['0', '0s', '05s', '-1s', '1.5s', '1 s', '5ns', '1w', '', 's'])('%p is refused', (raw) => {
    expect(parseHaproxyTime(raw)).toMatchObject({ ok: false, error: expect.stringContaining(`invalid time "${raw}"`) });
  });
  test('values beyond what haproxy can store are refused rather than clipped', () => {
    expect(parseHaproxyTime('25d')).toMatchObject({ ok: false, error: expect.stringContaining('maximum') });
  });
});

describe('parseInteger', () => {
  test.each([
    ['80', 1, 65535, 80],
    ['+7', undefined, undefined, 7],
    ['-3', undefined, undefined, -3],
    ['65535', 1, 65535, 65535],
  ] as const)('%p within [%p, %p] is %p', (raw, min, max, value) => {
    expect(parseInteger(raw, min, max)).toEqual({ ok: true, value });
  });
  test.each([
    ['0', 1, 65535, 'an integer from 1 to 65535'],
    ['65536', 1, 65535, 'an integer from 1 to 65535'],
    ['0', 1, undefined, 'an integer >= 1'],
    ['9', undefined, 8, 'an integer <= 8'],
    ['1.5', undefined, undefined, 'an integer'],
    ['0x10', undefined, undefined, 'an integer'],
    ['', undefined, undefined, 'an integer'],
    ['99999999999999999999', undefined, undefined, 'an integer'],
  ] as const)('%p within [%p, %p] is refused', (raw, min, max, want) => {
    expect(parseInteger(raw, min, max)).toEqual({ ok: false, error: `invalid value "${raw}" (want ${want})` });
  });
});
