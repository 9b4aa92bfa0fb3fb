import { describe, expect, test } from 'bun:test';
import { objectMemo } from './object-memo.ts';

describe('objectMemo', () => {
  test('remembers a value per object, and another memo its own', () => {
    const a = objectMemo<object, string>('a');
    const b = objectMemo<object, string>('b');
    const o = { x: 1 };
    expect(a.get(o)).toBeUndefined();
    expect(a.set(o, 'one')).toBe('one');
    expect(a.get(o)).toBe('one');
    expect(b.get(o)).toBeUndefined();
    b.set(o, 'two');
    a.set(o, 'three');
    expect([a.get(o), b.get(o)]).toEqual(['three', 'two']);
    expect(a.get({ x: 1 })).toBeUndefined();
  });

  test('invisible to copies, key walks, JSON and equality', () => {
    const memo = objectMemo<object, string>('m');
    const o = { namespace: 'ns', name: 'r' };
    const list = [1, 2];
    memo.set(o, 'ns/r');
    memo.set(list, 'list');
    const copy = { ...o };
    expect(memo.get(copy)).toBeUndefined();
    expect(memo.get(Object.assign({}, o))).toBeUndefined();
    expect(Object.keys(o)).toEqual(['namespace', 'name']);
    expect(Reflect.ownKeys(copy)).toEqual(['namespace', 'name']);
    expect(JSON.stringify(o)).toBe('{"namespace":"ns","name":"r"}');
    expect(o).toStrictEqual({ namespace: 'ns', name: 'r' });
    expect(list).toStrictEqual([1, 2]);
    expect([...list]).toEqual([1, 2]);
    expect(memo.get(list.slice())).toBeUndefined();
  });

  test('a frozen object is not remembered, and not broken', () => {
    const memo = objectMemo<object, string>('m');
    const frozen = Object.freeze({ a: 1 });
    expect(memo.set(frozen, 'v')).toBe('v');
    expect(memo.get(frozen)).toBeUndefined();
  });

  test('kept as long as the object, not longer: no table holds either', () => {
    const memo = objectMemo<object, object>('m');
    let o: object | undefined = {};
    const value = memo.set(o, { big: 'x'.repeat(10) });
    const ref = new WeakRef(value);
    expect(memo.get(o)).toBe(value);
    o = undefined;
    return (async () => {
      for (let i = 0; i < 20 && ref.deref() !== undefined; i++) {
        await Bun.sleep(0);
        Bun.gc(true);
      }
      expect(ref.deref()).toBeUndefined();
      // The memo itself is still in use.
      expect(memo.get({})).toBeUndefined();
    })();
  });
});
