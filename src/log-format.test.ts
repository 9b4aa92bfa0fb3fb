import { describe, expect, test } from 'bun:test';
import { escapeLogText, jsonLine, prettyLine, type LogRecordInput, type PrettyStyle } from './log-format.ts';

const at = new Date('2025-03-04T05:06:07.089Z');
const record = (type: string, level: number, ...args: unknown[]): LogRecordInput => ({ date: at, type, level, tag: 'commit', args });

describe('prettyLine', () => {
  test.each<[PrettyStyle, LogRecordInput, string]>([
    ['plain', record('warn', 1, 'route a/b rejected'), '2025-03-04T05:06:07.089Z WARN  [commit] route a/b rejected\n'],
    ['plain', record('error', 0, 'haproxy died'), '2025-03-04T05:06:07.089Z ERROR [commit] haproxy died\n'],
    ['journal', record('warn', 1, 'route a/b rejected'), '<4>[commit] route a/b rejected\n'],
    ['journal', record('error', 0, 'x'), '<3>[commit] x\n'],
    ['journal', record('info', 3, 'x'), '<6>[commit] x\n'],
    ['journal', record('debug', 4, 'x'), '<7>[commit] x\n'],
    ['plain', record('info', 3, 'GET /', { namespace: 'demo', route: 'hello', bytes: 12 }), '2025-03-04T05:06:07.089Z INFO  [commit] GET / namespace=demo route=hello bytes=12\n'],
    ['plain', record('info', 3, 'x', { note: 'two words' }), '2025-03-04T05:06:07.089Z INFO  [commit] x note="two words"\n'],
    ['journal', record('warn', 1, 'refused:\n[ALERT] a\n[ALERT] b'), '<4>[commit] refused:\n    [ALERT] a\n    [ALERT] b\n'],
  ])('%s: %j', (style, input, want) => {
    expect(prettyLine(input, style)).toBe(want);
  });

  test('a warning is one line, with no blank line around it (consola puts some around warnings and errors)', () => {
    for (const style of ['tty', 'plain', 'journal'] as const) {
      const text = prettyLine(record('warn', 1, 'Server be/x is DOWN'), style);
      expect(text.split('\n')).toEqual([expect.stringContaining('Server be/x is DOWN'), '']);
    }
  });

  test('a terminal gets colours and the local time; nothing else does', () => {
    expect(prettyLine(record('warn', 1, 'x'), 'tty')).toMatch(/^\x1b\[2m\d\d:\d\d:\d\d\.\d{3}\x1b\[0m \x1b\[33mWARN \x1b\[0m \[commit\] x\n$/);
    expect(prettyLine(record('warn', 1, 'x'), 'plain')).not.toContain('\x1b');
  });

  test('field values from outside are escaped like the message', () => {
    expect(prettyLine(record('info', 3, 'x', { uri: '/a\u2028b' }), 'plain')).toContain('uri=/a\\u2028b');
  });
});

describe('jsonLine', () => {
  test('fields join the message and the level; strings in them are escaped', () => {
    expect(JSON.parse(jsonLine(record('info', 3, 'GET /', { namespace: 'demo', uri: '/a\u2028b' })))).toEqual({
      ts: '2025-03-04T05:06:07.089Z',
      level: 'info',
      tag: 'commit',
      msg: 'GET /',
      namespace: 'demo',
      uri: '/a\\u2028b',
    });
  });

  test.each([
    ['quotes and backslashes', 'GET "/a\\b" HTTP/1.1'],
    ['a tab and a line break', 'a\tb\nc'],
    ['non-ASCII', 'é 日本 \u{1f600}'],
    ['controls, escaped for the log', 'a\x1b[2Kb\u2028c'],
  ])('%s: the line parses back to the message, escaped for the log and nothing else', (_what, text) => {
    const parsed = JSON.parse(jsonLine(record('info', 3, text, { field: text }))) as { msg: string; field: string };
    expect([parsed.msg, parsed.field]).toEqual([escapeLogText(text), escapeLogText(text)]);
  });

  test('an error argument gives its message and stack', () => {
    const parsed = JSON.parse(jsonLine(record('error', 0, 'failed:', new Error('boom')))) as { msg: string; stack: string };
    expect(parsed.msg).toBe('failed: boom');
    expect(parsed.stack).toContain('Error: boom');
  });
});
