/**
 * The files behind the match rules' one action per kind of host
 * (match-rule-lines.ts): per side, the key hosts that have rules (a pattern
 * file the frontends' gate looks a request's key host up in, one tree
 * lookup whatever their number), and the rules themselves as a Lua table
 * that templates/gateway-match.lua reads. Tenants write the names, values
 * and paths: each string is a Lua literal with every byte but a few plain
 * ones as a decimal escape, so no text can end the literal or be read as
 * code.
 */
import type { MatchRule, MatchSide } from './match-rules.ts';

/** The Lua files haproxy loads, in order: the rules (data), then the action that reads them (templates/gateway-match.lua). */
export const MATCH_RULES_LUA_FILE = 'gateway-match-rules.lua';
export const MATCH_ACTION_LUA_FILE = 'gateway-match.lua';

export const matchHostsFile = (side: MatchSide): string => `gateway-match-hosts-${side}.lst`;

const PLAIN_BYTE = /^[A-Za-z0-9 ._/*:-]$/;

/** `text` as a Lua string literal: plain bytes as they are, any other as `\ddd` (always three digits, so a digit after it stays a digit). */
export function luaString(text: string): string {
  let out = '"';
  for (const byte of new TextEncoder().encode(text)) {
    const c = String.fromCharCode(byte);
    out += PLAIN_BYTE.test(c) ? c : `\\${String(byte).padStart(3, '0')}`;
  }
  return `${out}"`;
}

const list = (items: readonly string[]) => `{ ${items.map((i) => `${i}, `).join('')}}`;
const pairs = (items: readonly { name: string; value: string }[], name: (n: string) => string) =>
  list(items.map((i) => `{ ${luaString(name(i.name))}, ${luaString(i.value)} }`));

function ruleText(r: MatchRule): string {
  const c = r.conditions;
  return [
    `exact = ${list(r.exact.map(luaString))}`,
    `prefix = ${list(r.prefix.map(luaString))}`,
    ...(c?.method === undefined ? [] : [`method = ${luaString(c.method)}`]),
    // haproxy gives Lua a request's header names in lower case; HTTP compares them without case.
    `headers = ${pairs(c?.headers ?? [], (n) => n.toLowerCase())}`,
    `query = ${pairs(c?.query ?? [], (n) => n)}`,
    `value = ${luaString(r.value)}`,
  ].join(', ');
}

function sideText(rules: readonly MatchRule[]): string {
  const byHost = new Map<string, MatchRule[]>();
  for (const r of rules) byHost.set(r.keyHost, [...(byHost.get(r.keyHost) ?? []), r]);
  return [...byHost].map(([host, rs]) => `  [${luaString(host)}] = {\n${rs.map((r) => `    { ${ruleText(r)} },\n`).join('')}  },\n`).join('');
}

/** The Lua table of the rules, per side and key host, each host's in the order the frontends try them. */
export function matchRulesLua(rules: readonly MatchRule[]): string {
  const side = (s: MatchSide) => `${s} = {\n${sideText(rules.filter((r) => r.side === s))}}`;
  return `gateway_match_rules = {\n${side('http')},\n${side('https')},\n}\n`;
}

/** The key hosts of one side's rules, one a line. */
export function matchHostsText(rules: readonly MatchRule[], side: MatchSide): string {
  return [...new Set(rules.filter((r) => r.side === side).map((r) => `${r.keyHost}\n`))].join('');
}
