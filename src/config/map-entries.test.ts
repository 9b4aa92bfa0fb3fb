import { describe, expect, test } from 'bun:test';
import { mergeMapEntries, routeMapEntries } from './map-entries.ts';

describe('routeMapEntries', () => {
  const cases: [string, string, { exact: string[]; prefix: string[] }][] = [
    ['', 'no path serves the whole host', { exact: [], prefix: ['h.com/'] }],
    ['/', '"/" is no path', { exact: [], prefix: ['h.com/'] }],
    ['///', 'only slashes is no path', { exact: [], prefix: ['h.com/'] }],
    ['/foo', 'a path serves itself and below, on a segment boundary', { exact: ['h.com/foo'], prefix: ['h.com/foo/'] }],
    ['/foo/', 'a trailing slash serves only below', { exact: [], prefix: ['h.com/foo/'] }],
    ['/a/b', 'nested path', { exact: ['h.com/a/b'], prefix: ['h.com/a/b/'] }],
  ];
  for (const [path, name, want] of cases) {
    test(name, () => {
      const e = routeMapEntries('h.com', path, 'be');
      expect({ exact: e.exact.map((x) => x.key), prefix: e.prefix.map((x) => x.key) }).toEqual(want);
    });
  }

  test.each([
    ['/foo', ['h.com/foo']],
    ['/foo/', ['h.com/foo/']],
    ['/', ['h.com/']],
  ])('an exact path %s contributes only its own exact key', (path, exact) => {
    expect(routeMapEntries('h.com', path, 'be', true)).toEqual({ exact: exact.map((key) => ({ key, value: 'be', explicit: true })), prefix: [] });
  });
});

describe('mergeMapEntries', () => {
  test('"/foo/" beats "/foo" for the shared prefix key, whatever the order', () => {
    const plain = routeMapEntries('h.com', '/foo', 'be_plain');
    const slash = routeMapEntries('h.com', '/foo/', 'be_slash');
    for (const order of [[plain, slash], [slash, plain]]) {
      const merged = mergeMapEntries(order);
      expect(merged.prefix).toEqual([{ key: 'h.com/foo/', value: 'be_slash' }]);
      expect(merged.exact).toEqual([{ key: 'h.com/foo', value: 'be_plain' }]);
    }
  });

  test('an exact path takes its key from a prefix route of the same path, whatever the order; the prefix keeps what lies below', () => {
    const prefix = routeMapEntries('h.com', '/foo', 'be_prefix');
    const exact = routeMapEntries('h.com', '/foo', 'be_exact', true);
    for (const order of [[prefix, exact], [exact, prefix]]) {
      expect(mergeMapEntries(order)).toEqual({ exact: [{ key: 'h.com/foo', value: 'be_exact' }], prefix: [{ key: 'h.com/foo/', value: 'be_prefix' }] });
    }
  });

  test('the first route keeps a key it shares with a later one', () => {
    const merged = mergeMapEntries([routeMapEntries('h.com', '', 'be_old'), routeMapEntries('h.com', '/', 'be_new')]);
    expect(merged.prefix).toEqual([{ key: 'h.com/', value: 'be_old' }]);
  });

  test('entries are sorted by key so files are stable', () => {
    const merged = mergeMapEntries([routeMapEntries('b.com', '', 'b'), routeMapEntries('a.com', '/x', 'a')]);
    expect(merged.prefix.map((e) => e.key)).toEqual(['a.com/x/', 'b.com/']);
  });
});
