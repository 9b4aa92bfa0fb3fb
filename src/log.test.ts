import { describe, expect, test } from 'bun:test';
import { createLogger, escapeLogText, recordOutput, type LogFormat } from './log.ts';

/** Raw characters that must never reach a log line from a message (tab and newline aside). */
const RAW_UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const NAMES: [string, string][] = [
  ['a newline and a forged record', 'evil\n[info] route default/other admitted'],
  ['a JSON-looking forged record', 'evil\n{"level":"info","msg":"route default/other admitted"}'],
  ['ANSI escapes that erase the line', 'evil\x1b[2K\x1b[1G[info] fine'],
  ['a carriage return', 'evil\r[info] fine'],
  ['C1 next-line', 'evil\u0085[info] fine'],
  ['Unicode line and paragraph separators', 'evil\u2028[info]\u2029fine'],
  ['a bidirectional override', 'evil\u202eenif'],
  ['NUL and DEL', 'evil\u0000\u007f'],
];

function logged(format: LogFormat, name: string): string[] {
  const lines: string[] = [];
  const logger = createLogger({ format, level: 'info', write: (text) => lines.push(...text.split('\n').filter((l) => l !== '')) });
  logger.withTag('commit').warn(`route default/${name} rejected: InvalidHost: bad`);
  return lines;
}

describe('object names in log lines', () => {
  test.each(NAMES)('JSON: %s stays inside one record, escaped', (_what, name) => {
    const lines = logged('json', name);
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0] ?? '') as { msg: string; level: string };
    expect(record.level).toBe('warn');
    expect(record.msg).not.toMatch(RAW_UNSAFE);
    expect(lines[0]).not.toMatch(RAW_UNSAFE);
    expect(record.msg).toStartWith('route default/evil');
    expect(record.msg).toEndWith(' rejected: InvalidHost: bad');
  });

  test.each(NAMES)('pretty: %s cannot start a line of its own', (_what, name) => {
    const lines = logged('pretty', name);
    expect(lines.join('\n')).not.toMatch(RAW_UNSAFE);
    const [first, ...rest] = lines;
    expect(first).toContain('route default/evil');
    for (const line of rest) expect(line).toStartWith('    ');
  });
});

describe('escapeLogText', () => {
  test.each([
    ['plain text', 'plain text'],
    ['tab\tand\nnewline stay', 'tab\tand\nnewline stay'],
    ['\x1b[31mred', '\\u001b[31mred'],
    ['a\u0085b\u2028c', 'a\\u0085b\\u2028c'],
    ['é and 日本 stay', 'é and 日本 stay'],
  ])('%j -> %j', (text, want) => {
    expect(escapeLogText(text)).toBe(want);
  });
});

describe('createLogger', () => {
  test('identical records are each written, at once (consola would fold them into "repeated N times")', () => {
    const lines: string[] = [];
    const logger = createLogger({ format: 'json', level: 'info', write: (line) => lines.push(line) });
    for (let i = 0; i < 20; i++) logger.withTag('access').info('127.0.0.1:4000 GET / 200');
    expect(lines).toHaveLength(20);
  });
});

describe('recordOutput', () => {
  test("a tagged logger's output is its root's; none below info", () => {
    const lines: string[] = [];
    const logger = createLogger({ format: 'json', level: 'info', write: (line) => lines.push(line) });
    const output = recordOutput(logger.withTag('access'));
    output?.write(Buffer.from('{"a":1}\n{"b":2}\n'));
    expect(lines).toEqual(['{"a":1}\n', '{"b":2}\n']);
    expect(output?.json).toBe(true);
    expect(recordOutput(createLogger({ format: 'json', level: 'warn', write: () => {} }))).toBeUndefined();
  });
});
