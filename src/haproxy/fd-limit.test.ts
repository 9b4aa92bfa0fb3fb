import { expect, test } from 'bun:test';
import { parseOpenFileLimit } from './fd-limit.ts';

test('reads the hard open-files limit from /proc/self/limits', () => {
  const text = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 20000                files
`;
  expect(parseOpenFileLimit(text)).toBe(20000);
  expect(parseOpenFileLimit(text.replace('20000', 'unlimited'))).toBe(Number.POSITIVE_INFINITY);
  expect(parseOpenFileLimit('nothing here')).toBeUndefined();
});
