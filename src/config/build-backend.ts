import type { EndpointSlice } from '../domain/endpoints.ts';
import { backendName, routingKeyName, type BackendTermination } from '../domain/names.ts';
import { objectKey, type Route } from '../domain/route.ts';
import { NO_OPTIONS, type AdmittedRoute, type RouteOptions } from '../domain/route-options.ts';
import type { BackendCookie, BackendModel, ServerModel, ServerTls } from './model.ts';
import { filterHeaderActions, filterLines, literalRegex, type Scheme } from './route-filters.ts';
import type { EndpointSelector } from './route-servers.ts';
import type { ConfigSettings } from './settings.ts';
import { clampServiceWeight, hashableWeights, isHashedBalance, serverWeights } from './weights.ts';

export function terminationOf(route: Route): BackendTermination {
  const t = route.tls?.termination;
  return t === 'edge' || t === 'reencrypt' || t === 'passthrough' ? t : 'http';
}

/** Slices of each service, keyed `namespace/service`, so each route finds its endpoints without a scan. */
export function slicesByService(slices: Iterable<EndpointSlice>): Map<string, EndpointSlice[]> {
  const index = new Map<string, EndpointSlice[]>();
  for (const slice of slices) {
    const key = `${slice.namespace}/${slice.serviceName}`;
    const group = index.get(key);
    if (group) group.push(slice);
    else index.set(key, [slice]);
  }
  return index;
}

/**
 * Reencrypt verification as openshift-router: the route's own destination
 * CA; else the operator's default CA with the service's cluster DNS name as
 * the expected host; else no verification.
 */
function serverTlsFor(route: Route, destinationCa: BackendInput['destinationCa'], settings: ConfigSettings): ServerTls {
  const alpn = settings.tls.http2;
  if (!destinationCa) return { verify: 'none', alpn };
  const verifyHost = destinationCa.own ? undefined : `${route.to.name}.${route.namespace}.svc`;
  return { verify: 'required', caFile: destinationCa.file, verifyHost, alpn };
}

/**
 * A route's sticky cookie, as openshift-router names it: the route's
 * `cookie_name`, else ROUTER_COOKIE_NAME, else its key. A cookie marked
 * `secure` would never come back over plain HTTP, so routes that also serve
 * plain HTTP (policy Allow) go without. `disable_cookies` goes without any.
 */
export function cookieFor(
  termination: BackendTermination,
  insecurePolicy: string,
  key: string,
  settings: Pick<ConfigSettings, 'cookieName'>,
  options: RouteOptions = NO_OPTIONS,
): BackendCookie | undefined {
  if (termination === 'passthrough' || options.cookiesDisabled) return undefined;
  const secure = termination !== 'http' && insecurePolicy !== 'Allow';
  const named = options.cookieName !== undefined;
  return { name: options.cookieName ?? settings.cookieName ?? key, key, secure, sameSite: options.cookieSameSite ?? 'None', named };
}

/** openshift-router's balance: roundrobin between weighted services, else the configured algorithm of HTTP or of passthrough. */
export function balanceFor(
  termination: BackendTermination,
  weightedServices: number,
  settings: Pick<ConfigSettings, 'loadBalanceAlgorithm' | 'tcpBalanceAlgorithm'>,
): string {
  if (weightedServices > 1) return 'roundrobin';
  return termination === 'passthrough' ? settings.tcpBalanceAlgorithm : settings.loadBalanceAlgorithm;
}

/**
 * upstream's rewrite: what follows the route's path (and, for a target of
 * `/`, a slash right after it) is appended to the target. upstream puts the
 * path into the pattern as it is; here its regex characters are escaped, so
 * `/v1.0` matches only itself.
 */
function rewriteFor(path: string, options: RouteOptions): BackendModel['rewrite'] {
  const target = options.rewriteTarget;
  if (target === undefined) return undefined;
  return { pattern: `^${literalRegex(path)}${target.root ? '/?' : ''}(.*)$`, replacement: target.replacement };
}

/** The schemes a route's requests reach its backend over. */
function servedSchemes(termination: BackendTermination, insecurePolicy: string | undefined): Scheme[] {
  if (termination === 'http') return ['http'];
  return insecurePolicy === 'Allow' ? ['http', 'https'] : ['https'];
}

/** Most backends have no filter lines (only Gateway API routes with filters do): one empty list for all of them. */
const NO_LINES: readonly string[] = Object.freeze([]);

export interface BackendInput {
  route: AdmittedRoute;
  slices: Map<string, EndpointSlice[]>;
  settings: ConfigSettings;
  /** Each service's endpoints as the context selects them (its address filter, --include-udp-endpoints). */
  endpoints: EndpointSelector;
  /** Absolute path of the CA file a reencrypt route's pods are verified by: the route's own, or the default one. */
  destinationCa: { file: string; own: boolean } | undefined;
}

/** One route's backend: its services' ready endpoints as servers, with upstream's weights and balance. */
export function buildBackend({ route, slices, settings, endpoints, destinationCa }: BackendInput): BackendModel {
  const termination = terminationOf(route);
  const tcp = termination === 'passthrough';
  const perService = [route.to, ...route.alternateBackends].map((t) => ({
    weight: clampServiceWeight(t.weight),
    endpoints: endpoints(route, t.name, slices.get(`${route.namespace}/${t.name}`) ?? []),
  }));
  // Counted from the route, not from endpoints: a service gaining its first pod must not change the backend (and force a reload).
  const weightedServices = perService.filter((s) => s.weight > 0).length;
  const options = route.options ?? NO_OPTIONS;
  // As upstream, the route's own algorithm wins, alternate backends or not.
  const balance = options.balance ?? balanceFor(termination, weightedServices, settings);
  const exact = serverWeights(perService.map((s) => ({ weight: s.weight, servers: s.endpoints.length })));
  const weights = isHashedBalance(balance) ? hashableWeights(exact) : exact;
  const seen = new Set<string>();
  const servers: ServerModel[] = [];
  perService.forEach((service, i) => {
    const weight = weights[i] ?? 0;
    // HTTP keeps weight-0 servers so sticky sessions survive; TCP has no use for them.
    if (tcp && weight === 0) return;
    for (const e of service.endpoints) {
      // A route may name the same service twice (to and an alternate); its servers appear once.
      if (seen.has(e.name)) continue;
      seen.add(e.name);
      servers.push({ name: e.name, ip: e.ip, port: e.port, weight });
    }
  });
  return {
    name: backendName(termination, route.namespace, route.name),
    routeKey: objectKey(route),
    termination,
    mode: tcp ? 'tcp' : 'http',
    balance,
    // A check slot is per endpoint and interval, so a route's own interval is a check of its own.
    checkIntervalMs: options.checkIntervalMs ?? settings.checkIntervalMs,
    serverTls: termination === 'reencrypt' ? serverTlsFor(route, destinationCa, settings) : undefined,
    cookie: cookieFor(termination, route.tls?.insecureEdgeTerminationPolicy ?? '', routingKeyName(route.namespace, route.name), settings, options),
    allowlist: options.allowlist,
    allowlistAcl: options.allowlist !== undefined,
    // Passthrough has one timeout that matters, the tunnel's: upstream's is timeout-tunnel, else timeout.
    timeoutMs: tcp ? undefined : options.timeoutMs,
    tunnelTimeoutMs: tcp ? (options.tunnelTimeoutMs ?? options.timeoutMs) : options.tunnelTimeoutMs,
    hsts: termination === 'edge' || termination === 'reencrypt' ? options.hsts : undefined,
    headerActions: tcp ? undefined : (options.headerActions ?? filterHeaderActions(route.filters)),
    rewrite: tcp ? undefined : rewriteFor(route.path, options),
    filterLines: tcp || route.filters === undefined ? NO_LINES : filterLines(route.filters, route.path, servedSchemes(termination, route.tls?.insecureEdgeTerminationPolicy), settings),
    rateLimits: options.rateLimits,
    serverMaxConn: options.podMaxConn,
    // As upstream, only where the operator set case adjustments.
    h1CaseAdjust: !tcp && options.h1AdjustCase === true && settings.http.h1CaseAdjust.length > 0,
    forwardedHeaders: tcp ? undefined : options.forwardedHeaders,
    servers,
  };
}
