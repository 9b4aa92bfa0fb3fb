import { describe, expect, test } from 'bun:test';
import { aggregateFieldErrors, quoteForMessage, toOneLine } from './rejection.ts';

describe('quoteForMessage', () => {
  const cases: [string, string, string][] = [
    ['plain text', 'abc', '"abc"'],
    ['newlines are escaped', 'a\nb\r', '"a\\nb\\r"'],
    ['quotes are escaped', 'a"b', '"a\\"b"'],
    ['unicode line breaks are escaped', 'a\u2028b\u0085', '"a\\u2028b\\u0085"'],
    ['long text is clipped', 'x'.repeat(100), `"${'x'.repeat(80)}..."`],
  ];
  for (const [name, input, expected] of cases) test(name, () => expect(quoteForMessage(input)).toBe(expected));
});

describe('aggregateFieldErrors', () => {
  const cases: [string, string[], string][] = [
    ['one error as is', ['a: bad'], 'a: bad'],
    ['several in brackets', ['a: bad', 'b: bad'], '[a: bad, b: bad]'],
    ['duplicates dropped', ['a: bad', 'a: bad'], 'a: bad'],
  ];
  for (const [name, errors, expected] of cases) test(name, () => expect(aggregateFieldErrors(errors)).toBe(expected));
});

describe('toOneLine', () => {
  const cases: [string, string, string][] = [
    ['plain text', 'certificate expired', 'certificate expired'],
    ['line breaks become spaces', 'bad key\n\tdetail\u2028more', 'bad key detail more'],
    ['ends are trimmed', '\nbad\n', 'bad'],
    ['long text is clipped', 'x'.repeat(2000), `${'x'.repeat(1024)}...`],
  ];
  for (const [name, input, expected] of cases) test(name, () => expect(toOneLine(input)).toBe(expected));
});
