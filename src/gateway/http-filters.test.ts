import { describe, expect, test } from 'bun:test';
import type { HTTPHeaderModifier, HTTPPathModifier, HTTPRequestRedirect, HTTPRouteFilter, HTTPRouteMatch } from '../domain/gateway.ts';
import { ruleFilters } from './http-filters.ts';

const prefix: HTTPRouteMatch[] = [{ path: { type: 'PathPrefix', value: '/a' } }];
const headers = (m: Partial<HTTPHeaderModifier>): HTTPRouteFilter => ({ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [], add: [], remove: [], ...m } });
const redirect = (r: Partial<HTTPRequestRedirect>): HTTPRouteFilter => ({
  type: 'RequestRedirect',
  requestRedirect: { scheme: undefined, hostname: undefined, port: undefined, statusCode: undefined, path: undefined, ...r },
});
const full = (value: string): HTTPPathModifier => ({ type: 'ReplaceFullPath', replaceFullPath: value, replacePrefixMatch: undefined });
const replacePrefix = (value: string): HTTPPathModifier => ({ type: 'ReplacePrefixMatch', replaceFullPath: undefined, replacePrefixMatch: value });
const rewrite = (hostname: string | undefined, path?: HTTPPathModifier): HTTPRouteFilter => ({ type: 'URLRewrite', urlRewrite: { hostname, path } });
const problem = (filters: HTTPRouteFilter[], matches = prefix) => {
  const r = ruleFilters(filters, matches);
  return r.ok ? undefined : r.problem;
};

describe('ruleFilters', () => {
  test('header modifiers become literal actions, set then add then remove; values kept byte for byte', () => {
    const r = ruleFilters(
      [
        headers({ set: [{ name: 'X-Set', value: "%[src] it's \\ $HOME" }], add: [{ name: 'X-Add', value: 'v' }], remove: ['X-Gone'] }),
        { type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [], add: [{ name: 'X-Resp', value: 'r' }], remove: [] } },
      ],
      prefix,
    );
    expect(r).toEqual({
      ok: true,
      value: {
        request: [
          { name: 'X-Set', action: 'Set', value: "%[src] it's \\ $HOME" },
          { name: 'X-Add', action: 'Add', value: 'v' },
          { name: 'X-Gone', action: 'Delete', value: '' },
        ],
        response: [{ name: 'X-Resp', action: 'Add', value: 'r' }],
        redirect: undefined,
        rewrite: undefined,
      },
    });
  });

  test('a redirect takes the spec default status 302; a rewrite its host name and path', () => {
    expect(ruleFilters([redirect({ scheme: 'https', port: 8443, path: replacePrefix('/b') })], prefix)).toEqual({
      ok: true,
      value: { request: [], response: [], rewrite: undefined, redirect: { scheme: 'https', hostname: undefined, port: 8443, statusCode: 302, path: { kind: 'prefix', value: '/b' } } },
    });
    const r = ruleFilters([rewrite('one.example.org', full('/one'))], prefix);
    expect(r.ok && r.value?.rewrite).toEqual({ hostname: 'one.example.org', path: { kind: 'full', value: '/one' } });
    expect(ruleFilters([], prefix)).toEqual({ ok: true, value: undefined });
  });

  test.each([
    ['a name that is no token', [headers({ set: [{ name: 'X A', value: 'v' }] })], 'requestHeaderModifier.set: header name "X A" is not an HTTP token'],
    ['a name with a line break', [headers({ remove: ['X\n  http-request deny'] })], 'requestHeaderModifier.remove: header name "X\\n  http-request deny" is not an HTTP token'],
    ['a framing header', [headers({ set: [{ name: 'Content-Length', value: '0' }] })], 'requestHeaderModifier.set: header Content-Length frames the message and may not be changed'],
    ['a line feed in a value', [headers({ add: [{ name: 'X', value: 'a\nb' }] })], 'requestHeaderModifier.add: X: the value must be 1 to 4096 characters without control characters'],
    ['a carriage return', [headers({ set: [{ name: 'X', value: 'a\rb' }] })], 'requestHeaderModifier.set: X: the value must be 1 to 4096 characters without control characters'],
    ['a NUL', [headers({ set: [{ name: 'X', value: 'a\0' }] })], 'requestHeaderModifier.set: X: the value must be 1 to 4096 characters without control characters'],
    ['10 KB', [headers({ set: [{ name: 'X', value: 'x'.repeat(10240) }] })], 'requestHeaderModifier.set: X: the value must be 1 to 4096 characters without control characters'],
    ['an empty value', [headers({ set: [{ name: 'X', value: '' }] })], 'requestHeaderModifier.set: X: the value must be 1 to 4096 characters without control characters'],
    ['one header twice, any case', [headers({ set: [{ name: 'X-A', value: '1' }], remove: ['x-a'] })], 'requestHeaderModifier: header x-a has more than one action'],
    ['17 entries', [headers({ remove: Array.from({ length: 17 }, (_, i) => `X-${i}`) })], 'requestHeaderModifier.remove has more than 16 entries'],
    ['a modifier without its field', [{ type: 'ResponseHeaderModifier' }], 'responseHeaderModifier is missing'],
    ['a filter type twice', [headers({}), headers({})], 'filter RequestHeaderModifier may appear once in a rule'],
    ['RequestRedirect with URLRewrite', [redirect({}), rewrite('a.example')], 'RequestRedirect and URLRewrite may not be in the same rule'],
    ['filters not served', [{ type: 'ExtensionRef' }, { type: 'RequestMirror' }, { type: 'CORS' }], 'filters ExtensionRef, RequestMirror, CORS are not supported yet'],
    ['an unknown scheme', [redirect({ scheme: 'ftp' })], 'requestRedirect.scheme "ftp" is not http or https'],
    ['a status the spec has not', [redirect({ statusCode: 200 })], 'requestRedirect.statusCode 200 is not one of 301, 302, 303, 307, 308'],
    ['port 0', [redirect({ port: 0 })], 'requestRedirect.port 0 is not 1-65535'],
    ['a host name with a quote', [redirect({ hostname: "a'.example" })], 'requestRedirect.hostname "a\'.example" is not a precise host name'],
    ['a wildcard host name', [rewrite('*.example.com')], 'urlRewrite.hostname "*.example.com" is not a precise host name'],
    ['a path with a space', [rewrite(undefined, full('/a b'))], 'urlRewrite.path: "/a b" is not a path (it begins with "/" and holds URL path characters only)'],
    ['a path with a backslash', [redirect({ path: full('/a\\1') })], 'requestRedirect.path: "/a\\\\1" is not a path (it begins with "/" and holds URL path characters only)'],
    ['a path with a lone %', [rewrite(undefined, replacePrefix('/%[src]'))], 'urlRewrite.path: "/%[src]" is not a path (it begins with "/" and holds URL path characters only)'],
    ['a relative path', [rewrite(undefined, full('a'))], 'urlRewrite.path: "a" is not a path (it begins with "/" and holds URL path characters only)'],
    ['a path type and the other field', [rewrite(undefined, { type: 'ReplaceFullPath', replaceFullPath: undefined, replacePrefixMatch: '/a' })], 'urlRewrite.path of type ReplaceFullPath sets replaceFullPath alone'],
    ['an unknown path type', [rewrite(undefined, { type: 'Regex', replaceFullPath: undefined, replacePrefixMatch: undefined })], 'urlRewrite.path.type "Regex" is not ReplaceFullPath or ReplacePrefixMatch'],
  ])('refused: %s', (_name, filters, want) => {
    expect(problem(filters as HTTPRouteFilter[])).toBe(want);
  });

  test('ReplacePrefixMatch needs PathPrefix matches', () => {
    expect(problem([rewrite(undefined, replacePrefix('/b'))], [{ path: { type: 'Exact', value: '/a' } }])).toBe('urlRewrite.path: ReplacePrefixMatch needs PathPrefix matches only');
    expect(problem([rewrite(undefined, full('/b'))], [{ path: { type: 'Exact', value: '/a' } }])).toBeUndefined();
  });
});
