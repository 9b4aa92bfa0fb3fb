import { expect, test } from 'bun:test';
import { errorMessage } from './errors.ts';

test.each([
  ['an Error', new Error('disk full'), 'disk full'],
  ['an Error subclass', new TypeError('not a function'), 'not a function'],
  ['a thrown string', 'socket closed', 'socket closed'],
  ['undefined', undefined, 'undefined'],
  ['an object', { code: 5 }, '[object Object]'],
])('%s', (_name, err, want) => expect(errorMessage(err)).toBe(want));
