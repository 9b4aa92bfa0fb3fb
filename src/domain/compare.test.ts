import { expect, test } from 'bun:test';
import { byName, compareText } from './compare.ts';

test('compareText orders by code unit, not locale', () => {
  expect(['b', 'B', 'a', 'A', '_'].sort(compareText)).toEqual(['A', 'B', '_', 'a', 'b']);
  expect(compareText('x', 'x')).toBe(0);
});

test('byName orders by name with compareText', () => {
  expect([{ name: 'b:1' }, { name: 'B:2' }, { name: 'b' }].sort(byName)).toEqual([{ name: 'B:2' }, { name: 'b' }, { name: 'b:1' }]);
  expect(byName({ name: 'same' }, { name: 'same' })).toBe(0);
});
