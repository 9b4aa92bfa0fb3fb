import { describe, expect, test } from 'bun:test';
import { compareCrtListEntries } from '../config/build-model.ts';
import { crtListLine, entriesOfLine, groupedCrtListLines } from '../config/crt-list.ts';
import type { CrtListEntry } from '../config/model.ts';
import { prng } from '../../test/support/hostile-routes.ts';
import type { RuntimeCommand } from './commands.ts';
import { lineNumbersAfter, loadedLineNumbers, numberLoadedLines, type CrtLineNumbers } from './crt-line-numbers.ts';

const line = (sni: string, certFile = '/c/cert-x.pem', alpn = false): CrtListEntry => ({ certFile, sni, alpn });
const a = line('a.example.com');
const b = line('b.example.com');
const c = line('c.example.com');
const y = line('y.example.com', '/c/cert-y.pem');
const add = (...entries: CrtListEntry[]): RuntimeCommand => ({ kind: 'add-crt-list', crtList: 'cert_config.map', entries });
const del = (entry: CrtListEntry, n: number): RuntimeCommand => ({ kind: 'del-crt-list', crtList: 'cert_config.map', entry, line: n });
const alpnA = line('a.example.com', '/c/cert-x.pem', true);
/** What the numbers say of every entry these tests name, and of every number given. */
const numbered = (numbers: CrtLineNumbers) => {
  const lines: Record<string, number> = {};
  for (const e of [a, b, c, y, alpnA]) {
    const n = numbers.lineOf(e);
    if (n !== undefined) lines[crtListLine(e)] = n;
  }
  const members: Record<number, string[]> = {};
  for (let n = 1; n <= numbers.last; n++) {
    const entries = numbers.members(n);
    if (entries) members[n] = entries.map((e) => e.sni);
  }
  return { lines, members, last: numbers.last };
};

describe('crt-list line numbers, as haproxy 2.6 gives them', () => {
  test('a loaded list is numbered by line of the file, SNIs of one certificate on one line', () => {
    expect(numbered(loadedLineNumbers([a, b, y]))).toEqual({
      lines: { [crtListLine(a)]: 1, [crtListLine(b)]: 1, [crtListLine(y)]: 2 },
      members: { 1: ['a.example.com', 'b.example.com'], 2: ['y.example.com'] },
      last: 2,
    });
  });

  const cases: [string, RuntimeCommand[], Record<string, number>, number][] = [
    ['a line added live takes the number after the last', [add(c)], { [crtListLine(a)]: 1, [crtListLine(y)]: 2, [crtListLine(c)]: 3 }, 3],
    ['a deleted number is not given again', [del(y, 2), add(c)], { [crtListLine(a)]: 1, [crtListLine(c)]: 3 }, 3],
    ['a line deleted and added again gets a new number', [del(a, 1), add(a)], { [crtListLine(y)]: 2, [crtListLine(a)]: 3 }, 3],
    ['the same file with other options is another line', [add(alpnA)], { [crtListLine(a)]: 1, [crtListLine(y)]: 2, '/c/cert-x.pem [alpn h2,http/1.1] a.example.com': 3 }, 3],
  ];
  for (const [name, commands, lines, last] of cases) {
    test(name, () => {
      const after = numbered(lineNumbersAfter(loadedLineNumbers([a, y]), commands));
      expect({ lines: after.lines, last: after.last }).toEqual({ lines, last });
    });
  }

  test('a line of several SNIs goes whole; the SNIs sent again on a new line before keep theirs', () => {
    const after = lineNumbersAfter(loadedLineNumbers([a, b, c, y]), [add(b, c), del(a, 1)]);
    expect(numbered(after)).toEqual({
      lines: { [crtListLine(b)]: 3, [crtListLine(c)]: 3, [crtListLine(y)]: 2 },
      members: { 2: ['y.example.com'], 3: ['b.example.com', 'c.example.com'] },
      last: 3,
    });
  });

  test('commands that touch no crt-list line leave the numbers as they were', () => {
    const numbers = loadedLineNumbers([a]);
    expect(lineNumbersAfter(numbers, [{ kind: 'del-ssl-cert', certFile: '/c/cert-y.pem' }])).toBe(numbers);
  });
});

/** The numbers as a map of every entry and every line: what CrtLineNumbers answers without building. */
function referenceNumbers(crtList: readonly CrtListEntry[]) {
  const lines = new Map<string, number>();
  const members = new Map<number, readonly CrtListEntry[]>();
  groupedCrtListLines(crtList).forEach((l, i) => {
    members.set(i + 1, entriesOfLine(l));
    for (const e of entriesOfLine(l)) lines.set(crtListLine(e), i + 1);
  });
  let last = members.size;
  const run = (c: RuntimeCommand) => {
    if (c.kind === 'add-crt-list') {
      members.set(++last, c.entries);
      for (const e of c.entries) lines.set(crtListLine(e), last);
    } else if (c.kind === 'del-crt-list') {
      for (const e of members.get(c.line) ?? [c.entry]) if (lines.get(crtListLine(e)) === c.line) lines.delete(crtListLine(e));
      members.delete(c.line);
    }
  };
  return { lines, members, last: () => last, run };
}

describe('crt-list line numbers against a map of every entry', () => {
  const random = prng(7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const files = ['/c/cert-1.pem', '/c/cert-2.pem', '/c/cert-3.pem'];
  const entryOf = () => line(`h${Math.floor(random() * 40)}.example.com`, pick(files), random() < 0.3);

  for (const order of ['crt-list order', 'any order']) {
    test(`random lists in ${order} and random adds and deletes`, () => {
      for (let round = 0; round < 60; round++) {
        const list = Array.from({ length: Math.floor(random() * 120) }, entryOf);
        if (order === 'crt-list order') list.sort(compareCrtListEntries);
        const numbers = loadedLineNumbers(list);
        const reference = referenceNumbers(list);
        const universe = [...list];
        for (let step = 0; step < 40; step++) {
          const command: RuntimeCommand =
            random() < 0.5 || reference.members.size === 0
              ? { kind: 'add-crt-list', crtList: 'cert_config.map', entries: Array.from({ length: 1 + Math.floor(random() * 3) }, entryOf) }
              : (() => {
                  const n = pick([...reference.members.keys()]);
                  return { kind: 'del-crt-list', crtList: 'cert_config.map', entry: (reference.members.get(n) as CrtListEntry[])[0] as CrtListEntry, line: n };
                })();
          if (command.kind === 'add-crt-list') universe.push(...command.entries);
          lineNumbersAfter(numbers, [command]);
          reference.run(command);
          for (const e of universe) expect(numbers.lineOf(e)).toBe(reference.lines.get(crtListLine(e)));
          expect(numbers.last).toBe(reference.last());
          for (let n = 1; n <= reference.last(); n++) expect(numbers.members(n)?.map(crtListLine)).toEqual(reference.members.get(n)?.map(crtListLine));
        }
      }
    });
  }

  test('nothing is worked out until something is asked', () => {
    const untouchable = new Proxy([a, b], {
      get: (target, key) => {
        if (key === 'constructor') return Array;
        throw new Error(`read ${String(key)}`);
      },
    });
    const numbers = loadedLineNumbers(untouchable);
    expect(() => numbers.lineOf(a)).toThrow('read');
  });

  test('a list is grouped once, ahead of the first question when asked to, whatever asks about it', () => {
    let reads = 0;
    const list = new Proxy([a, b, y], {
      get: (target, key, receiver) => {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    numberLoadedLines(list);
    const grouped = reads;
    expect([loadedLineNumbers(list).last, loadedLineNumbers(list).last]).toEqual([2, 2]);
    expect({ grouped: grouped > 0, readAfter: reads - grouped }).toEqual({ grouped: true, readAfter: 0 });
  });

  test('an entry named twice in the list answers with its last line, as a map of them would', () => {
    const twice = line('a.example.com');
    expect([loadedLineNumbers([a, twice]).lineOf(a), loadedLineNumbers([a, twice]).last]).toEqual([2, 2]);
  });
});
