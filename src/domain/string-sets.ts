/**
 * Sets of strings by key, a key with one member holding just that string:
 * in the indexes of admission and the desired model most keys (a host, a
 * map key, a service) have one route, and a Set per key cost some 300
 * bytes each, about 10 MB at 10,000 routes.
 */
export class StringSets<K> {
  private readonly entries = new Map<K, string | Set<string>>();

  add(key: K, value: string): void {
    const held = this.entries.get(key);
    if (held === undefined) this.entries.set(key, value);
    else if (typeof held === 'string') {
      if (held !== value) this.entries.set(key, new Set([held, value]));
    } else held.add(value);
  }

  delete(key: K, value: string): void {
    const held = this.entries.get(key);
    if (held === undefined) return;
    if (typeof held === 'string') {
      if (held === value) this.entries.delete(key);
      return;
    }
    held.delete(value);
    if (held.size === 1) this.entries.set(key, held.values().next().value as string);
  }

  /** The members of `key`'s set, none when it has none. */
  get(key: K): Iterable<string> {
    const held = this.entries.get(key);
    if (held === undefined) return [];
    return typeof held === 'string' ? [held] : held;
  }

  size(key: K): number {
    const held = this.entries.get(key);
    if (held === undefined) return 0;
    return typeof held === 'string' ? 1 : held.size;
  }
}
