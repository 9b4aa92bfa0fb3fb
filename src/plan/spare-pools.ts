import type { BackendModel, ConfigModel } from '../config/model.ts';
import { isSpare, spareBackends, sparePool, type SparePools } from '../config/spares.ts';
import { byName } from '../domain/compare.ts';

/** The most spares a load renders for one pool: each is a backend haproxy holds, taken or not. */
export const MAX_SPARES_PER_POOL = 512;

/**
 * Pool sizes for the next load, from the worker it replaces: each pool
 * gets twice the spares routes took from it since the last load, never
 * fewer than the operator's size (`base`) nor more than
 * MAX_SPARES_PER_POOL. Routes added one by one in a stream (a rollout, a
 * benchmark) thus cost one reload each time the pool they draw from has
 * doubled, and a pool nobody drew from goes back to its base size.
 */
export function nextSparePools(running: ConfigModel | undefined, base: number): Map<string, number> {
  const pools = new Map<string, number>();
  if (!running || base === 0) return pools;
  const taken = new Map<string, number>();
  for (const b of running.backends) {
    if (!b.name.includes(':_spare')) continue;
    const pool = sparePool(b.name);
    if (!taken.has(pool)) taken.set(pool, 0);
    if (!isSpare(b)) taken.set(pool, (taken.get(pool) ?? 0) + 1);
  }
  for (const [pool, n] of taken) {
    const size = Math.min(MAX_SPARES_PER_POOL, Math.max(base, 2 * n));
    if (size !== base) pools.set(pool, size);
  }
  return pools;
}

/** `model` with its spares as `pools` sizes them (the same model when they are the operator's size). */
export function withSparePools(model: ConfigModel, pools: SparePools): ConfigModel {
  if (pools.size === 0) return model;
  const routes: BackendModel[] = model.backends.filter((b) => !isSpare(b));
  return { ...model, backends: [...routes, ...spareBackends(model.settings, pools)].sort(byName) };
}
