/**
 * HTTPRoutes and TLSRoutes as the router's Routes, so admission, the maps
 * and the runtime path serve them unchanged: one route per host name and
 * path match (HTTPRoute) or per host name (TLSRoute), in the namespace of
 * its backends, named so that no Route can take the name and the same after
 * every restart. Routes of Gateway API routes share one host scope: the
 * Gateway's listeners decide who may serve a host, and among them the
 * oldest route keeps a host and path (then the first by namespace/name,
 * which their uid carries), as the spec orders them. A Route or an Ingress
 * on the same host is another scope: the oldest of the two owns the host.
 */
import { CATCH_ALL_KEY_HOST } from '../config/deep-wildcards.ts';
import { GATEWAY_GROUP, type GatewayObjectMeta, type HTTPRoute, type TLSRoute } from '../domain/gateway.ts';
import { gatewayRouteName } from '../domain/names.ts';
import { requestMatchKey } from '../domain/request-match.ts';
import type { RouteFilters } from '../domain/route-filters.ts';
import { objectKey, type Route, type RouteTarget, type RouteTLS } from '../domain/route.ts';
import { attachParent, type AttachmentContext, type ParentAttachment } from './attachment.ts';
import { resolveBackends, type BackendContext, type ResolvedBackends, type RuleBackends } from './backend-refs.ts';
import { good, type Judgement } from './conditions.ts';
import { isWildcard } from './hostnames.ts';
import { planRules, type ServedMatch } from './http-rules.ts';
import { gatewayListenerHosts } from './listener-hosts.ts';
import { servedHosts, type HostServing } from './served-hosts.ts';

/** The host scope of every route made from a Gateway API route (see `Route.hostScope`). */
export const GATEWAY_HOST_SCOPE = GATEWAY_GROUP;

/**
 * The service a rule without a valid backendRef sends its traffic to, with
 * weight 0: no Service can have this name (Service names start with a
 * letter), so the rule's requests find no server. A rule that names
 * backendRefs, none of them valid, answers 500 (`RouteFilters.invalidBackends`);
 * one that names none (filters only) gets 503.
 */
export const NO_BACKEND_SERVICE = '0-no-valid-backendref';

export interface ParentReport {
  attachment: ParentAttachment;
  /** The generated routes that serve this parentRef's host names. */
  routeKeys: string[];
  notes: string[];
}

export interface GatewayRouteConversion {
  routes: Route[];
  parents: ParentReport[];
  resolvedRefs: Judgement;
  /** Rules and matches not served, one line each. */
  dropped: string[];
  /** Some rule is served (when `dropped` names the others). */
  rulesLeft: boolean;
  /** Some host waits for a Secret to be read. */
  pending: boolean;
  /** `namespace/name` of the Services the route's backendRefs name, for the caller's index. */
  services: string[];
}

export type ConversionContext = AttachmentContext & BackendContext;

const RESOLVED = good('ResolvedRefs');

function routeTls(serving: HostServing): RouteTLS | undefined {
  const tls = (termination: string, policy: string, cert = '', key = ''): RouteTLS => ({
    termination,
    insecureEdgeTerminationPolicy: policy,
    certificate: cert,
    key,
    caCertificate: '',
    destinationCACertificate: '',
  });
  if (serving.passthrough) return tls('passthrough', 'None');
  if (serving.https === undefined) return undefined;
  return tls('edge', serving.http ? 'Allow' : 'None', serving.https.cert, serving.https.key);
}

function targetsOf(backends: RuleBackends | undefined, fallbackNamespace: string): { namespace: string; to: RouteTarget; alternates: RouteTarget[]; port: string | undefined } {
  const [to, ...alternates] = backends?.targets ?? [];
  if (backends === undefined || to === undefined) return { namespace: fallbackNamespace, to: { kind: 'Service', name: NO_BACKEND_SERVICE, weight: 0 }, alternates: [], port: undefined };
  return { namespace: backends.namespace, to, alternates, port: backends.targetPort };
}

function makeRoute(
  kind: 'HTTPRoute' | 'TLSRoute',
  source: GatewayObjectMeta,
  serving: HostServing,
  match: ServedMatch | undefined,
  backends: RuleBackends | undefined,
  more: Pick<Route, 'filters' | 'listenerHosts'> = {},
): Route {
  const t = targetsOf(backends, source.namespace);
  // Every host ("", an HTTP listener's) is the catch-all wildcard no host name can write.
  const hostname = serving.hostname || CATCH_ALL_KEY_HOST;
  const wildcard = isWildcard(hostname);
  const what = match === undefined ? hostname : `${hostname}\n${matchSlot(match)}`;
  return {
    namespace: t.namespace,
    name: gatewayRouteName(kind, source.namespace, source.name, what),
    // The spec breaks ties between routes of the same age by namespace/name: the uid is what admission compares next.
    uid: objectKey(source),
    creationTimestamp: source.creationTimestamp,
    labels: {},
    annotations: {},
    host: wildcard ? `wildcard${hostname.slice(1)}` : hostname,
    subdomain: '',
    path: match?.path ?? '',
    to: t.to,
    alternateBackends: t.alternates,
    targetPort: t.port,
    tls: routeTls(serving),
    wildcardPolicy: wildcard ? 'Subdomain' : 'None',
    hostScope: GATEWAY_HOST_SCOPE,
    ...(t.namespace !== source.namespace ? { sourceNamespace: source.namespace } : {}),
    ...(match?.exact ? { exactPath: true } : {}),
    ...(wildcard ? { deepWildcard: true } : {}),
    ...(more.filters ? { filters: more.filters } : {}),
    ...(match?.conditions ? { requestMatch: { ...match.conditions, order: match.order } } : {}),
    ...(more.listenerHosts ? { listenerHosts: more.listenerHosts } : {}),
  };
}

/** What a match selects on a host: two matches of one route that select the same requests make one route, the first's. */
function matchSlot(match: ServedMatch): string {
  const path = `${match.exact ? 'Exact' : 'Prefix'}\n${match.path}`;
  return match.conditions ? `${path}\n${requestMatchKey(match.conditions)}` : path;
}

function reports(attachments: ParentAttachment[], byParent: Set<string>[], notes: string[][], routes: readonly Route[], hostOf: Map<string, string>): ParentReport[] {
  return attachments.map((attachment, i) => ({
    attachment,
    routeKeys: routes.map(objectKey).filter((key) => byParent[i]?.has(hostOf.get(key) ?? '')),
    notes: notes[i] ?? [],
  }));
}

const NO_FILTERS: RouteFilters = { request: [], response: [], redirect: undefined, rewrite: undefined };

/** A rule's filters, with the 500s the spec asks for in place of its invalid backendRefs' share of requests (a redirect answers instead). */
function servedFilters(filters: RouteFilters | undefined, resolved: ResolvedBackends): RouteFilters | undefined {
  if (resolved.invalidShare === undefined || filters?.redirect !== undefined) return filters;
  return { ...(filters ?? NO_FILTERS), invalidBackends: resolved.invalidShare };
}

export function convertHTTPRoute(route: HTTPRoute, ctx: ConversionContext): GatewayRouteConversion {
  const attachments = route.parentRefs.map((ref) => attachParent({ kind: 'HTTPRoute', namespace: route.namespace, hostnames: route.hostnames, parentRefs: route.parentRefs }, ref, ctx));
  const hosts = servedHosts(attachments);
  const listenerHosts = gatewayListenerHosts(attachments, ctx);
  const plan = planRules(route);
  const dropped = [...plan.dropped];
  let resolvedRefs: Judgement = RESOLVED;
  const services = new Set<string>();
  const rules = plan.rules.flatMap((r) => {
    for (const b of r.rule.backendRefs) services.add(`${b.namespace ?? route.namespace}/${b.name}`);
    const resolved = resolveBackends(r.rule.backendRefs, 'HTTPRoute', route.namespace, ctx);
    if (resolved.unresolved && resolvedRefs.ok) resolvedRefs = resolved.unresolved;
    if (resolved.unsupported === undefined) return [{ ...r, backends: resolved.backends, filters: servedFilters(r.filters, resolved) }];
    dropped.push(`rule ${r.index}: ${resolved.unsupported}`);
    return [];
  });
  const routes: Route[] = [];
  const hostOf = new Map<string, string>();
  for (const serving of hosts.hosts.values()) {
    if (!serving.http && serving.https === undefined) continue;
    const taken = new Set<string>();
    for (const rule of rules) {
      for (const match of rule.matches) {
        // The first rule with a match keeps it, as the spec orders rules within a route.
        const slot = matchSlot(match);
        if (taken.has(slot)) continue;
        taken.add(slot);
        const generated = makeRoute('HTTPRoute', route, { ...serving, passthrough: false }, match, rule.backends, { ...(rule.filters ? { filters: rule.filters } : {}), listenerHosts });
        routes.push(generated);
        hostOf.set(objectKey(generated), serving.hostname);
      }
    }
  }
  return {
    routes,
    parents: reports(attachments, hosts.byParent, hosts.notes, routes, hostOf),
    resolvedRefs,
    dropped,
    rulesLeft: rules.length > 0,
    pending: hosts.pending,
    services: [...services],
  };
}

export function convertTLSRoute(route: TLSRoute, ctx: ConversionContext): GatewayRouteConversion {
  const attachments = route.parentRefs.map((ref) => attachParent({ kind: 'TLSRoute', namespace: route.namespace, hostnames: route.hostnames, parentRefs: route.parentRefs }, ref, ctx));
  const hosts = servedHosts(attachments);
  const resolved = resolveBackends(route.backendRefs, 'TLSRoute', route.namespace, ctx);
  const dropped = resolved.unsupported === undefined ? [] : [`rule 0: ${resolved.unsupported}`];
  const routes: Route[] = [];
  const hostOf = new Map<string, string>();
  // Only the exact names other listeners give under its wildcard or hostless listeners (listener-hosts.ts): passthrough
  // hands the TLS side of those to nobody else.
  const listenerHosts = gatewayListenerHosts(attachments, ctx);
  const more = listenerHosts.http.length + listenerHosts.https.length > 0 ? { listenerHosts } : {};
  if (resolved.unsupported === undefined) {
    for (const serving of hosts.hosts.values()) {
      if (!serving.passthrough) continue;
      const generated = makeRoute('TLSRoute', route, serving, undefined, resolved.backends, more);
      routes.push(generated);
      hostOf.set(objectKey(generated), serving.hostname);
    }
  }
  return {
    routes,
    parents: reports(attachments, hosts.byParent, hosts.notes, routes, hostOf),
    resolvedRefs: resolved.unresolved ?? RESOLVED,
    dropped,
    rulesLeft: resolved.unsupported === undefined,
    pending: hosts.pending,
    services: route.backendRefs.map((b) => `${b.namespace ?? route.namespace}/${b.name}`),
  };
}
