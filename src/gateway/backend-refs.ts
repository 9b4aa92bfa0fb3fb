/**
 * A rule's backendRefs as a route's services. A backendRef must name a
 * Service (core group) by its port, in the route's namespace or in one
 * whose ReferenceGrant allows it; the port is the Service's, resolved to
 * the EndpointSlice port of the same name (as for Ingresses). A route
 * sends traffic to the services of one namespace through one port name, so
 * a rule whose valid backendRefs span namespaces or port names is not
 * served. Weights (0-1,000,000) are scaled into a route's 0-256.
 */
import { GATEWAY_GROUP, type BackendRef, type GatewayRouteKind } from '../domain/gateway.ts';
import type { ServicePorts } from '../domain/ingress.ts';
import type { RouteTarget } from '../domain/route.ts';
import { bad, type Judgement } from './conditions.ts';
import { referenceAllowed, type GrantsIn } from './references.ts';

export interface BackendContext {
  service(namespace: string, name: string): ServicePorts | undefined;
  grants: GrantsIn;
}

/** Where a rule's traffic goes: services of one namespace, through one port name (undefined: every port of a single-port Service). */
export interface RuleBackends {
  namespace: string;
  targets: RouteTarget[];
  targetPort: string | undefined;
}

export interface ResolvedBackends {
  /** undefined: no backendRef is valid; its traffic gets no server. */
  backends: RuleBackends | undefined;
  /** The first backendRef that is not valid, as the route's `ResolvedRefs` says it. */
  unresolved: Judgement | undefined;
  /** Why the valid backendRefs cannot be served together: the rule is dropped. */
  unsupported: string | undefined;
  /** The weight of the backendRefs that are not valid, among the rule's total (undefined: none is invalid, or none weighs). */
  invalidShare: InvalidShare | undefined;
}

/** `weight` of `total` requests go to backendRefs that are not valid; `weight === total`: every one (no valid backendRef). */
export interface InvalidShare {
  readonly weight: number;
  readonly total: number;
}

const MAX_ROUTE_WEIGHT = 256;

type Valid = { namespace: string; name: string; targetPort: string | undefined; weight: number };

function resolveOne(ref: BackendRef, routeKind: GatewayRouteKind, routeNamespace: string, ctx: BackendContext): Valid | Judgement {
  const namespace = ref.namespace ?? routeNamespace;
  const id = `${namespace}/${ref.name}`;
  if (ref.group !== '' || ref.kind !== 'Service') return bad('InvalidKind', `backendRef ${ref.group}/${ref.kind} ${id}: only core Services are supported`);
  if (!referenceAllowed(ctx.grants, { group: GATEWAY_GROUP, kind: routeKind, namespace: routeNamespace }, { group: '', kind: 'Service', namespace, name: ref.name })) {
    return bad('RefNotPermitted', `Service ${id} is in another namespace and no ReferenceGrant there allows it`);
  }
  if (ref.port === undefined) return bad('BackendNotFound', `backendRef Service ${id} names no port`);
  const service = ctx.service(namespace, ref.name);
  if (service === undefined) return bad('BackendNotFound', `Service ${id} not found`);
  const port = service.ports.find((p) => p.port === ref.port);
  if (port === undefined) return bad('BackendNotFound', `Service ${id} has no port ${ref.port}`);
  return { namespace, name: ref.name, targetPort: port.name === '' ? undefined : port.name, weight: ref.weight };
}

/** Weights in a route's range with the same ratios (the largest becomes 256), never rounding a non-zero weight to 0. */
export function routeWeights(weights: readonly number[]): number[] {
  const max = Math.max(0, ...weights);
  if (max <= MAX_ROUTE_WEIGHT) return [...weights];
  return weights.map((w) => (w === 0 ? 0 : Math.max(1, Math.round((w * MAX_ROUTE_WEIGHT) / max))));
}

export function resolveBackends(refs: readonly BackendRef[], routeKind: GatewayRouteKind, routeNamespace: string, ctx: BackendContext): ResolvedBackends {
  const valid: Valid[] = [];
  let unresolved: Judgement | undefined;
  let invalidWeight = 0;
  let total = 0;
  for (const ref of refs) {
    const r = resolveOne(ref, routeKind, routeNamespace, ctx);
    total += ref.weight;
    if ('ok' in r) {
      unresolved ??= r;
      invalidWeight += ref.weight;
    } else valid.push(r);
  }
  const first = valid[0];
  if (first === undefined) {
    // Nothing valid: every request is the invalid backendRefs' (the spec's 500), whatever their weights.
    return { backends: undefined, unresolved, unsupported: undefined, invalidShare: unresolved ? { weight: total, total } : undefined };
  }
  const invalidShare = invalidWeight > 0 ? { weight: invalidWeight, total } : undefined;
  if (valid.some((v) => v.namespace !== first.namespace)) return { backends: undefined, unresolved, unsupported: 'backendRefs in more than one namespace are not supported', invalidShare };
  if (valid.some((v) => v.targetPort !== first.targetPort)) return { backends: undefined, unresolved, unsupported: 'backendRefs through differently named Service ports are not supported', invalidShare };
  const weights = routeWeights(valid.map((v) => v.weight));
  return {
    backends: {
      namespace: first.namespace,
      targets: valid.map((v, i) => ({ kind: 'Service', name: v.name, weight: weights[i] ?? 0 })),
      targetPort: first.targetPort,
    },
    unresolved,
    unsupported: undefined,
    invalidShare,
  };
}
