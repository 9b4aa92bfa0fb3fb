import { describe, expect, test } from 'bun:test';
import { crtListLine } from '../config/crt-list.ts';
import type { CrtListEntry } from '../config/model.ts';
import type { RuntimeCommand } from './commands.ts';
import { lineNumbersAfter, loadedLineNumbers, type CrtLineNumbers } from './crt-line-numbers.ts';

const line = (sni: string, certFile = '/c/cert-x.pem', alpn = false): CrtListEntry => ({ certFile, sni, alpn });
const a = line('a.example.com');
const b = line('b.example.com');
const c = line('c.example.com');
const y = line('y.example.com', '/c/cert-y.pem');
const add = (...entries: CrtListEntry[]): RuntimeCommand => ({ kind: 'add-crt-list', crtList: 'cert_config.map', entries });
const del = (entry: CrtListEntry, n: number): RuntimeCommand => ({ kind: 'del-crt-list', crtList: 'cert_config.map', entry, line: n });
const numbered = (numbers: CrtLineNumbers) => ({
  lines: Object.fromEntries(numbers.lines),
  members: Object.fromEntries([...numbers.members].map(([n, entries]) => [n, entries.map((e) => e.sni)])),
  last: numbers.last,
});

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
    ['the same file with other options is another line', [add(line('a.example.com', '/c/cert-x.pem', true))], { [crtListLine(a)]: 1, [crtListLine(y)]: 2, '/c/cert-x.pem [alpn h2,http/1.1] a.example.com': 3 }, 3],
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
