/**
 * The route mix of the scale benchmark, pure and seeded, so every run at a
 * size builds the same cluster: routes of every termination (plain, plain
 * with a path, edge with each insecure policy, reencrypt, passthrough) over
 * services shared by several routes, each service with 1 to 3 pods (or
 * another maximum). A pod is
 * one listener of the pod processes (127.0.0.1:port) and one EndpointSlice
 * of its own, since a slice's ports apply to all its addresses.
 */

export type Kind = 'plain' | 'path' | 'edge' | 'reencrypt' | 'passthrough';
export type EdgePolicy = 'None' | 'Redirect' | 'Allow';

/** Out of every 20 routes: 8 plain, 2 with a path, 5 edge, 2 reencrypt, 3 passthrough. */
const PATTERN: readonly Kind[] = [
  'plain', 'edge', 'plain', 'passthrough', 'plain', 'edge', 'path', 'reencrypt', 'plain', 'edge',
  'plain', 'passthrough', 'plain', 'edge', 'path', 'reencrypt', 'plain', 'edge', 'plain', 'passthrough',
];
const POLICIES: readonly EdgePolicy[] = ['None', 'Redirect', 'Allow'];

export const DOMAIN = 'bench.test';

export interface ServiceSpec {
  namespace: string;
  name: string;
  /** Pods that speak TLS (reencrypt and passthrough routes point at these). */
  tls: boolean;
  /** One port per pod, distinct within the service. */
  pods: number[];
}

export interface RouteSpec {
  index: number;
  namespace: string;
  name: string;
  host: string;
  kind: Kind;
  path?: string;
  policy?: EdgePolicy;
  service: ServiceSpec;
}

export interface Mix {
  services: ServiceSpec[];
  routes: RouteSpec[];
}

/** mulberry32: small, fast, and the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function kindOf(index: number): Kind {
  return PATTERN[index % PATTERN.length] ?? 'plain';
}

export const needsTlsPods = (kind: Kind): boolean => kind === 'reencrypt' || kind === 'passthrough';

function pickPods(random: () => number, pool: readonly number[], maxPods: number): number[] {
  const count = Math.min(pool.length, 1 + Math.floor(random() * maxPods));
  const pods = new Set<number>();
  while (pods.size < count) pods.add(pool[Math.floor(random() * pool.length)] ?? 0);
  return [...pods];
}

export interface MixOptions {
  routes: number;
  namespaces: number;
  httpPods: readonly number[];
  tlsPods: readonly number[];
  /** Pods per service are 1 to this many, evenly. */
  maxPodsPerService: number;
  seed: number;
}

/**
 * `routes` routes over services that average two routes each (some have none,
 * some four or more, as in a cluster), in `namespaces` namespaces.
 */
export function buildMix(opts: MixOptions): Mix {
  const random = seededRandom(opts.seed);
  const tlsRoutes = Array.from({ length: opts.routes }, (_, i) => kindOf(i)).filter(needsTlsPods).length;
  const pools = {
    http: makeServices(random, 'hs', Math.max(1, Math.ceil((opts.routes - tlsRoutes) / 2)), opts, opts.httpPods, false),
    tls: makeServices(random, 'ts', Math.max(1, Math.ceil(tlsRoutes / 2)), opts, opts.tlsPods, true),
  };
  const routes = Array.from({ length: opts.routes }, (_, i) => routeAt(i, pickService(random, pools)));
  return { services: [...pools.http, ...pools.tls], routes };
}

function makeServices(random: () => number, prefix: string, count: number, opts: MixOptions, pool: readonly number[], tls: boolean): ServiceSpec[] {
  return Array.from({ length: count }, (_, j) => ({ namespace: `ns${j % opts.namespaces}`, name: `${prefix}${j}`, tls, pods: pickPods(random, pool, opts.maxPodsPerService) }));
}

/** A service for a route of `kind`: random, so services are shared unevenly. */
export function pickService(random: () => number, pools: { http: readonly ServiceSpec[]; tls: readonly ServiceSpec[] }): (kind: Kind) => ServiceSpec {
  return (kind) => {
    const pool = needsTlsPods(kind) ? pools.tls : pools.http;
    const service = pool[Math.floor(random() * pool.length)];
    if (!service) throw new Error(`no ${needsTlsPods(kind) ? 'TLS' : 'HTTP'} service to route to`);
    return service;
  };
}

/** Route number `index` of the mix (also for routes added later), on a service chosen for its kind. */
export function routeAt(index: number, serviceFor: (kind: Kind) => ServiceSpec): RouteSpec {
  const kind = kindOf(index);
  const service = serviceFor(kind);
  return {
    index,
    namespace: service.namespace,
    name: `r${index}`,
    host: `r${index}.${DOMAIN}`,
    kind,
    ...(kind === 'path' ? { path: `/v${index % 3}` } : {}),
    ...(kind === 'edge' ? { policy: POLICIES[Math.floor(index / PATTERN.length) % POLICIES.length] } : {}),
    ...(kind === 'reencrypt' ? { policy: 'None' as const } : {}),
    service,
  };
}

/** The pods' backend names as the pods report them (`x-backend`). */
export const podNames = (service: ServiceSpec): Set<string> => new Set(service.pods.map((p) => `p${p}`));

/** The scale mix of `routes` routes, seed 1, over pod ports nothing listens on: for benches that time the router alone. */
export function podlessMix(routes: number): Mix {
  return buildMix({
    routes,
    namespaces: Math.max(1, Math.min(100, Math.ceil(routes / 100))),
    httpPods: Array.from({ length: 4000 }, (_, i) => 40000 + i),
    tlsPods: Array.from({ length: 1000 }, (_, i) => 45000 + i),
    maxPodsPerService: 3,
    seed: 1,
  });
}
