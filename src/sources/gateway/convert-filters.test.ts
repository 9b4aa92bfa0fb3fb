import { expect, test } from 'bun:test';
import { httpRouteFilter } from './convert-filters.ts';

test.each([
  [
    { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'A', value: '1' }], remove: ['B'] } },
    { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'A', value: '1' }], add: [], remove: ['B'] } },
  ],
  [
    { type: 'RequestRedirect', requestRedirect: { scheme: 'https', port: 8443, path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '' } } },
    { type: 'RequestRedirect', requestRedirect: { scheme: 'https', hostname: undefined, port: 8443, statusCode: undefined, path: { type: 'ReplacePrefixMatch', replaceFullPath: undefined, replacePrefixMatch: '' } } },
  ],
  [{ type: 'URLRewrite', urlRewrite: { hostname: 'a.example' } }, { type: 'URLRewrite', urlRewrite: { hostname: 'a.example', path: undefined } }],
  [{ type: 'URLRewrite' }, { type: 'URLRewrite', urlRewrite: undefined }],
  [{ type: 'ExtensionRef', extensionRef: { name: 'x' } }, { type: 'ExtensionRef' }],
])('a filter as written, unset apart from empty: %#', (written, want) => {
  expect(httpRouteFilter(written, 'f')).toStrictEqual({ requestHeaderModifier: undefined, responseHeaderModifier: undefined, requestRedirect: undefined, urlRewrite: undefined, ...want } as never);
});

test('a field of the wrong type is an error naming it', () => {
  expect(() => httpRouteFilter({ type: 'RequestRedirect', requestRedirect: { port: 'x' } }, 'f')).toThrow('f.requestRedirect.port must be an integer');
});
