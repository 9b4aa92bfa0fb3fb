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
 * items equal to it, the later of equal ones first), in one pass: a copy
 * and a splice cost 1.4 ms for 40,000 items and 4.3 ms for 100,000 in
 * JavaScriptCore, paid by every edge route added (BENCHMARKS.md, issue #12).
 */
export function patchSorted<T>(items: readonly T[], removed: readonly T[], added: readonly T[], compare: (a: T, b: T) => number): T[] {
  const gone = [...removed].sort(compare);
  const coming = added.map((item, i) => ({ item, i })).sort((x, y) => compare(x.item, y.item) || y.i - x.i);
  const next: T[] = [];
  let r = 0;
  let a = 0;
  for (const item of items) {
    while (r < gone.length && compare(gone[r] as T, item) < 0) r++;
    if (r < gone.length && compare(gone[r] as T, item) === 0) {
      r++;
      continue;
    }
    while (a < coming.length && compare((coming[a] as { item: T }).item, item) <= 0) next.push((coming[a++] as { item: T }).item);
    next.push(item);
  }
  while (a < coming.length) next.push((coming[a++] as { item: T }).item);
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
