import { describe, expect, test } from 'bun:test';
import { PatchedFiles } from './patched-files.ts';

/** The behaviour PatchedFiles stands in for: a Map copied, then the changes set. */
function copied(previous: ReadonlyMap<string, string>, changes: ReadonlyMap<string, string>): Map<string, string> {
  const copy = new Map(previous);
  for (const [name, text] of changes) copy.set(name, text);
  return copy;
}

/** A small deterministic generator, so a failing seed can be run again. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function expectSame(actual: ReadonlyMap<string, string>, expected: ReadonlyMap<string, string>, probes: readonly string[]): void {
  expect(actual.size).toBe(expected.size);
  expect([...actual]).toEqual([...expected]);
  expect([...actual.keys()]).toEqual([...expected.keys()]);
  expect([...actual.values()]).toEqual([...expected.values()]);
  const seen: [string, string][] = [];
  actual.forEach((text, name) => seen.push([name, text]));
  expect(seen).toEqual([...expected]);
  for (const name of probes) {
    expect(actual.get(name)).toBe(expected.get(name));
    expect(actual.has(name)).toBe(expected.has(name));
  }
}

describe('PatchedFiles', () => {
  test('reads as the copy with the changes set: a name kept in place, a new one last, an empty text kept', () => {
    const base = new Map([['a', '1'], ['b', '2'], ['c', '3']]);
    const patched = PatchedFiles.patch(base, new Map([['d', '4'], ['b', ''], ['e', '5']]));
    expect([...patched]).toEqual([['a', '1'], ['b', ''], ['c', '3'], ['d', '4'], ['e', '5']]);
    expect(patched.size).toBe(5);
    expect(patched.get('b')).toBe('');
    expect(patched.get('z')).toBeUndefined();
    expect(base.get('b')).toBe('2');
  });

  test('patch after patch, across full copies, equals copying every time (several seeds, thousands of patches)', () => {
    for (const seed of [1, 7, 42, 2026]) {
      const next = random(seed);
      const names = Array.from({ length: 300 }, (_, i) => `be-${i}.cfg`);
      let expected = new Map(names.slice(0, 200).map((n) => [n, `text of ${n}`]));
      let actual: ReadonlyMap<string, string> = expected;
      let copies = 0;
      const kept: [ReadonlyMap<string, string>, ReadonlyMap<string, string>][] = [];
      for (let step = 0; step < 1500; step++) {
        const changes = new Map<string, string>();
        const count = 1 + Math.floor(next() * 4);
        for (let i = 0; i < count; i++) changes.set(names[Math.floor(next() * names.length)] as string, `step ${step} ${i}`);
        actual = PatchedFiles.patch(actual, changes);
        expected = copied(expected, changes);
        if (!(actual instanceof PatchedFiles)) copies++;
        if (step % 50 === 0 || step > 1490) expectSame(actual, expected, names);
        if (step % 100 === 0) kept.push([actual, expected]);
      }
      // Each earlier result still reads as it did: later patches never write into what they start from.
      for (const [result, copy] of kept) expectSame(result, copy, names);
      // Copies happen, but far fewer than patches.
      expect(copies).toBeGreaterThan(0);
      expect(copies).toBeLessThan(150);
    }
  });

  test('an earlier result is not changed by a later patch', () => {
    const base = new Map([['a', '1'], ['b', '2']]);
    const first = PatchedFiles.patch(base, new Map([['a', 'x']]));
    const second = PatchedFiles.patch(first, new Map([['a', 'y'], ['c', '3']]));
    expect([...first]).toEqual([['a', 'x'], ['b', '2']]);
    expect([...second]).toEqual([['a', 'y'], ['b', '2'], ['c', '3']]);
    expect(first.size).toBe(2);
  });
});
