/** Sorted arrays: binary search and patching by copy (the running model's lists, the desired model's parts kept between builds). */

/** The first position in `items` (sorted by `compare`) whose item is not before `probe`. */
export function lowerBound<T>(items: readonly T[], probe: T, compare: (a: T, b: T) => number): number {
  return firstNotBefore(items, (item) => compare(item, probe) < 0);
}

/** The first position in `items` whose item `before` says no to (`items` hold those it says yes to first). */
export function firstNotBefore<T>(items: readonly T[], before: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(items[mid] as T)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `items` (sorted by `compare`) with `removed` taken out (for each, the
 * first item equal to it) and `added` put in their places (each before the
 * items equal to it, the later of equal ones first). Places are found by
 * binary search and the rest copied in one pass: a copy and a splice cost
 * 1.4 ms for 40,000 items and 4.3 ms for 100,000 in JavaScriptCore, and a
 * merge comparing every item about as much, paid by every edge route added
 * (BENCHMARKS.md, issue #12).
 */
export function patchSorted<T>(items: readonly T[], removed: readonly T[], added: readonly T[], compare: (a: T, b: T) => number): T[] {
  const dropped: number[] = [];
  for (const item of [...removed].sort(compare)) {
    let at = lowerBound(items, item, compare);
    // Equal items removed before this one took the first equal places.
    while (dropped.length > 0 && at <= (dropped[dropped.length - 1] as number)) at++;
    if (at < items.length && compare(items[at] as T, item) === 0) dropped.push(at);
  }
  const inserted = added.map((item, i) => ({ item, i, at: lowerBound(items, item, compare) })).sort((x, y) => x.at - y.at || compare(x.item, y.item) || y.i - x.i);
  const next = new Array<T>(items.length - dropped.length + added.length);
  let out = 0;
  let d = 0;
  let k = 0;
  for (let i = 0; i <= items.length; i++) {
    while (k < inserted.length && (inserted[k] as { at: number }).at === i) next[out++] = (inserted[k++] as { item: T }).item;
    if (i === items.length) break;
    if (d < dropped.length && dropped[d] === i) d++;
    else next[out++] = items[i] as T;
  }
  return next;
}

/**
 * Walks two lists in name order side by side, calling `visit` once for
 * each name with the item of that name in each list (undefined where a list
 * has none), in that order. The same object in both is passed as both, at
 * the cost of one comparison. A list out of order still has every item
 * visited once, some as unmatched.
 */
export function forEachByName<T extends { name: string }>(a: readonly T[], b: readonly T[], visit: (x: T | undefined, y: T | undefined) => void): void {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x !== undefined && (x === y || x.name === y?.name)) {
      visit(x, y);
      i++;
      j++;
    } else if (y === undefined || (x !== undefined && x.name < y.name)) {
      visit(x, undefined);
      i++;
    } else {
      visit(undefined, y);
      j++;
    }
  }
}
