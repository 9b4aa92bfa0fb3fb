/**
 * The frontend lines of the match rules (match-rules.ts). Every request
 * passes these lines whatever its host, so they are as many as there are
 * kinds of lookup the frontends make (exact host, Route wildcard, deep
 * wildcard of n labels, any host), not as many as the rules: before each
 * kind's maps, one tree lookup of the request's key host among the hosts
 * with rules (match-rule-data.ts) and, for those only, the Lua action that
 * tries that host's rules in order (templates/gateway-match.lua). A host
 * without rules pays the same whatever the number of rules elsewhere, and
 * a host with rules pays for its own alone. Each kind keeps its place, so a
 * more specific host still wins over a less specific one whatever their
 * conditions. Tenants' names and values reach only the Lua table, never a
 * line of haproxy.config.
 */
import { CATCH_ALL_KEY_HOST } from './deep-wildcards.ts';
import { matchHostsFile } from './match-rule-data.ts';
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

/** A kind of lookup, and where the frontends hold a request's key (`host/path`) while they make it. */
function stageOf(keyHost: string): { stage: Stage; variable: string } {
  if (keyHost === CATCH_ALL_KEY_HOST) return { stage: 'catchAll', variable: 'txn.deep_key' };
  if (keyHost.startsWith('*.')) return { stage: keyHost.split('.').length - 1, variable: 'txn.deep_key' };
  if (keyHost.startsWith('.')) return { stage: 'wildcard', variable: 'txn.wildcard_key' };
  return { stage: 'exact', variable: 'txn.route_key' };
}

/** The lines of one side's rules (`http`: the public frontend; `https`: the two that terminate TLS). */
export function matchRuleLines(rules: readonly MatchRule[], side: MatchSide): MatchRuleLines {
  const out: MatchRuleLines = { acls: [], exact: [], wildcard: [], catchAll: [], deep: new Map() };
  const stages = new Map<Stage, string>();
  for (const r of rules) if (r.side === side) stages.set(stageOf(r.keyHost).stage, stageOf(r.keyHost).variable);
  for (const [stage, variable] of stages) {
    const id = typeof stage === 'number' ? `deep${stage}` : stage;
    out.acls.push(`acl gwm_${id} var(${variable}),field(1,/) -m str -f ${matchHostsFile(side)}`);
    const line = `http-request lua.gateway_match ${side} ${variable} if gwm_${id} !{ var(txn.backend) -m found }`;
    if (typeof stage === 'number') out.deep.set(stage, [line]);
    else out[stage].push(line);
  }
  return out;
}
