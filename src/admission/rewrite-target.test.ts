import { describe, expect, test } from 'bun:test';
import { parseRewriteTarget, sanitizeRewriteTarget } from './rewrite-target.ts';

describe('sanitizeRewriteTarget: upstream rewritetarget_test.go, case by case', () => {
  test.each([
    ['%foo', '%%foo\\1'],
    ['%%foo', '%%foo\\1'],
    ['%%%foo', '%%%%%%foo\\1'],
    ['%%%%foo', '%%%%foo\\1'],
    ["'foo'foo\\'", "foofoo'\\''\\1"],
    ['\\foo\\', 'foo\\1'],
    ['\\\\foo\\\\', '\\foo\\\\1'],
    ['\\\\\\foo\\\\\\', '\\\\foo\\\\\\1'],
    ['\\\\\\\\foo\\\\\\\\', '\\\\foo\\\\\\1'],
    ['# foo # foo', ''],
    ['\\# foo # foo', '# foo '],
    ['foo # foo', 'foo '],
    ['"foo"foo\\"', 'foofoo"\\1'],
    ['\\\\foo\\"foo"\\#foo\\foo\'foo\\\'#foo', "\\foo\"foo#foofoofoo'\\''"],
  ])('%s', (input, output) => expect(sanitizeRewriteTarget(input)).toBe(output));
});

describe('parseRewriteTarget', () => {
  test('a path, sanitized', () => expect(parseRewriteTarget('/v2/%[src]')).toBe('/v2/%%[src]\\1'));
  test.each(['v2', '', '/a\nhttp-request deny', '/a\rb', '/a\tb'])('%p is ignored', (value) => expect(parseRewriteTarget(value)).toBeUndefined());
});
