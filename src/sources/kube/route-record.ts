import { shared } from '../shared-strings.ts';
import type { RouteIngress } from '../../status/ingress-status.ts';

/**
 * What a status write needs of a route as the API server last showed it:
 * its resourceVersion (the write's precondition) and every router's entry of
 * `status.ingress` (the write replaces the list, so the others' entries go
 * back as they were). The rest of the object is not kept.
 */
export interface RouteRecord {
  resourceVersion: string;
  /** The object's uid: a route deleted and created again under its name is another object, which no verdict of the old one may be written to. */
  uid: string;
  ingress: readonly RouteIngress[];
}

type Raw = { metadata?: { resourceVersion?: string; uid?: string }; status?: { ingress?: unknown } } | null | undefined;

/** Fields every route repeats (router names, policies, condition types, reasons, times to the second): one copy each. */
const REPEATED = new Set(['routerName', 'wildcardPolicy', 'routerCanonicalHostname', 'type', 'status', 'reason', 'lastTransitionTime']);

/**
 * A one-condition list made of strings alone (`Admitted True`, stamped to
 * the second) is the same on thousands of routes, those a start's writes
 * stamped in the same second: one frozen copy each, 10 MB less at 100,000
 * routes. Bounded: the table starts over when full, which costs sharing,
 * never correctness.
 */
const MAX_CONDITION_LISTS = 1_000;
let conditionLists = new Map<string, readonly unknown[]>();

function sharedConditions(value: unknown): unknown {
  const list = sharing(value);
  const only = Array.isArray(list) && list.length === 1 ? (list[0] as unknown) : undefined;
  if (typeof only !== 'object' || only === null) return list;
  if (!Object.values(only).every((v) => typeof v === 'string')) return list;
  // JSON: no text a tenant writes into a condition can make it read as another list.
  const key = JSON.stringify(only);
  const known = conditionLists.get(key);
  if (known) return known;
  if (conditionLists.size >= MAX_CONDITION_LISTS) conditionLists = new Map();
  const frozen = Object.freeze([Object.freeze(only)]);
  conditionLists.set(key, frozen);
  return frozen;
}

/** `value` as it came, its repeated strings shared (`host` too, when it is `host`) and its `conditions` likewise. */
function sharing(value: unknown, host?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => sharing(v, host));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = typeof v === 'string' && REPEATED.has(k) ? shared(v) : k === 'host' && v === host ? host : k === 'conditions' ? sharedConditions(v) : v;
  }
  return out;
}

/**
 * The record of a route object (listed, watched, or returned by a write);
 * `host` and `uid`: the route's as the router holds them, whose strings the
 * record shares when they are the same.
 */
export function routeRecordOf(raw: unknown, host?: string, uid?: string): RouteRecord {
  const r = raw as Raw;
  const ingress = r?.status?.ingress;
  const ownUid = r?.metadata?.uid ?? '';
  return {
    resourceVersion: r?.metadata?.resourceVersion ?? '',
    uid: ownUid === uid ? uid : ownUid,
    ingress: Array.isArray(ingress) ? (ingress.map((e) => sharing(e, host)) as RouteIngress[]) : [],
  };
}
