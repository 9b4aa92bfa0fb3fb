import { describe, expect, test } from 'bun:test';
import { luaString, matchHostsText, matchRulesLua } from './match-rule-data.ts';
import type { MatchRule } from './match-rules.ts';

describe('luaString', () => {
  test.each([
    ['plain text as it is', 'h.example.com/v2', '"h.example.com/v2"'],
    ['a quote cannot end the literal', 'a"b', '"a\\034b"'],
    ['a backslash cannot start an escape', 'a\\n', '"a\\092n"'],
    ['a digit after an escape stays a digit', '"1', '"\\0341"'],
    ['a new line cannot end the line', 'a\nb', '"a\\010b"'],
    ['Lua long brackets and comments are plain characters', ']]--[[', '"\\093\\093--\\091\\091"'],
    ['UTF-8 byte by byte', 'é', '"\\195\\169"'],
    ['empty', '', '""'],
  ])('%s', (_name, text, want) => {
    expect(luaString(text)).toBe(want);
  });
});

const rule = (more: Partial<MatchRule>): MatchRule => ({
  side: 'http',
  keyHost: 'h.example.com',
  exact: [],
  prefix: ['h.example.com/'],
  conditions: undefined,
  value: 'be_http:default:a',
  routeKey: 'default/a',
  ...more,
});

describe('matchRulesLua', () => {
  test('the rules per side and key host, in their order, header names in lower case', () => {
    const rules = [
      rule({ exact: ['h.example.com/v2'], prefix: [], conditions: { method: 'GET', headers: [{ name: 'Version', value: 'Two' }], query: [{ name: 'Q', value: '1' }] }, value: 'be_1' }),
      rule({ side: 'https', value: 'be_2' }),
      rule({ value: 'be_3' }),
      rule({ keyHost: '*.example.com', prefix: ['*.example.com/'], value: 'be_4' }),
    ];
    expect(matchRulesLua(rules)).toBe(
      [
        'gateway_match_rules = {',
        'http = {',
        '  ["h.example.com"] = {',
        '    { exact = { "h.example.com/v2", }, prefix = { }, method = "GET", headers = { { "version", "Two" }, }, query = { { "Q", "1" }, }, value = "be_1" },',
        '    { exact = { }, prefix = { "h.example.com/", }, headers = { }, query = { }, value = "be_3" },',
        '  },',
        '  ["*.example.com"] = {',
        '    { exact = { }, prefix = { "*.example.com/", }, headers = { }, query = { }, value = "be_4" },',
        '  },',
        '},',
        'https = {',
        '  ["h.example.com"] = {',
        '    { exact = { }, prefix = { "h.example.com/", }, headers = { }, query = { }, value = "be_2" },',
        '  },',
        '},',
        '}',
        '',
      ].join('\n'),
    );
    expect(matchHostsText(rules, 'http')).toBe('h.example.com\n*.example.com\n');
    expect(matchHostsText(rules, 'https')).toBe('h.example.com\n');
  });

  test('no rules: empty tables', () => {
    expect(matchRulesLua([])).toBe('gateway_match_rules = {\nhttp = {\n},\nhttps = {\n},\n}\n');
  });
});
