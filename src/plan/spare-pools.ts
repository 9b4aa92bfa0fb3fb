import type { BackendModel, ConfigModel } from '../config/model.ts';
import { MAX_SPARES_PER_POOL } from '../config/spare-pool-sizes.ts';
import { isSpare, spareBackends, sparePoolNames, type SparePools } from '../config/spares.ts';
import { byName } from '../domain/compare.ts';
import { firstNotBefore, patchSorted } from '../domain/sorted-arrays.ts';

/**
 * The backends of each pool's spares in `model`, taken by routes or free:
 * a pool's are one run of names (`<pool>:<n>`) in the model's name order,
 * found by binary search; a pass over every backend, testing each name,
 * was 40 ms of a reload's plan at 100,000 routes.
 */
function poolMembers(model: ConfigModel): Map<string, BackendModel[]> {
  const members = new Map<string, BackendModel[]>();
  const { backends } = model;
  for (const pool of sparePoolNames(model.settings)) {
    const prefix = `${pool}:`;
    const found: BackendModel[] = [];
    for (let at = firstNotBefore(backends, (b) => b.name < prefix); at < backends.length && (backends[at] as BackendModel).name.startsWith(prefix); at++) found.push(backends[at] as BackendModel);
    if (found.length > 0) members.set(pool, found);
  }
  return members;
}

/** Spares of each pool in `model`. */
function poolSizes(model: ConfigModel): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const [pool, members] of poolMembers(model)) {
    const free = members.filter(isSpare).length;
    if (free > 0) sizes.set(pool, free);
  }
  return sizes;
}

/**
 * Pool sizes for the next load where they exceed the desired model's
 * (sized from the routes of each shape, config/spare-pool-sizes.ts), from
 * the worker it replaces: a pool gets twice the spares routes took from it
 * since the last load, at most MAX_SPARES_PER_POOL. Routes added one by one
 * in a stream (a rollout, a benchmark) thus cost one reload each time the
 * pool they draw from has doubled, and a pool nobody drew from goes back to
 * the size its routes give it.
 */
export function nextSparePools(running: ConfigModel | undefined, desired: ConfigModel): SparePools {
  const pools = new Map<string, number>();
  if (!running || desired.settings.sparesPerShape === 0) return pools;
  const taken = new Map<string, number>();
  for (const [pool, members] of poolMembers(running)) {
    const n = members.filter((b) => !isSpare(b)).length;
    if (n > 0) taken.set(pool, n);
  }
  if (taken.size === 0) return pools;
  const sizes = poolSizes(desired);
  for (const [pool, n] of taken) {
    const size = Math.min(MAX_SPARES_PER_POOL, 2 * n);
    if (size > (sizes.get(pool) ?? 0)) pools.set(pool, size);
  }
  return pools;
}

/** `model` with the pools of `pools` at their sizes, the others as they are (the same model when `pools` is empty). */
export function withSparePools(model: ConfigModel, pools: SparePools): ConfigModel {
  if (pools.size === 0) return model;
  const spares: BackendModel[] = model.backends.filter(isSpare);
  const sizes = new Map([...poolSizes(model), ...pools]);
  // The route backends stay where they are in name order: a sort of every backend was 40-60 ms at 100,000 routes.
  return { ...model, backends: patchSorted(model.backends, spares, spareBackends(model.settings, sizes).sort(byName), byName) };
}
