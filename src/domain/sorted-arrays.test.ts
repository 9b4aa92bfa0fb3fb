import { describe, expect, test } from 'bun:test';
import { prng } from '../../test/support/hostile-routes.ts';
import { forEachByName, lowerBound, patchSorted } from './sorted-arrays.ts';

interface Item {
  key: number;
  tag: string;
}
const byKey = (a: Item, b: Item) => a.key - b.key;

/** patchSorted as a copy, a removal of the first equal item for each removed one, then an insertion before the equal ones for each added. */
function spliced(items: readonly Item[], removed: readonly Item[], added: readonly Item[]): Item[] {
  const next = items.slice();
  for (const item of removed) {
    const at = lowerBound(next, item, byKey);
    if (at < next.length && byKey(next[at] as Item, item) === 0) next.splice(at, 1);
  }
  for (const item of added) next.splice(lowerBound(next, item, byKey), 0, item);
  return next;
}

describe('patchSorted', () => {
  test('as removals and insertions one by one would leave the list, equal items included', () => {
    const random = prng(11);
    const item = (tag: string): Item => ({ key: Math.floor(random() * 12), tag });
    for (let round = 0; round < 2000; round++) {
      const items = Array.from({ length: Math.floor(random() * 20) }, (_, i) => item(`i${i}`)).sort(byKey);
      const removed = Array.from({ length: Math.floor(random() * 5) }, (_, i) => item(`r${i}`));
      const added = Array.from({ length: Math.floor(random() * 5) }, (_, i) => item(`a${i}`));
      expect(patchSorted(items, removed, added, byKey).map((x) => x.tag)).toEqual(spliced(items, removed, added).map((x) => x.tag));
    }
  });

  test('leaves the list it was given as it was', () => {
    const items = [{ key: 1, tag: 'a' }, { key: 2, tag: 'b' }];
    patchSorted(items, [items[0] as Item], [{ key: 0, tag: 'c' }], byKey);
    expect(items.map((x) => x.tag)).toEqual(['a', 'b']);
  });
});

describe('forEachByName', () => {
  const named = (...names: string[]) => names.map((name) => ({ name }));
  const visits = (a: { name: string }[], b: { name: string }[]) => {
    const seen: string[] = [];
    forEachByName(a, b, (x, y) => seen.push(`${x?.name ?? '-'}|${y?.name ?? '-'}${x !== undefined && x === y ? ' (same)' : ''}`));
    return seen;
  };

  test('pairs the items of each name in name order, the same object as such', () => {
    const shared = { name: 'b' };
    expect(visits([{ name: 'a' }, shared, { name: 'd' }], [shared, { name: 'c' }, { name: 'd' }])).toEqual(['a|-', 'b|b (same)', '-|c', 'd|d']);
  });

  test('visits every item once, unmatched, when a list is out of order', () => {
    expect(visits(named('a', 'b', 'c'), named('c', 'a', 'b'))).toEqual(['a|-', 'b|-', 'c|c', '-|a', '-|b']);
    expect(visits([], named('b', 'a'))).toEqual(['-|b', '-|a']);
  });
});
