/**
 * A value remembered on an object itself, under a symbol of the memo's own,
 * as a WeakMap would remember it, without the WeakMap's cost to every
 * collection: JavaScriptCore visits each entry of each WeakMap at every
 * collection, the eden ones that Bun's timer runs each second included
 * (300,000 entries add 10 ms to each; the router's per-route memos made the
 * collections at 100,000 routes pause 19 ms at the median, BENCHMARKS.md).
 * The property is not enumerable, so copies (spread, Object.assign),
 * equality, JSON and key walks do not see it; an object that cannot take it
 * (frozen) is simply not remembered. Each memo adds a property of its own
 * to the objects it remembers for: where memo owners come and go over
 * objects that stay (a selector per context over the lists of slices),
 * make one memo and tell the owners apart in the value.
 */
export interface ObjectMemo<K extends object, V> {
  get(o: K): V | undefined;
  /** Remembers `value` for `o` (when `o` can take it) and returns it. */
  set(o: K, value: V): V;
  /** Lets go of what is remembered for `o` (the property stays, undefined: deleting it would slow every later read of `o`). */
  forget(o: K): void;
}

export function objectMemo<K extends object, V>(name: string): ObjectMemo<K, V> {
  const slot = Symbol(name);
  return {
    get: (o) => (o as Record<symbol, V | undefined>)[slot],
    set(o, value) {
      if (Object.hasOwn(o, slot)) (o as Record<symbol, V>)[slot] = value;
      else if (Object.isExtensible(o)) Object.defineProperty(o, slot, { value, writable: true, configurable: true, enumerable: false });
      return value;
    },
    forget(o) {
      if (Object.hasOwn(o, slot)) (o as Record<symbol, V | undefined>)[slot] = undefined;
    },
  };
}
