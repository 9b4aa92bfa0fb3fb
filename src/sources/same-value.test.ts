import { expect, test } from 'bun:test';
import { sameValue } from './same-value.ts';

test.each([
  ['equal primitives', 'a', 'a', true],
  ['different primitives', 1, 2, false],
  ['number and its text', 1, '1', false],
  ['null and undefined', null, undefined, false],
  ['null and an object', null, {}, false],
  ['keys in another order', { a: 1, b: { x: [1, 2], y: 'z' } }, { b: { y: 'z', x: [1, 2] }, a: 1 }, true],
  ['a nested difference', { a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 3 }] } }, false],
  ['an undefined property and a missing one', { a: 1, w: undefined }, { a: 1 }, true],
  ['a missing property and a defined one', { a: 1 }, { a: 1, w: 0 }, false],
  ['arrays in another order', [1, 2], [2, 1], false],
  ['arrays of different lengths', [1], [1, 1], false],
  ['an array and an object', [], {}, false],
])('%s', (_name, a, b, expected) => {
  expect(sameValue(a, b)).toBe(expected);
  expect(sameValue(b, a)).toBe(expected);
});
