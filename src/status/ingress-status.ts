import type { Rejection } from '../admission/rejection.ts';

/** One router's entry in `status.ingress[]` (route.openshift.io/v1 RouteIngress). */
export interface RouteIngress {
  host: string;
  routerName: string;
  wildcardPolicy: string;
  routerCanonicalHostname?: string;
  conditions: IngressCondition[];
}

export interface IngressCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface StatusIdentity {
  routerName: string;
  canonicalHostname: string | undefined;
}

/** RFC 3339 truncated to seconds, as upstream stamps lastTransitionTime. */
export function statusTime(now: Date): string {
  return `${now.toISOString().slice(0, 19)}Z`;
}

/**
 * The entry this router wants on a route, given the admission verdict; an
 * admitted route's `notice` (what the router could not honour) is the
 * Admitted condition's message, so its owner sees it without router logs.
 */
export function desiredIngress(
  route: { host: string; wildcardPolicy: string },
  verdict: Rejection | undefined,
  identity: StatusIdentity,
  now: Date,
  notice?: string,
): RouteIngress {
  const condition: IngressCondition = verdict
    ? { type: 'Admitted', status: 'False', reason: verdict.reason, message: verdict.message, lastTransitionTime: statusTime(now) }
    : { type: 'Admitted', status: 'True', ...(notice ? { message: notice } : {}), lastTransitionTime: statusTime(now) };
  return {
    host: route.host,
    routerName: identity.routerName,
    wildcardPolicy: route.wildcardPolicy || 'None',
    ...(identity.canonicalHostname ? { routerCanonicalHostname: identity.canonicalHostname } : {}),
    conditions: [condition],
  };
}

function admitted(entry: RouteIngress): IngressCondition | undefined {
  return entry.conditions.find((c) => c.type === 'Admitted');
}

/** Same entry apart from timestamps: the test for "nothing to write". */
export function sameIngress(a: RouteIngress, b: RouteIngress): boolean {
  const ca = admitted(a);
  const cb = admitted(b);
  return (
    a.host === b.host &&
    a.routerName === b.routerName &&
    (a.wildcardPolicy || 'None') === (b.wildcardPolicy || 'None') &&
    (a.routerCanonicalHostname ?? '') === (b.routerCanonicalHostname ?? '') &&
    ca?.status === cb?.status &&
    (ca?.reason ?? '') === (cb?.reason ?? '') &&
    (ca?.message ?? '') === (cb?.message ?? '')
  );
}

/**
 * The route's new `status.ingress`, or undefined when this router's entry is
 * already right (so nothing is written and no watch event is caused). Other
 * routers' entries are kept as they are.
 */
export function updatedIngressList(current: readonly RouteIngress[], desired: RouteIngress): RouteIngress[] | undefined {
  const mine = current.find((e) => e.routerName === desired.routerName);
  if (mine && sameIngress(mine, desired)) return undefined;
  const others = current.filter((e) => e.routerName !== desired.routerName);
  return [...others, desired];
}
