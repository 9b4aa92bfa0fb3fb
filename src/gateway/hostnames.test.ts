import { describe, expect, test } from 'bun:test';
import { intersectHostnames, isValidHostname, servedHostnames, wildcardSuffixLabels } from './hostnames.ts';

describe('intersectHostnames', () => {
  test.each([
    ['', 'a.example.com', 'a.example.com'],
    ['a.example.com', '', 'a.example.com'],
    ['a.example.com', 'a.example.com', 'a.example.com'],
    ['a.example.com', 'b.example.com', undefined],
    ['*.example.com', 'a.example.com', 'a.example.com'],
    ['*.example.com', 'a.b.example.com', 'a.b.example.com'],
    ['*.example.com', 'example.com', undefined],
    ['a.example.com', '*.example.com', 'a.example.com'],
    ['*.example.com', '*.b.example.com', '*.b.example.com'],
    ['*.b.example.com', '*.example.com', '*.b.example.com'],
    ['*.example.com', '*.example.com', '*.example.com'],
    ['*.example.com', '*.example.org', undefined],
    ['*.example.com', 'xexample.com', undefined],
  ])('listener %p, route %p: %p', (listener, route, want) => expect(intersectHostnames(listener, route)).toBe(want));
});

describe('servedHostnames', () => {
  test.each([
    ['*.example.com', [], ['*.example.com']],
    ['', [], ['']],
    ['*.example.com', ['a.example.com', 'a.example.org', '*.b.example.com', 'a.example.com'], ['a.example.com', '*.b.example.com']],
    ['a.example.com', ['*.example.com', '*.com'], ['a.example.com']],
    ['', ['*.0', '*.1', 'A.example.com', 'a.example.com'], ['a.example.com']],
    ['', ['*.0'], []],
  ])('listener %p, route %p', (listener, route, want) => expect(servedHostnames(listener, route as string[])).toEqual(want));
});

describe('isValidHostname', () => {
  test.each([
    ['a.example.com', true],
    ['*.example.com', true],
    ['example', true],
    ['*', false],
    ['a.*.example.com', false],
    ['A.example.com', false],
    ['10.0.0.1', false],
    ['a b.example.com', false],
    ['a.example.com\nbind :1', false],
    ['', false],
  ])('%p: %p', (hostname, valid) => expect(isValidHostname(hostname)).toBe(valid));
});

test('wildcardSuffixLabels counts the labels after *.', () => expect([wildcardSuffixLabels('*.com'), wildcardSuffixLabels('*.a.example.com')]).toEqual([1, 3]));
