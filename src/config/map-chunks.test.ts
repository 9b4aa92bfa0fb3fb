import { describe, expect, test } from 'bun:test';
import { prng } from '../../test/support/hostile-routes.ts';
import { compareText } from '../domain/compare.ts';
import { MAP_LINES, MapChunks, mapText, mapTextSteps, type LineFormat } from './map-chunks.ts';
import { STEP_ITEMS } from './render-steps.ts';
import type { MapEntry } from './model.ts';

const sorted = (m: ReadonlyMap<string, string>): MapEntry[] => [...m].map(([key, value]) => ({ key, value })).sort((a, b) => compareText(a.key, b.key));

function expectSame(chunks: MapChunks, reference: ReadonlyMap<string, string>): void {
  const want = sorted(reference);
  expect(chunks.entries()).toEqual(want);
  expect(chunks.size).toBe(want.length);
  expect(chunks.text()).toBe(mapText(want));
}

describe('MapChunks', () => {
  const cases: [string, [string, string][], [string, string | undefined][], [string, string][]][] = [
    ['an entry into an empty map', [], [['h.com/', 'be_a']], [['h.com/', 'be_a']]],
    ['before every key', [['b/', '1'], ['c/', '2']], [['a/', '0']], [['a/', '0'], ['b/', '1'], ['c/', '2']]],
    ['after every key', [['b/', '1']], [['z/', '9']], [['b/', '1'], ['z/', '9']]],
    ['a new value', [['b/', '1']], [['b/', '2']], [['b/', '2']]],
    ['a removal', [['a/', '1'], ['b/', '2']], [['a/', undefined]], [['b/', '2']]],
    ['a removal of a key it does not hold', [['a/', '1']], [['q/', undefined]], [['a/', '1']]],
    ['the last entry removed', [['a/', '1']], [['a/', undefined]], []],
  ];
  for (const [name, start, changes, want] of cases) {
    test(name, () => {
      const chunks = MapChunks.of(sorted(new Map(start))).patched(new Map(changes));
      expectSame(chunks, new Map(want));
      for (const [key, value] of want) expect(chunks.get(key)).toBe(value);
    });
  }

  test('a patch leaves the value it was made from as it was', () => {
    const before = MapChunks.of([{ key: 'a/', value: '1' }]);
    before.patched(new Map([['b/', '2'], ['a/', undefined]]));
    expectSame(before, new Map([['a/', '1']]));
  });

  // Thousands of entries over many chunks, patched at random (chunks filled past a split and emptied on the way):
  // entries, text and lookups are what sorting the same entries from scratch gives.
  for (const seed of [1, 2, 3, 4]) {
    test(`random patches equal a sort from scratch (seed ${seed})`, () => {
      const random = prng(seed);
      const key = () => `h${Math.floor(random() * 6000)
        .toString()
        .padStart(4, '0')}.apps/${random() < 0.3 ? 'p' : ''}`;
      const reference = new Map<string, string>();
      for (let i = 0; i < 600; i++) reference.set(key(), `be_${i}`);
      let chunks = MapChunks.of(sorted(reference));
      for (let round = 0; round < 40; round++) {
        const changes = new Map<string, string | undefined>();
        const count = round % 10 === 0 ? 700 : 1 + Math.floor(random() * 5);
        for (let i = 0; i < count; i++) changes.set(key(), random() < 0.4 ? undefined : `be_${round}_${i}`);
        chunks = chunks.patched(changes);
        for (const [k, v] of changes) {
          if (v === undefined) reference.delete(k);
          else reference.set(k, v);
        }
        expectSame(chunks, reference);
      }
      for (let i = 0; i < 500; i++) {
        const k = key();
        expect(chunks.get(k)).toBe(reference.get(k));
      }
    });
  }

  describe('the text of a full render adopted', () => {
    const entries = sorted(new Map(Array.from({ length: 2000 }, (_, i) => [`h${String(i).padStart(5, '0')}.apps/`, `be_http:ns:r${i}`])));
    /** MAP_LINES, counting the lines it builds. */
    const counting = () => {
      const built = { lines: 0 };
      const format: LineFormat = { ...MAP_LINES, line: (k, v) => (built.lines++, MAP_LINES.line(k, v)) };
      return { built, format };
    };

    test('is taken where it holds exactly the entries: a patch then builds its own line only', () => {
      const { built, format } = counting();
      const chunks = MapChunks.of(entries, format);
      expect(chunks.adoptText(mapText(entries))).toBe(true);
      expect(built.lines).toBe(0);
      const patched = chunks.patched(new Map([['h01000x.apps/', 'be_new']]));
      const want = new Map(entries.map((e) => [e.key, e.value])).set('h01000x.apps/', 'be_new');
      expect(patched.text()).toBe(mapText(sorted(want)));
      expect(built.lines).toBe(1);
      // A value replaced, and a line removed, are changed in the chunk's text in place too.
      const again = patched.patched(new Map([['h01000x.apps/', 'be_newer'], ['h00007.apps/', undefined]]));
      want.set('h01000x.apps/', 'be_newer').delete('h00007.apps/');
      expect(again.text()).toBe(mapText(sorted(want)));
      expect(built.lines).toBe(2);
      expect(chunks.text()).toBe(mapText(entries));
    });

    const changed = (text: string, from: string, to: string) => text.replace(from, to);
    test.each([
      ['a value of the same length', (t: string) => changed(t, 'be_http:ns:r1500\n', 'be_http:ns:r1599\n')],
      ['a key of the same length', (t: string) => changed(t, 'h00007.apps/', 'h00007.appz/')],
      ['a line more at the end', (t: string) => `${t}extra.apps/ be_x\n`],
      ['the last newline missing', (t: string) => t.slice(0, -1)],
      ['an empty file', () => ''],
      ['a tab for the space', (t: string) => changed(t, 'h00042.apps/ ', 'h00042.apps/\t')],
    ])('is refused with %s, and the text stays the entries\' own', (_name, spoil) => {
      const chunks = MapChunks.of(entries);
      expect(chunks.adoptText(spoil(mapText(entries)))).toBe(false);
      expect(chunks.text()).toBe(mapText(entries));
      expect(chunks.patched(new Map([['h00001.apps/', undefined]])).text()).toBe(mapText(entries.filter((e) => e.key !== 'h00001.apps/')));
    });

    test('line lengths are told without making the lines', () => {
      for (const [key, value] of [['a', 'b'], ['h.example.com/p', 'be_http:ns:r'], ['caf\u00e9.apps/', '\u{1F600}']]) expect(MAP_LINES.length(key as string, value as string)).toBe(MAP_LINES.line(key as string, value as string).length);
    });

    test('of an empty map is the empty file', () => {
      expect(MapChunks.of([]).adoptText('')).toBe(true);
      expect(MapChunks.of([]).adoptText('a b\n')).toBe(false);
    });
  });
});

describe('mapTextSteps', () => {
  test.each([0, 1, STEP_ITEMS, STEP_ITEMS + 1, 3 * STEP_ITEMS - 1])('%i entries: the text mapText gives, a turn every STEP_ITEMS entries', (n) => {
    const entries = Array.from({ length: n }, (_, i) => ({ key: `host${i}.example.com/`, value: `be_http:ns:r${i}` }));
    const steps = mapTextSteps(entries);
    let turns = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) turns++;
    expect({ text: step.value === mapText(entries), turns }).toEqual({ text: true, turns: n <= STEP_ITEMS ? 0 : Math.ceil(n / STEP_ITEMS) });
  });
});
