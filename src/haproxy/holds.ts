/**
 * Counted holds on keys (generations a background check reads): a key is
 * held while any hold on it is unreleased; each release counts once, however
 * often it is called.
 */
export class Holds<K> {
  private readonly counts = new Map<K, number>();

  hold(key: K): () => void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left > 0) this.counts.set(key, left);
      else this.counts.delete(key);
    };
  }

  has(key: K): boolean {
    return this.counts.has(key);
  }
}
