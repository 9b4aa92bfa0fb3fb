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
