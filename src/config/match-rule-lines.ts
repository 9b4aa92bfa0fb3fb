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

type Stage = 'exact' | 'wildcard' | 'catchAll' | number;

interface StageKey {
  stage: Stage;
  /** Where the frontends hold a request's key while they look up this kind of host. */
  variable: string;
  /** What reads the key host of a request at this stage; unset for the catch-all, whose one key host takes everything. */
  keyHost: string | undefined;
}

function stageOf(keyHost: string): StageKey {
  if (keyHost === CATCH_ALL_KEY_HOST) return { stage: 'catchAll', variable: 'txn.deep_key', keyHost: undefined };
  if (keyHost.startsWith('*.')) return { stage: keyHost.split('.').length - 1, variable: 'txn.deep_key', keyHost: 'var(txn.deep_key),field(1,/)' };
  if (keyHost.startsWith('.')) return { stage: 'wildcard', variable: 'txn.wildcard_key', keyHost: 'var(txn.wildcard_key),field(1,/)' };
  return { stage: 'exact', variable: 'txn.route_key', keyHost: 'var(txn.host)' };
}

/** Key hosts per `acl` line of a stage's gate: haproxy reads at most 64 words a line. */
const HOSTS_PER_LINE = 32;

/** The lines of one side's rules (`http`: the public frontend; `https`: the two that terminate TLS). */
export function matchRuleLines(rules: readonly MatchRule[], side: MatchSide): MatchRuleLines {
  const out: MatchRuleLines = { acls: [], exact: [], wildcard: [], catchAll: [], deep: new Map() };
  const stageLines = (stage: Stage): string[] => {
    if (typeof stage !== 'number') return out[stage];
    const lines = out.deep.get(stage) ?? [];
    out.deep.set(stage, lines);
    return lines;
  };
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
  const mine = rules.filter((r) => r.side === side);
  // Every request passes each stage's rules, whatever its host: one lookup of the request's key host among the
  // stage's (a tree) sets a flag, and each rule tests the flag first, so other hosts' requests pay little per rule.
  const gates = new Map<Stage, string>();
  const hostsOf = new Map<Stage, Set<string>>();
  for (const r of mine) {
    const { stage } = stageOf(r.keyHost);
    hostsOf.set(stage, (hostsOf.get(stage) ?? new Set()).add(r.keyHost));
  }
  for (const [stage, hosts] of hostsOf) {
    const { keyHost } = stageOf([...hosts][0] as string);
    if (keyHost === undefined) continue;
    const id = typeof stage === 'number' ? `deep${stage}` : stage;
    const list = [...hosts];
    for (let i = 0; i < list.length; i += HOSTS_PER_LINE) {
      out.acls.push(`acl gwm_hosts_${id} ${keyHost} -m str -- ${list.slice(i, i + HOSTS_PER_LINE).map(singleQuoted).join(' ')}`);
    }
    out.acls.push(`acl gwm_on_${id} var(txn.gwm_${id}) -m found`);
    stageLines(stage).push(`http-request set-var(txn.gwm_${id}) int(1) if gwm_hosts_${id}`);
    gates.set(stage, `gwm_on_${id}`);
  }
  for (const rule of mine) {
    const { variable, stage } = stageOf(rule.keyHost);
    const path = acl('path', [
      ...rule.exact.map((key) => `var(${variable}) -m str -- ${singleQuoted(key)}`),
      ...rule.prefix.map((key) => `var(${variable}) -m beg -- ${singleQuoted(key)}`),
    ]);
    const c = rule.conditions;
    const gate = gates.get(stage);
    const conditions = [
      ...(gate === undefined ? [] : [gate]),
      path,
      ...(c?.method === undefined ? [] : [acl('method', [`method ${c.method}`])]),
      ...(c?.headers ?? []).map((h) => acl('header', [`${singleQuoted(`req.fhdr(${h.name})`)} -m str -- ${singleQuoted(h.value)}`])),
      ...(c?.query ?? []).map((q) => acl('query', [`${singleQuoted(`url_param(${q.name})`)} -m str -- ${singleQuoted(q.value)}`])),
    ];
    stageLines(stage).push(`http-request set-var(txn.backend) str(${rule.value}) if ${conditions.join(' ')} !{ var(txn.backend) -m found }`);
  }
  return out;
}
