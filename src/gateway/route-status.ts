/**
 * The conditions of an HTTPRoute's or TLSRoute's entry for each of its
 * parentRefs to our Gateways: `Accepted` (attachment, then whether
 * admission served what it generated: an older Route or Ingress may hold
 * the host), `ResolvedRefs` (its backendRefs) and `PartiallyInvalid` (rules
 * or matches dropped because the router cannot serve them yet).
 */
import type { Rejection } from '../admission/rejection.ts';
import { bad, boundedMessage, condition, good, type Condition, type Judgement } from './conditions.ts';
import type { GatewayRouteConversion, ParentReport } from './gateway-routes.ts';

/** What admission decided on a generated route: served, rejected, or not decided yet (a commit is on its way). */
export type AdmissionOf = (routeKey: string) => { admitted: true } | { admitted: false; rejection: Rejection } | undefined;

export interface ParentStatus {
  /** Index of the parentRef in the route's spec. */
  index: number;
  gateway: string;
  conditions: Condition[];
  /** Accepted: counted in the attachedRoutes of these listeners (`gateway/listener`). */
  listeners: string[];
}

/** Generated route names in admission's messages, as their owners know them: `web_httproute_<hash>` is HTTPRoute web. */
const GENERATED = /\b(?:route )?([a-z0-9.-]{1,63})_(httproute|tlsroute)_[0-9a-f]{16}\b/g;

export function readableMessage(message: string): string {
  return message.replace(GENERATED, (_all, name: string, kind: string) => `${kind === 'httproute' ? 'HTTPRoute' : 'TLSRoute'} ${name}`);
}

/** Every rule is dropped: the route is invalid as a whole, not partly. */
function allDropped(c: GatewayRouteConversion): boolean {
  return c.dropped.length > 0 && !c.rulesLeft;
}

/** `Accepted` for one parentRef, or undefined while admission has not decided on its routes. */
function accepted(c: GatewayRouteConversion, parent: ParentReport, admission: AdmissionOf): Judgement | undefined {
  const attachment = parent.attachment;
  if (!attachment.ours) return undefined;
  if (!attachment.accepted.ok) return attachment.accepted;
  if (allDropped(c)) return bad('UnsupportedValue', boundedMessage([`Dropped Rule(s): ${c.dropped.join('; ')}`]));
  const rejected: Rejection[] = [];
  let served = 0;
  for (const key of parent.routeKeys) {
    const verdict = admission(key);
    if (verdict === undefined) return undefined;
    if (verdict.admitted) served++;
    else rejected.push(verdict.rejection);
  }
  const first = rejected[0];
  if (first !== undefined && served === 0) return bad(first.reason, readableMessage(first.message));
  const notes = [...parent.notes];
  if (first !== undefined) notes.push(`${rejected.length} of ${parent.routeKeys.length} host and path pairs are not served: ${readableMessage(first.message)}`);
  return good('Accepted', boundedMessage(notes));
}

/** Each parentRef's entry, or undefined while it cannot be told yet (Secrets being read, admission pending). */
export function routeParentStatuses(c: GatewayRouteConversion, admission: AdmissionOf): ParentStatus[] | undefined {
  if (c.pending) return undefined;
  const out: ParentStatus[] = [];
  for (const [index, parent] of c.parents.entries()) {
    const attachment = parent.attachment;
    if (!attachment.ours) continue;
    const verdict = accepted(c, parent, admission);
    if (verdict === undefined) return undefined;
    const conditions = [condition('Accepted', verdict), condition('ResolvedRefs', c.resolvedRefs)];
    if (c.dropped.length > 0 && !allDropped(c)) {
      conditions.push({ type: 'PartiallyInvalid', status: 'True', reason: 'UnsupportedValue', message: boundedMessage([`Dropped Rule(s): ${c.dropped.join('; ')}`]) });
    }
    const listeners = verdict.ok ? attachment.listeners.map((l) => `${l.state.gateway}/${l.state.listener.name}`) : [];
    out.push({ index, gateway: attachment.gateway, conditions, listeners });
  }
  return out;
}
