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
  exact: (MapEntry & { explicit: boolean })[];
  prefix: (MapEntry & { explicit: boolean })[];
}

export function normalisePath(path: string): string {
  return /^\/*$/.test(path) ? '' : path;
}

export function routeMapEntries(host: string, path: string, backend: string, exactOnly = false): RouteMapEntries {
  // An exact path (an Ingress's or HTTPRoute's `Exact`) wants its own key and none of the paths below it, and takes
  // that key from a prefix route of the same path, whose exact key only stands for its prefix.
  if (exactOnly) return { exact: [{ key: `${host}${path || '/'}`, value: backend, explicit: true }], prefix: [] };
  const p = normalisePath(path);
  if (p === '') return { exact: [], prefix: [{ key: `${host}/`, value: backend, explicit: true }] };
  if (p.endsWith('/')) return { exact: [], prefix: [{ key: `${host}${p}`, value: backend, explicit: true }] };
  return {
    exact: [{ key: `${host}${p}`, value: backend, explicit: false }],
    prefix: [{ key: `${host}${p}/`, value: backend, explicit: false }],
  };
}

function byKey(a: MapEntry, b: MapEntry): number {
  return compareText(a.key, b.key);
}

/**
 * Merges the entries of all routes into map contents. `/foo/` and `/foo` both
 * want the prefix `host/foo/`; the route that wrote the trailing slash is the
 * more specific one (as in openshift-router's regex ordering), and an exact
 * path is more specific than a prefix of the same path; otherwise the first
 * (oldest) route keeps the key.
 */
export function mergeMapEntries(all: readonly RouteMapEntries[]): { exact: MapEntry[]; prefix: MapEntry[] } {
  const merge = (entries: Map<string, MapEntry & { explicit: boolean }>, e: MapEntry & { explicit: boolean }) => {
    const held = entries.get(e.key);
    if (!held || (e.explicit && !held.explicit)) entries.set(e.key, e);
  };
  const exact = new Map<string, MapEntry & { explicit: boolean }>();
  const prefix = new Map<string, MapEntry & { explicit: boolean }>();
  for (const entries of all) {
    for (const e of entries.exact) merge(exact, e);
    for (const e of entries.prefix) merge(prefix, e);
  }
  const plain = (m: Map<string, MapEntry>) => [...m.values()].map(({ key, value }) => ({ key, value })).sort(byKey);
  return { exact: plain(exact), prefix: plain(prefix) };
}
