import { describe, expect, test } from 'bun:test';
import { SHOW_STAT_2_6 } from '../../../test/support/show-stat-sample.ts';
import { MIN_STAT_COLUMNS, parseShowStat, STAT_COLUMN, STAT_TYPE } from './show-stat.ts';

describe('parseShowStat', () => {
  test('reads haproxy 2.6 rows by column number', () => {
    const { rows, malformed } = parseShowStat(SHOW_STAT_2_6);
    expect(malformed).toBe(0);
    expect(rows.map((r) => [r[STAT_COLUMN.proxy], r[STAT_COLUMN.service], r[STAT_COLUMN.type], r[STAT_COLUMN.status]])).toEqual([
      ['public', 'FRONTEND', STAT_TYPE.frontend, 'OPEN'],
      ['be_http:ns1:r1', 'pod:p1:svc:http:127.0.0.1:19999', STAT_TYPE.server, 'DOWN'],
      ['be_http:ns1:r1', 'BACKEND', STAT_TYPE.backend, 'DOWN'],
      ['be_http:_spare:1', 'BACKEND', STAT_TYPE.backend, 'UP'],
    ]);
    // bytes in (8) of the frontend, and the server's check description, a field with spaces.
    expect(rows[0]?.[8]).toBe('82');
    expect(rows[1]?.[65]).toBe('Layer4 connection problem');
  });

  test.each([
    ['a quoted field with a comma', 'a,"b, c",d', ['a', 'b, c', 'd']],
    ['a doubled quote inside quotes', '"say ""hi""",x', ['say "hi"', 'x']],
    ['empty fields and a trailing comma', 'a,,b,', ['a', '', 'b', '']],
  ])('%s', (_name, line, fields) => {
    const padding = ','.repeat(MIN_STAT_COLUMNS);
    const { rows } = parseShowStat(`# pxname,svname,\n${line}${padding}\n`);
    expect(rows[0]?.slice(0, fields.length)).toEqual(fields);
  });

  test('rows too short or with a broken quote are counted, not read', () => {
    const padding = ','.repeat(MIN_STAT_COLUMNS);
    const { rows, malformed } = parseShowStat(`# pxname,svname,\na,b\n"open,x${padding}\nok${padding}\n`);
    expect(rows.map((r) => r[0])).toEqual(['ok']);
    expect(malformed).toBe(2);
  });

  test.each([['Unknown command.\n'], [''], ['Permission denied\n']])('a reply that is not the CSV (%j) is an error', (reply) => {
    expect(() => parseShowStat(reply)).toThrow('unexpected show stat reply');
  });
});
