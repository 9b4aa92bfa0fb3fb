import { describe, expect, test } from 'bun:test';
import { parseCaseAdjustments, parseCookieCapture, parseHeaderActions, parseHeaderCaptures } from './http-settings.ts';
import type { Parsed } from './values.ts';

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (error: string): Parsed<never> => ({ ok: false, error });

describe('parseHeaderCaptures (upstream: NAME:MAXLENGTH,...)', () => {
  test.each<[string, Parsed<unknown>]>([
    ['Host:90', ok([{ name: 'Host', maxLength: 90 }])],
    ['Host:90,X-Request-Id:40', ok([{ name: 'Host', maxLength: 90 }, { name: 'X-Request-Id', maxLength: 40 }])],
    ['Host', fail('invalid header capture "Host" (want NAME:MAXLENGTH)')],
    ['Host:90:1', fail('invalid header capture "Host:90:1" (want NAME:MAXLENGTH)')],
    ['Ho st:90', fail('invalid header name "Ho st"')],
    ['Host:0', fail('invalid length in "Host:0" (want an integer >= 1)')],
    ['Host:9x', fail('invalid length in "Host:9x" (want an integer >= 1)')],
    ['Host:90,', fail('invalid header capture "" (want NAME:MAXLENGTH)')],
  ])('%p', (text, want) => {
    expect(parseHeaderCaptures(text) as Parsed<unknown>).toEqual(want);
  });
});

describe('parseCookieCapture (upstream: NAME[=]:MAXLENGTH)', () => {
  test.each<[string, Parsed<unknown>]>([
    ['SESS:40', ok({ name: 'SESS', exact: false, maxLength: 40 })],
    ['SESS=:40', ok({ name: 'SESS', exact: true, maxLength: 40 })],
    ['SESS', fail('invalid cookie capture "SESS" (want NAME:MAXLENGTH or NAME=:MAXLENGTH)')],
    ['SE;SS:40', fail('invalid cookie name "SE;SS"')],
    ['=:40', fail('invalid cookie name ""')],
  ])('%p', (text, want) => {
    expect(parseCookieCapture(text) as Parsed<unknown>).toEqual(want);
  });
});

describe('parseCaseAdjustments (upstream: NAME,...)', () => {
  test.each<[string, Parsed<unknown>]>([
    ['X-Custom-Header', ok(['X-Custom-Header'])],
    ['X-A,WWW-Authenticate', ok(['X-A', 'WWW-Authenticate'])],
    ['X-A, X-B', fail('invalid header name " X-B"')],
    ['X-A,x-a', fail('"x-a" is given twice')],
  ])('%p', (text, want) => {
    expect(parseCaseAdjustments(text) as Parsed<unknown>).toEqual(want);
  });
});

describe('parseHeaderActions (upstream: NAME:VALUE:Set or NAME:Delete, URL-encoded)', () => {
  test.each<[string, 'request' | 'response', Parsed<unknown>]>([
    ['X-Env:prod:Set', 'request', ok([{ name: 'X-Env', action: 'Set', value: 'prod' }])],
    ['X-Debug:Delete', 'request', ok([{ name: 'X-Debug', action: 'Delete' }])],
    [
      'X-Frame-Options:SAMEORIGIN:Set,Server:Delete',
      'response',
      ok([{ name: 'X-Frame-Options', action: 'Set', value: 'SAMEORIGIN' }, { name: 'Server', action: 'Delete' }]),
    ],
    ['X-Note:a+b%3Ac%2Cd:Set', 'request', ok([{ name: 'X-Note', action: 'Set', value: 'a b:c,d' }])],
    ['X-Host:%25%5Breq.hdr%28host%29%2Clower%5D:Set', 'request', ok([{ name: 'X-Host', action: 'Set', value: '%[req.hdr(host),lower]' }])],
    ['X-Cert:%25%7B%2BQ%7D%5Bssl_c_der%2Cbase64%5D:Set', 'response', ok([{ name: 'X-Cert', action: 'Set', value: '%{+Q}[ssl_c_der,base64]' }])],
    ["X-Quote:it's:Set", 'request', ok([{ name: 'X-Quote', action: 'Set', value: "it's" }])],
    ['X-100:100%25%25:Set', 'request', ok([{ name: 'X-100', action: 'Set', value: '100%%' }])],
    ['X-Env:prod', 'request', fail('invalid header action "X-Env:prod" (want NAME:VALUE:Set or NAME:Delete, each part URL-encoded)')],
    ['X-Env:prod:set', 'request', fail('invalid header action "X-Env:prod:set" (want NAME:VALUE:Set or NAME:Delete, each part URL-encoded)')],
    ['X-Env:Set', 'request', fail('invalid header action "X-Env:Set" (want NAME:VALUE:Set or NAME:Delete, each part URL-encoded)')],
    ['X Env:prod:Set', 'request', fail('invalid header name "X Env"')],
    ['X-Env:%zz:Set', 'request', fail('invalid percent-encoding in "%zz"')],
    ...(['Host', 'proxy', 'Cookie', 'Set-Cookie', 'Strict-Transport-Security'] as const).map(
      (name) => [`${name}:Delete`, 'response', fail(`the ${name} header may not be set or deleted by header actions`)] as [string, 'response', Parsed<unknown>],
    ),
  ])('%p (%s)', (text, direction, want) => {
    expect(parseHeaderActions(text, direction) as Parsed<unknown>).toEqual(want);
  });

  const VALUE_ERROR = (name: string, fetcher: string) =>
    `invalid value for ${name} (want printable text, "%%" for a "%", or %[...] sampling only ${fetcher}(NAME) or ssl_c_der, converted only by lower or base64)`;

  test.each<[string, string, 'request' | 'response', string]>([
    ['a line break', 'a%0Abind+%3A1', 'request', 'req.hdr'],
    ['a lone percent sign', '100%25', 'request', 'req.hdr'],
    ['a fetch the API does not allow', '%25%5Bsrc%5D', 'request', 'req.hdr'],
    ['a response fetch in a request', '%25%5Bres.hdr%28a%29%5D', 'request', 'req.hdr'],
    ['a request fetch in a response', '%25%5Breq.hdr%28a%29%5D', 'response', 'res.hdr'],
    ['a converter the API does not allow', '%25%5Breq.hdr%28a%29%2Cmap%28%2Fetc%2Fpasswd%29%5D', 'request', 'req.hdr'],
  ])('refuses %s', (_what, value, direction, fetcher) => {
    expect(parseHeaderActions(`X-A:${value}:Set`, direction)).toEqual(fail(VALUE_ERROR('X-A', fetcher)));
  });
});
