import { describe, expect, test } from 'bun:test';
import { StringSets } from './string-sets.ts';

type Op = ['add' | 'delete', string, string];

describe('StringSets', () => {
  test.each<[string, Op[], Record<string, string[]>]>([
    ['one member', [['add', 'h', 'a']], { h: ['a'] }],
    ['the same member twice stays one', [['add', 'h', 'a'], ['add', 'h', 'a']], { h: ['a'] }],
    ['two members, in the order added', [['add', 'h', 'a'], ['add', 'h', 'b']], { h: ['a', 'b'] }],
    ['back to one member', [['add', 'h', 'a'], ['add', 'h', 'b'], ['delete', 'h', 'a']], { h: ['b'] }],
    ['the last member gone: the key is empty', [['add', 'h', 'a'], ['delete', 'h', 'a']], { h: [] }],
    ['deleting a member it does not hold changes nothing', [['add', 'h', 'a'], ['delete', 'h', 'b'], ['delete', 'x', 'a']], { h: ['a'], x: [] }],
    ['three members, one gone', [['add', 'h', 'a'], ['add', 'h', 'b'], ['add', 'h', 'c'], ['delete', 'h', 'b']], { h: ['a', 'c'] }],
    ['keys are independent', [['add', 'h', 'a'], ['add', 'g', 'a'], ['delete', 'h', 'a']], { h: [], g: ['a'] }],
  ])('%s', (_, ops, expected) => {
    const sets = new StringSets<string>();
    for (const [op, key, value] of ops) sets[op](key, value);
    for (const [key, members] of Object.entries(expected)) {
      expect([...sets.get(key)]).toEqual(members);
      expect(sets.size(key)).toBe(members.length);
    }
  });
});
