/**
 * The merged view of a manifest directory and the events between two views.
 * Pure, so the source only does I/O and bookkeeping.
 */
import { compareText } from '../../domain/compare.ts';
import type { EndpointSlice } from '../../domain/endpoints.ts';
import type { ResourceEvent } from '../../domain/events.ts';
import { objectKey, type Route } from '../../domain/route.ts';
import { stableStringify } from '../stable-json.ts';
import type { ManifestObjects } from './parse-manifests.ts';

type ResourceKind = ResourceEvent['kind'];
interface ObjectOf {
  EndpointSlice: EndpointSlice;
  Route: Route;
}

/** One object of the merged view, with the file that defined it and its stable JSON for change detection. */
export type SnapshotEntry = {
  [K in ResourceKind]: { kind: K; object: ObjectOf[K]; file: string; json: string };
}[ResourceKind];

/** Every object a directory defines, keyed by kind and `namespace/name`. */
export type Snapshot = ReadonlyMap<string, SnapshotEntry>;

/** Events come out grouped by kind in this order, then by key, so logs and tests see a stable order. */
const KIND_ORDER: readonly ResourceKind[] = ['EndpointSlice', 'Route'];

/**
 * Merges per-file objects into one view. An object defined more than once
 * is taken from the file whose path sorts last (within a file: the last
 * definition), with a warning naming both places.
 */
export function buildSnapshot(files: ReadonlyMap<string, ManifestObjects>): { snapshot: Snapshot; warnings: string[] } {
  const snapshot = new Map<string, SnapshotEntry>();
  const warnings: string[] = [];
  const add = (entry: SnapshotEntry): void => {
    const id = `${entry.kind} ${objectKey(entry.object)}`;
    const previous = snapshot.get(id);
    if (previous?.file === entry.file) {
      warnings.push(`${id} is defined more than once in ${entry.file}; using the last definition`);
    } else if (previous) {
      warnings.push(`${id} is defined in both ${previous.file} and ${entry.file}; using ${entry.file}`);
    }
    snapshot.set(id, entry);
  };
  for (const [file, objects] of [...files].sort(([a], [b]) => compareText(a, b))) {
    for (const object of objects.endpointSlices) add({ kind: 'EndpointSlice', object, file, json: stableStringify(object) });
    for (const object of objects.routes) add({ kind: 'Route', object, file, json: stableStringify(object) });
  }
  return { snapshot, warnings };
}

/** Upserts for new and changed objects, deletes (carrying the last known object) for vanished ones. */
export function diffSnapshots(previous: Snapshot, next: Snapshot): ResourceEvent[] {
  const changes: { type: 'upsert' | 'delete'; entry: SnapshotEntry }[] = [];
  for (const [id, entry] of next) {
    if (previous.get(id)?.json !== entry.json) changes.push({ type: 'upsert', entry });
  }
  for (const [id, entry] of previous) {
    if (!next.has(id)) changes.push({ type: 'delete', entry });
  }
  return changes.sort((a, b) => compareEntries(a.entry, b.entry)).map(({ type, entry }) => toEvent(type, entry));
}

function compareEntries(a: SnapshotEntry, b: SnapshotEntry): number {
  return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || compareText(objectKey(a.object), objectKey(b.object));
}

function toEvent(type: 'upsert' | 'delete', entry: SnapshotEntry): ResourceEvent {
  switch (entry.kind) {
    case 'EndpointSlice':
      return { kind: 'EndpointSlice', type, object: entry.object };
    case 'Route':
      return { kind: 'Route', type, object: entry.object };
  }
}
