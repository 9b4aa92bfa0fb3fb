import { compareText } from '../domain/compare.ts';
import type { MapEntry } from './model.ts';

/**
 * Map entries for one HTTP route, keyed on the normalised `host+path` that
 * the frontend builds per request. haproxy indexes `map` in a tree and
 * `map_beg` in a prefix tree (longest prefix wins), so lookups cost the same
 * with ten routes or ten thousand. The pair of entries keeps openshift-router's
 * segment-boundary rule: `/foo` serves `/foo` (exact) and `/foo/...` (prefix)
 * but not `/foobar`.
 */
export interface RouteMapEntries {
  exact: MapEntry[];
  prefix: (MapEntry & { explicit: boolean })[];
}

export function normalisePath(path: string): string {
  return /^\/*$/.test(path) ? '' : path;
}

export function routeMapEntries(host: string, path: string, backend: string, exactOnly = false): RouteMapEntries {
  // An exact path (an Ingress's `Exact`) wants its own key and none of the paths below it.
  if (exactOnly) return { exact: [{ key: `${host}${path || '/'}`, value: backend }], prefix: [] };
  const p = normalisePath(path);
  if (p === '') return { exact: [], prefix: [{ key: `${host}/`, value: backend, explicit: true }] };
  if (p.endsWith('/')) return { exact: [], prefix: [{ key: `${host}${p}`, value: backend, explicit: true }] };
  return {
    exact: [{ key: `${host}${p}`, value: backend }],
    prefix: [{ key: `${host}${p}/`, value: backend, explicit: false }],
  };
}

function byKey(a: MapEntry, b: MapEntry): number {
  return compareText(a.key, b.key);
}

/**
 * Merges the entries of all routes into map contents. `/foo/` and `/foo` both
 * want the prefix `host/foo/`; the route that wrote the trailing slash is the
 * more specific one (as in openshift-router's regex ordering), otherwise the
 * first (oldest) route keeps the key.
 */
export function mergeMapEntries(all: readonly RouteMapEntries[]): { exact: MapEntry[]; prefix: MapEntry[] } {
  const exact = new Map<string, MapEntry>();
  const prefix = new Map<string, MapEntry & { explicit: boolean }>();
  for (const entries of all) {
    for (const e of entries.exact) if (!exact.has(e.key)) exact.set(e.key, e);
    for (const e of entries.prefix) {
      const held = prefix.get(e.key);
      if (!held || (e.explicit && !held.explicit)) prefix.set(e.key, e);
    }
  }
  return {
    exact: [...exact.values()].sort(byKey),
    prefix: [...prefix.values()].map(({ key, value }) => ({ key, value })).sort(byKey),
  };
}
