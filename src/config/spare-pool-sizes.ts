import type { BackendModel } from './model.ts';
import type { ConfigSettings } from './settings.ts';
import { sparePoolOf, type SparePools } from './spares.ts';

/** The most spares a load renders for one pool, unless the operator asks for more: each is a backend haproxy holds, taken or not. */
export const MAX_SPARES_PER_POOL = 512;

/** Routes of a pool's shape per spare a load renders for it. */
export const ROUTES_PER_SPARE = 32;

/**
 * Where a pool has few routes, a spare for every SMALL_POOL_ROUTES_PER_SPARE
 * of them, up to SMALL_POOL_SPARES (where one per ROUTES_PER_SPARE takes
 * over): a stream of adds is as large a share of a small configuration as
 * of a large one, and at 1,000 routes the first 200 adds after a start took
 * 4 reloads with one spare per 32 routes (BENCHMARKS.md, issue #12).
 */
export const SMALL_POOL_ROUTES_PER_SPARE = 4;
export const SMALL_POOL_SPARES = 128;

/**
 * Pool sizes a load renders from the routes it serves: a spare for every
 * ROUTES_PER_SPARE routes of the pool's shape (every
 * SMALL_POOL_ROUTES_PER_SPARE of a small pool), at most MAX_SPARES_PER_POOL,
 * and never fewer than the operator's size (`sparesPerShape`, 0 when
 * spares are off). Where routes are many, they tend to come many at a time
 * (a rollout, a benchmark's stream of adds), and pools of the operator's
 * size ran out within a few adds of a start, each time for a reload; a
 * few hundred spares cost little beside thousands of route backends
 * (BENCHMARKS.md, issue #12).
 * Only the pools that differ from the operator's size are in the result.
 * `routes`: how many routes each pool's shape has (routesPerPool).
 */
export function sparePoolSizes(routes: ReadonlyMap<string, number>, settings: ConfigSettings): SparePools {
  const base = settings.sparesPerShape;
  const sizes = new Map<string, number>();
  if (base === 0) return sizes;
  for (const [pool, n] of routes) {
    const wanted = Math.max(Math.min(SMALL_POOL_SPARES, Math.ceil(n / SMALL_POOL_ROUTES_PER_SPARE)), Math.ceil(n / ROUTES_PER_SPARE));
    const size = Math.max(base, Math.min(MAX_SPARES_PER_POOL, wanted));
    if (size !== base) sizes.set(pool, size);
  }
  return sizes;
}

/** How many of `routeBackends` are of each pool's shape (none when spares are off). */
export function routesPerPool(routeBackends: readonly BackendModel[], settings: ConfigSettings): Map<string, number> {
  const routes = new Map<string, number>();
  if (settings.sparesPerShape === 0) return routes;
  const poolOf = sparePoolOf(settings);
  for (const b of routeBackends) {
    const pool = poolOf(b);
    if (pool !== undefined) routes.set(pool, (routes.get(pool) ?? 0) + 1);
  }
  return routes;
}
