import { heapStats } from 'bun:jsc';
import { describe, expect, test } from 'bun:test';
import { objectKey, withObjectKey } from './route.ts';

describe('objectKey', () => {
  test('is namespace/name', () => {
    expect(objectKey({ namespace: 'shop', name: 'web' })).toBe('shop/web');
  });

  test('stages that key the same object share one string, not a copy each', () => {
    const n = 10_000;
    const objects = Array.from({ length: n }, (_, i) => ({ namespace: `ns${i % 100}`, name: `route-${i}` }));
    const strings = () => {
      Bun.gc(true);
      return heapStats().objectTypeCounts.string ?? 0;
    };
    const before = strings();
    // Five stages, each keeping every object's key (the state, admission, the index, ...).
    const stages = Array.from({ length: 5 }, () => objects.map(objectKey));
    expect(stages[4]?.[n - 1]).toBe(`ns99/route-${n - 1}`);
    expect((strings() - before) / n).toBeLessThan(1.5);
  });

  test("takes the key a source made, when it is the object's own, so the two share one string", () => {
    const n = 10_000;
    const made = Array.from({ length: n }, (_, i) => `ns${i % 100}/route-${i}`);
    const objects = made.map((key) => {
      const slash = key.indexOf('/');
      return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
    });
    const strings = () => {
      Bun.gc(true);
      return heapStats().objectTypeCounts.string ?? 0;
    };
    const before = strings();
    const keys = objects.map((o, i) => objectKey(withObjectKey(o, made[i] ?? '')));
    expect(keys[n - 1]).toBe(`ns99/route-${n - 1}`);
    expect((strings() - before) / n).toBeLessThan(0.5);
  });

  test.each([
    ['another name', { namespace: 'shop', name: 'web' }, 'shop/api', 'shop/web'],
    ['the slash elsewhere', { namespace: 'shop', name: 'web' }, 'sho/pweb', 'shop/web'],
    ['a longer text', { namespace: 'shop', name: 'web' }, 'shop/webx', 'shop/web'],
    ['its own text', { namespace: 'shop', name: 'web' }, 'shop/web', 'shop/web'],
  ])('with %s, the key stays namespace/name', (_, o, made, key) => {
    expect(objectKey(withObjectKey({ ...o }, made))).toBe(key);
  });
});
