import type { MapEntry, MapFiles } from '../config/model.ts';
import type { MapCommand } from './commands.ts';

/**
 * Entry-by-entry changes that turn the running maps into the next ones:
 * additions and new values first, removals after, so a route that moves
 * (a new key for the same backend) is reachable at every moment. Map file
 * names are the ones the config loads them by (relative, see default-path).
 */
export function planMaps(applied: MapFiles, next: MapFiles): { upserts: MapCommand[]; removals: MapCommand[] } {
  const upserts: MapCommand[] = [];
  const removals: MapCommand[] = [];
  for (const map of Object.keys(next) as (keyof MapFiles)[]) {
    const before = new Map(applied[map].map((e: MapEntry) => [e.key, e.value]));
    const after = new Map(next[map].map((e: MapEntry) => [e.key, e.value]));
    for (const [key, value] of after) {
      const old = before.get(key);
      if (old === undefined) upserts.push({ kind: 'add-map', map, key, value });
      else if (old !== value) upserts.push({ kind: 'set-map', map, key, value });
    }
    for (const key of before.keys()) if (!after.has(key)) removals.push({ kind: 'del-map', map, key });
  }
  return { upserts, removals };
}
