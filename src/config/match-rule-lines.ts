/**
 * The frontend lines of the match rules (match-rules.ts): `acl` lines for
 * each distinct condition, then, for each kind of lookup the frontends
 * make (exact host, Route wildcard, deep wildcard of n labels, any host),
 * the rules to try just before that lookup's maps, so a more specific host
 * still wins over a less specific one whatever their conditions.
 *
 * Tenants write the names and values (checked in
 * src/gateway/request-conditions.ts) and the paths (checked at admission):
 * every one is a single-quoted word, where haproxy reads no escape and no
 * variable, after `--`, which ends an ACL's flags whatever the value looks
 * like; named ACLs keep them out of `{ }`, whose closing brace a value
 * could otherwise be read as.
 */
import { singleQuoted } from '../domain/http-header.ts';
import { CATCH_ALL_KEY_HOST } from './deep-wildcards.ts';
import type { MatchRule, MatchSide } from './match-rules.ts';

export interface MatchRuleLines {
  acls: string[];
  /** Before the exact host's maps, the Route wildcard's (`.domain`), and the catch-all's. */
  exact: string[];
  wildcard: string[];
  catchAll: string[];
  /** Before the deep wildcard maps of each domain length (labels after `*.`). */
  deep: Map<number, string[]>;
}

/** The variable the frontends hold a request's key in while they look up each kind of host. */
function keyVariable(keyHost: string): { variable: string; stage: 'exact' | 'wildcard' | 'catchAll' | number } {
  if (keyHost === CATCH_ALL_KEY_HOST) return { variable: 'txn.deep_key', stage: 'catchAll' };
  if (keyHost.startsWith('*.')) return { variable: 'txn.deep_key', stage: keyHost.split('.').length - 1 };
  if (keyHost.startsWith('.')) return { variable: 'txn.wildcard_key', stage: 'wildcard' };
  return { variable: 'txn.route_key', stage: 'exact' };
}

/** The lines of one side's rules (`http`: the public frontend; `https`: the two that terminate TLS). */
export function matchRuleLines(rules: readonly MatchRule[], side: MatchSide): MatchRuleLines {
  const out: MatchRuleLines = { acls: [], exact: [], wildcard: [], catchAll: [], deep: new Map() };
  const names = new Map<string, string>();
  // One ACL per distinct condition; a name declared on several lines matches when any of them does.
  const acl = (kind: string, definitions: string[]): string => {
    const id = definitions.join('\n');
    let name = names.get(id);
    if (name === undefined) {
      name = `gwm_${kind}${names.size}`;
      names.set(id, name);
      for (const d of definitions) out.acls.push(`acl ${name} ${d}`);
    }
    return name;
  };
  for (const rule of rules) {
    if (rule.side !== side) continue;
    const { variable, stage } = keyVariable(rule.keyHost);
    const path = acl('path', [
      ...rule.exact.map((key) => `var(${variable}) -m str -- ${singleQuoted(key)}`),
      ...rule.prefix.map((key) => `var(${variable}) -m beg -- ${singleQuoted(key)}`),
    ]);
    const c = rule.conditions;
    const conditions = [
      path,
      ...(c?.method === undefined ? [] : [acl('method', [`method ${c.method}`])]),
      ...(c?.headers ?? []).map((h) => acl('header', [`${singleQuoted(`req.fhdr(${h.name})`)} -m str -- ${singleQuoted(h.value)}`])),
      ...(c?.query ?? []).map((q) => acl('query', [`${singleQuoted(`url_param(${q.name})`)} -m str -- ${singleQuoted(q.value)}`])),
    ];
    const line = `http-request set-var(txn.backend) str(${rule.value}) if ${conditions.join(' ')} !{ var(txn.backend) -m found }`;
    if (typeof stage === 'number') {
      const lines = out.deep.get(stage) ?? [];
      lines.push(line);
      out.deep.set(stage, lines);
    } else out[stage].push(line);
  }
  return out;
}
