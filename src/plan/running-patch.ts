import type { BackendModel, CertificateFile, CheckServerModel, CrtListEntry, MapFiles } from '../config/model.ts';
import type { ConfigSettings } from '../config/settings.ts';
import type { MapChunks } from '../config/map-chunks.ts';
import type { MapFileName } from '../config/route-contribution.ts';

/** How many running backends send traffic to an endpoint (by check key), and how many of them run checks. */
export interface CheckUse {
  uses: number;
  active: number;
}

/** What one commit changes in the running model, element by element; see RunningIndex.apply. */
export interface RunningPatch {
  /** Backends by name, replacing the running one of the same name. */
  backends: BackendModel[];
  /** Route keys now served by a backend they did not run on (a spare they took over). */
  assigned: Map<string, string>;
  /** The worker now runs what a fresh load would not: a route on a spare, or a removed route's backend left behind. */
  holds: boolean;
  /** Check slots by name, replacing the running one of the same name. */
  checks: CheckServerModel[];
  /** Per map file: key -> value, undefined to remove. */
  maps: Map<MapFileName, Map<string, string | undefined>>;
  /** crt-list lines leaving and arriving. */
  crtRemoved: CrtListEntry[];
  crtAdded: CrtListEntry[];
  /** Certificate files arriving, and leaving (by name). */
  certificatesAdded: CertificateFile[];
  certificatesRemoved: string[];
  /** New settings, when only the connection limit changed (set live: plan.ts, planSettings). */
  settings?: ConfigSettings;
}

/** Array positions and what they held before a patch. */
export interface Undo {
  backends: [number, BackendModel][];
  checks: [number, CheckServerModel][];
}

export function lowerBound<T>(items: readonly T[], probe: T, compare: (a: T, b: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(items[mid] as T, probe) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `items` (sorted by `compare`) with `removed` taken out (for each, the
 * first item equal to it) and `added` put in their places (each before the
 * items equal to it, the later of equal ones first). Places are found by
 * binary search and the rest copied in one pass: a copy and a splice cost
 * 1.4 ms for 40,000 items and 4.3 ms for 100,000 in JavaScriptCore, and a
 * merge comparing every item about as much, paid by every edge route added
 * (BENCHMARKS.md, issue #12).
 */
export function patchSorted<T>(items: readonly T[], removed: readonly T[], added: readonly T[], compare: (a: T, b: T) => number): T[] {
  const dropped: number[] = [];
  for (const item of [...removed].sort(compare)) {
    let at = lowerBound(items, item, compare);
    // Equal items removed before this one took the first equal places.
    while (dropped.length > 0 && at <= (dropped[dropped.length - 1] as number)) at++;
    if (at < items.length && compare(items[at] as T, item) === 0) dropped.push(at);
  }
  const inserted = added.map((item, i) => ({ item, i, at: lowerBound(items, item, compare) })).sort((x, y) => x.at - y.at || compare(x.item, y.item) || y.i - x.i);
  const next = new Array<T>(items.length - dropped.length + added.length);
  let out = 0;
  let d = 0;
  let k = 0;
  for (let i = 0; i <= items.length; i++) {
    while (k < inserted.length && (inserted[k] as { at: number }).at === i) next[out++] = (inserted[k++] as { item: T }).item;
    if (i === items.length) break;
    if (d < dropped.length && dropped[d] === i) d++;
    else next[out++] = items[i] as T;
  }
  return next;
}

/**
 * `maps` with the files in `patched` read from their chunks: each is made
 * into an array only when something reads it (a full commit, a full
 * render), so an incremental commit copies no map of every route.
 */
export function withPatchedMaps(maps: MapFiles, patched: ReadonlyMap<MapFileName, MapChunks>): MapFiles {
  // Descriptors, not values: the files an earlier patch left unread stay unread.
  const next = Object.defineProperties({}, Object.getOwnPropertyDescriptors(maps)) as MapFiles;
  for (const [file, chunks] of patched) Object.defineProperty(next, file, { get: () => chunks.entries(), enumerable: true, configurable: true });
  return next;
}
