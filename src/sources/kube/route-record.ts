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
  ingress: readonly RouteIngress[];
}

type Raw = { metadata?: { resourceVersion?: string }; status?: { ingress?: unknown } } | null | undefined;

/** Fields every route repeats (router names, policies, condition types, reasons, times to the second): one copy each. */
const REPEATED = new Set(['routerName', 'wildcardPolicy', 'routerCanonicalHostname', 'type', 'status', 'reason', 'lastTransitionTime']);

/** `value` as it came, its repeated strings shared and its `conditions` likewise. */
function sharing(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sharing);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = typeof v === 'string' && REPEATED.has(k) ? shared(v) : k === 'conditions' ? sharing(v) : v;
  }
  return out;
}

/** The record of a route object (listed, watched, or returned by a write). */
export function routeRecordOf(raw: unknown): RouteRecord {
  const r = raw as Raw;
  const ingress = r?.status?.ingress;
  return {
    resourceVersion: r?.metadata?.resourceVersion ?? '',
    ingress: Array.isArray(ingress) ? (ingress.map(sharing) as RouteIngress[]) : [],
  };
}
