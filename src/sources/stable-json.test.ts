import { expect, test } from 'bun:test';
import { stableStringify } from './stable-json.ts';

test.each([
  ['key order', { b: 1, a: 2 }, { a: 2, b: 1 }],
  ['nested key order', { x: { d: 1, c: [{ f: 1, e: 2 }] } }, { x: { c: [{ e: 2, f: 1 }], d: 1 } }],
  ['undefined fields vanish', { a: 1, b: undefined }, { a: 1 }],
])('equal values serialise equally: %s', (_name, a, b) => {
  expect(stableStringify(a)).toBe(stableStringify(b));
});

test('keys are sorted and array order is kept', () => {
  expect(stableStringify({ b: [2, 1], a: { z: true, y: null } })).toBe('{"a":{"y":null,"z":true},"b":[2,1]}');
});
