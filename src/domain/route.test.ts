import { heapStats } from 'bun:jsc';
import { describe, expect, test } from 'bun:test';
import { objectKey } from './route.ts';

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
});
