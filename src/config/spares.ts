import { backendName, routingKeyName, type BackendTermination } from '../domain/names.ts';
import { balanceFor, cookieFor } from './build-backend.ts';
import { NO_ROUTE_OPTIONS, type BackendModel } from './model.ts';
import type { ConfigSettings } from './settings.ts';

/**
 * Spare backends let a new route go live without a reload: each is rendered
 * exactly as a route of its shape would be, without servers or map
 * entries, and a route of that shape takes one over through the runtime
 * API. `_spare` cannot be a namespace (DNS-1123 has no `_`), so the names
 * never collide with a route's. The pool refills on the next reload that
 * happens anyway.
 *
 * Shapes: termination; for edge and reencrypt, whether plain HTTP is
 * allowed (the sticky cookie is `secure` only when it is not); and the
 * balance a route with one service gets, or roundrobin, which routes with
 * alternate backends get. How a reencrypt route verifies its pods is
 * written on server lines only, so a spare, without servers, takes any
 * (its CA is loaded live first, see ca-file-plan.ts).
 * A spare's sticky cookie keeps the spare's name (haproxy cannot rename a
 * cookie live) and takes the route's dynamic-cookie key, so server cookies
 * keep their values at the reload that gives the route its own backend;
 * only the name changes, and clients re-stick once.
 */
const SPARE_SHAPES: readonly { termination: BackendTermination; insecurePolicy: string; group: string }[] = [
  { termination: 'http', insecurePolicy: '', group: '_spare' },
  { termination: 'edge', insecurePolicy: 'None', group: '_spare' },
  { termination: 'edge', insecurePolicy: 'Allow', group: '_spare_allow' },
  { termination: 'reencrypt', insecurePolicy: 'None', group: '_spare' },
  { termination: 'reencrypt', insecurePolicy: 'Allow', group: '_spare_allow' },
  { termination: 'passthrough', insecurePolicy: '', group: '_spare' },
];

/** Weighted services of the routes each pool is for: one, and several (alternate backends). */
const SERVICE_COUNTS = [1, 2] as const;

/** How many spares each pool (by sparePool) a load renders; a pool not in it gets the operator's size. */
export type SparePools = ReadonlyMap<string, number>;

/** The pool a spare belongs to: its name without the number. */
export function sparePool(name: string): string {
  return name.slice(0, name.lastIndexOf(':'));
}

type Balances = Pick<ConfigSettings, 'loadBalanceAlgorithm' | 'tcpBalanceAlgorithm'>;

/** The pool of spares of a shape with `balance`: routes with one service get their own pool, the rest `_rr`. */
function poolName(termination: BackendTermination, group: string, balance: string, settings: Balances): string {
  return backendName(termination, balance === balanceFor(termination, 1, settings) ? group : `${group}_rr`, '').slice(0, -1);
}

/**
 * Tells the pool whose spares a route's backend could take over from what
 * picks a pool (termination, balance, cookie); undefined when no spare has
 * its balance or cookie. Lines of the route's own options (a rewrite,
 * header actions) are not looked at: such a route is counted in its pool,
 * though it would get a backend of its own. Names are worked out once, as
 * a start asks this of every route.
 */
export function sparePoolOf(settings: Balances): (b: BackendModel) => string | undefined {
  // By termination, then whether plain HTTP is allowed, then balance: no key is built per route.
  const pools = new Map<BackendTermination, [Map<string, string>, Map<string, string>]>();
  for (const { termination, insecurePolicy, group } of SPARE_SHAPES) {
    const byPolicy = pools.get(termination) ?? [new Map<string, string>(), new Map<string, string>()];
    pools.set(termination, byPolicy);
    for (const n of SERVICE_COUNTS) {
      const balance = balanceFor(termination, n, settings);
      byPolicy[insecurePolicy === 'Allow' ? 1 : 0].set(balance, poolName(termination, group, balance, settings));
    }
  }
  return (b) => {
    if (b.termination !== 'passthrough' && (!b.cookie || b.cookie.named || b.cookie.sameSite !== 'None')) return undefined;
    const allow = b.termination !== 'http' && b.cookie?.secure === false;
    return pools.get(b.termination)?.[allow ? 1 : 0].get(b.balance);
  };
}

/** Every pool a load renders spares for with `settings`. */
export function sparePoolNames(settings: Balances): string[] {
  return [...new Set(SPARE_SHAPES.flatMap(({ termination, group }) => SERVICE_COUNTS.map((n) => poolName(termination, group, balanceFor(termination, n, settings), settings))))];
}

export function spareBackends(settings: ConfigSettings, pools: SparePools = new Map()): BackendModel[] {
  return SPARE_SHAPES.flatMap(({ termination, insecurePolicy, group }) => {
    // When both balances are the same (ROUTER_LOAD_BALANCE_ALGORITHM=roundrobin), one pool serves both.
    const balances = [...new Set(SERVICE_COUNTS.map((n) => balanceFor(termination, n, settings)))];
    return balances.flatMap((balance) => {
      const pool = poolName(termination, group, balance, settings);
      return Array.from({ length: pools.get(pool) ?? settings.sparesPerShape }, (_, i) => {
        const name = `${pool}:${i + 1}`;
        return {
          name,
          routeKey: '',
          termination,
          mode: termination === 'passthrough' ? ('tcp' as const) : ('http' as const),
          balance,
          checkIntervalMs: settings.checkIntervalMs,
          serverTls: termination === 'reencrypt' ? { verify: 'none' as const, alpn: settings.tls.http2 } : undefined,
          cookie: cookieFor(termination, insecurePolicy, routingKeyName('_spare', name), settings),
          ...NO_ROUTE_OPTIONS,
          allowlistAcl: true,
          servers: [],
        };
      });
    });
  });
}

/** A backend no route uses: a spare, as rendered. */
export function isSpare(b: BackendModel): boolean {
  return b.routeKey === '';
}
