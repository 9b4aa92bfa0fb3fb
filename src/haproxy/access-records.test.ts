import { describe, expect, test } from 'bun:test';
import type { PrettyStyle } from '../log-format.ts';
import { createLogger, recordOutput, type LogFormat } from '../log.ts';
import { AccessRecords } from './access-records.ts';

/** The same records through the logger and through AccessRecords, their time blanked out. */
function both(format: LogFormat, style: PrettyStyle, texts: string[], fields?: { namespace: string; route: string }) {
  const logged: string[] = [];
  const written: string[] = [];
  let into = logged;
  const logger = createLogger({ format, level: 'info', style, write: (line) => into.push(line) }).withTag('access');
  for (const text of texts) (fields ? logger.info(text, fields) : logger.info(text));
  into = written;
  const output = recordOutput(logger);
  if (!output) throw new Error('no output');
  const records = new AccessRecords(output, 'access');
  const bytes = Buffer.from(`junk${texts.join('\n')}junk`);
  let at = 4;
  const added = texts.map((text) => {
    const ok = records.add(bytes, at, at + Buffer.byteLength(text), fields);
    at += Buffer.byteLength(text) + 1;
    return ok;
  });
  records.flush();
  const blank = (lines: string[]) => lines.map((l) => l.replace(/^\{"ts":"[^"]*"/, '{"ts":""').replace(/^(\x1b\[2m)?(\d{4}-\S+|\d\d:\d\d:\d\d\.\d{3})/, 'TIME'));
  return { added, logged: blank(logged), written: blank(written) };
}

const TEXTS = [
  '127.0.0.1:4000 [05/Dec/2026:10:16:59.564] public be_http:shop:web/ept:web:http:10.0.0.1:8080 0/0/0/1/1 200 12 - - ---- 1/1/0/0/0 0/0 "GET /a?b="c" HTTP/1.1"',
  '127.0.0.1:4001 [05/Dec/2026:10:16:59.565] public openshift_default/<NOSRV> 0/-1/-1/-1/0 503 485 - - SC-- 1/1/0/0/0 0/0 "GET /x\\y HTTP/1.1"',
];

describe('AccessRecords', () => {
  test.each<[LogFormat, PrettyStyle]>([
    ['json', 'plain'],
    ['pretty', 'plain'],
    ['pretty', 'journal'],
    ['pretty', 'tty'],
  ])('%s (%s): byte for byte the lines the logger writes, with and without route fields', (format, style) => {
    for (const fields of [undefined, { namespace: 'shop', route: 'web' }]) {
      const r = both(format, style, TEXTS, fields);
      expect(r.added).toEqual([true, true]);
      expect(r.written).toEqual(r.logged);
    }
  });

  test.each([
    ['a control character', 'GET /\x1b[2K HTTP/1.1'],
    ['a tab', 'a\tb'],
    ['DEL', 'a\x7fb'],
    ['non-ASCII', 'GET /é HTTP/1.1'],
  ])('%s is left to the logger, which escapes it', (_what, text) => {
    expect(both('json', 'plain', [text]).added).toEqual([false]);
  });

  test('JSON records parse back to the text', () => {
    const { written } = both('json', 'plain', TEXTS, { namespace: 'shop', route: 'web' });
    expect(written.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(TEXTS);
  });
});

describe('AccessRecords time', () => {
  test.each<[LogFormat, PrettyStyle, RegExp]>([
    ['json', 'plain', /^\{"ts":"(\S+?)"/],
    ['pretty', 'plain', /^(\S+) /],
  ])('%s (%s): the time of the record, not of the template', (format, style, pattern) => {
    const lines: string[] = [];
    const output = recordOutput(createLogger({ format, level: 'info', style, write: (line) => lines.push(line) }));
    if (!output) throw new Error('no output');
    const records = new AccessRecords(output, 'access');
    const before = Date.now();
    records.add(Buffer.from('x'), 0, 1, undefined);
    records.flush();
    const time = Date.parse(pattern.exec(lines[0] ?? '')?.[1] ?? '');
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now());
  });
});
