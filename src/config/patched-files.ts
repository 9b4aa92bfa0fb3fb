/**
 * A rendered file set that differs from an earlier one by a few names,
 * without copying it. A change touches a handful of files; copying the
 * whole set (1,340 names at 10,000 routes, 13,000 at 100,000) for each one
 * was a tenth of an endpoint move's CPU (BENCHMARKS.md). The names set
 * since the last full copy sit beside that copy; once they outgrow about
 * sqrt(8 n), the next patch copies again, so a patch costs O(sqrt n)
 * amortised and a lookup at most two.
 *
 * It reads as a Map copied from `base` with the changes then set: the
 * same entries, in the same order (a name kept where it was, a new one last).
 */
export class PatchedFiles implements ReadonlyMap<string, string> {
  readonly size: number;

  private constructor(
    private readonly base: ReadonlyMap<string, string>,
    private readonly changes: ReadonlyMap<string, string>,
  ) {
    let added = 0;
    for (const name of changes.keys()) if (!base.has(name)) added++;
    this.size = base.size + added;
  }

  /** `previous` with each of `changes` set. */
  static patch(previous: ReadonlyMap<string, string>, changes: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
    const base = previous instanceof PatchedFiles ? previous.base : previous;
    const merged = previous instanceof PatchedFiles ? new Map(previous.changes) : new Map<string, string>();
    for (const [name, text] of changes) merged.set(name, text);
    if (merged.size <= Math.sqrt(8 * base.size)) return new PatchedFiles(base, merged);
    const copy = new Map(base);
    for (const [name, text] of merged) copy.set(name, text);
    return copy;
  }

  get(name: string): string | undefined {
    return this.changes.get(name) ?? this.base.get(name);
  }

  has(name: string): boolean {
    return this.changes.has(name) || this.base.has(name);
  }

  *entries(): MapIterator<[string, string]> {
    for (const [name, text] of this.base) yield [name, this.changes.get(name) ?? text];
    for (const entry of this.changes) if (!this.base.has(entry[0])) yield entry;
  }

  *keys(): MapIterator<string> {
    yield* this.base.keys();
    for (const name of this.changes.keys()) if (!this.base.has(name)) yield name;
  }

  *values(): MapIterator<string> {
    for (const [, text] of this.entries()) yield text;
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }

  forEach(callback: (text: string, name: string, map: ReadonlyMap<string, string>) => void, thisArg?: unknown): void {
    for (const [name, text] of this.entries()) callback.call(thisArg, text, name, this);
  }
}
