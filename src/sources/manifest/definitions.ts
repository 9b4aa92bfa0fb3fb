/**
 * Which files define each object of a manifest directory, and what the sink
 * was last told about it. Files are replaced one at a time, so a change
 * costs work in proportion to the files that changed, not to the
 * directory. Pure: the source does the I/O.
 */
import { compareText } from '../../domain/compare.ts';
import type { EndpointSlice } from '../../domain/endpoints.ts';
import type { Gateway, GatewayClass, HTTPRoute, NamespaceLabels, ReferenceGrant, TLSRoute } from '../../domain/gateway.ts';
import type { Ingress, IngressClass, IngressSecret, ServicePorts } from '../../domain/ingress.ts';
import { objectKey, type Route } from '../../domain/route.ts';
import { sameValue } from '../same-value.ts';
import type { ManifestObjects } from './parse-manifests.ts';

/** Every kind a manifest directory defines, and the domain object each becomes. */
interface KindObjects {
  EndpointSlice: EndpointSlice;
  Route: Route;
  Ingress: Ingress;
  IngressClass: IngressClass;
  Secret: IngressSecret;
  Service: ServicePorts;
  GatewayClass: GatewayClass;
  Gateway: Gateway;
  HTTPRoute: HTTPRoute;
  TLSRoute: TLSRoute;
  ReferenceGrant: ReferenceGrant;
  Namespace: NamespaceLabels;
}
type Kind = keyof KindObjects;
export type DomainObject = KindObjects[Kind];

/** A change to one object: Routes and EndpointSlices go to the sink as they are, the rest to the Ingress and Gateway API translators. */
export type ManifestChange = { [K in Kind]: { kind: K; type: 'upsert' | 'delete'; object: KindObjects[K] } }[Kind];

interface Definition {
  file: string;
  object: DomainObject;
}

interface Entry {
  kind: Kind;
  key: string;
  /** In file path order, then in order within a file: the last one wins. */
  definitions: Definition[];
  /** What the sink holds, once told. */
  emitted: DomainObject | undefined;
}

/** Events come out grouped by kind in this order, then by key, so logs and tests see a stable order. */
const KIND_ORDER: readonly Kind[] = [
  'EndpointSlice', 'Route', 'IngressClass', 'Secret', 'Service', 'Ingress',
  'Namespace', 'GatewayClass', 'Gateway', 'ReferenceGrant', 'HTTPRoute', 'TLSRoute',
]; // prettier-ignore

/** `namespace/name`, or the name alone for cluster-scoped objects (IngressClasses, GatewayClasses, Namespaces). */
function keyOf(object: DomainObject): string {
  return 'namespace' in object ? objectKey(object) : object.name;
}

function compareEntries(a: Entry, b: Entry): number {
  return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || compareText(a.key, b.key);
}

function* objectsOf(objects: ManifestObjects | undefined): Generator<[Kind, DomainObject]> {
  if (!objects) return;
  for (const object of objects.endpointSlices) yield ['EndpointSlice', object];
  for (const object of objects.routes) yield ['Route', object];
  const ingress = objects.ingress;
  if (!ingress) return;
  for (const object of ingress.classes) yield ['IngressClass', object];
  for (const object of ingress.secrets) yield ['Secret', object];
  for (const object of ingress.services) yield ['Service', object];
  for (const object of ingress.ingresses) yield ['Ingress', object];
  const gateway = objects.gateway;
  if (!gateway) return;
  for (const object of gateway.namespaces) yield ['Namespace', object];
  for (const object of gateway.classes) yield ['GatewayClass', object];
  for (const object of gateway.gateways) yield ['Gateway', object];
  for (const object of gateway.grants) yield ['ReferenceGrant', object];
  for (const object of gateway.httpRoutes) yield ['HTTPRoute', object];
  for (const object of gateway.tlsRoutes) yield ['TLSRoute', object];
}

/** Whether some object of `before` (by kind and key) is not in `after`. */
export function losesObjects(before: ManifestObjects, after: ManifestObjects): boolean {
  const kept = new Set<string>();
  for (const [kind, object] of objectsOf(after)) kept.add(`${kind}\u0000${keyOf(object)}`);
  for (const [kind, object] of objectsOf(before)) if (!kept.has(`${kind}\u0000${keyOf(object)}`)) return true;
  return false;
}

/**
 * `after`, and each object of `before` whose kind and key it lacks (every
 * list of ManifestObjects holds one kind) and that `keep` picks (all by default).
 */
export function withKept(before: ManifestObjects, after: ManifestObjects, keep: (object: DomainObject) => boolean = () => true): ManifestObjects {
  return mergeLists(before, after, keep) as unknown as ManifestObjects;
}

function mergeLists(before: object, after: object, keep: (object: DomainObject) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { ...after };
  for (const [field, held] of Object.entries(before)) {
    const now = (after as Record<string, unknown>)[field];
    if (Array.isArray(held)) {
      const list = (Array.isArray(now) ? now : []) as DomainObject[];
      const present = new Set(list.map(keyOf));
      const kept = (held as DomainObject[]).filter((o) => !present.has(keyOf(o)) && keep(o));
      out[field] = kept.length === 0 ? list : [...list, ...kept];
    } else if (held !== null && typeof held === 'object') {
      out[field] = mergeLists(held, now !== null && typeof now === 'object' ? now : {}, keep);
    }
  }
  return out;
}

/** The objects of every file, merged: see `replace`, `pending` and `commit`. */
export class Definitions {
  /** By kind, then `namespace/name`. */
  private readonly entries: Record<Kind, Map<string, Entry>> = {
    EndpointSlice: new Map(),
    Route: new Map(),
    Ingress: new Map(),
    IngressClass: new Map(),
    Secret: new Map(),
    Service: new Map(),
    GatewayClass: new Map(),
    Gateway: new Map(),
    HTTPRoute: new Map(),
    TLSRoute: new Map(),
    ReferenceGrant: new Map(),
    Namespace: new Map(),
  };
  /** Entries changed since the last commit. */
  private readonly dirty = new Set<Entry>();
  /** Entries defined more than once, for the warnings. */
  private readonly repeated = new Set<Entry>();

  /** Records that `file` now defines `after` (nothing, when it is gone) instead of `before`. */
  replace(file: string, before: ManifestObjects | undefined, after: ManifestObjects | undefined): void {
    for (const [kind, object] of objectsOf(before)) {
      const entry = this.entries[kind].get(keyOf(object));
      if (!entry) continue;
      entry.definitions = entry.definitions.filter((d) => d.file !== file);
      this.touch(entry);
    }
    for (const [kind, object] of objectsOf(after)) {
      const key = keyOf(object);
      let entry = this.entries[kind].get(key);
      if (!entry) this.entries[kind].set(key, (entry = { kind, key, definitions: [], emitted: undefined }));
      const defs = entry.definitions;
      let at = defs.length;
      while (at > 0 && compareText((defs[at - 1] as Definition).file, file) > 0) at--;
      defs.splice(at, 0, { file, object });
      this.touch(entry);
    }
  }

  /**
   * Upserts for new and changed objects and deletes (carrying the object
   * last told) for vanished ones, since the last commit; equal objects
   * built in another key order, or moved to another file, are no change.
   */
  pending(): ManifestChange[] {
    const changed: { entry: Entry; event: ManifestChange }[] = [];
    for (const entry of this.dirty) {
      const winner = entry.definitions.at(-1)?.object;
      const kind = entry.kind;
      if (winner && !sameValue(winner, entry.emitted)) changed.push({ entry, event: { kind, type: 'upsert', object: winner } as ManifestChange });
      else if (!winner && entry.emitted) changed.push({ entry, event: { kind, type: 'delete', object: entry.emitted } as ManifestChange });
    }
    return changed.sort((a, b) => compareEntries(a.entry, b.entry)).map((c) => c.event);
  }

  /** The sink applied `pending()`: it now holds every object's winning definition. */
  commit(): void {
    for (const entry of this.dirty) {
      entry.emitted = entry.definitions.at(-1)?.object;
      if (!entry.emitted) this.entries[entry.kind].delete(entry.key);
    }
    this.dirty.clear();
  }

  /** One warning per overridden definition, naming both places. */
  warnings(): string[] {
    const warnings: string[] = [];
    for (const entry of [...this.repeated].sort(compareEntries)) {
      const id = `${entry.kind} ${entry.key}`;
      const defs = entry.definitions;
      for (let i = 1; i < defs.length; i++) {
        const [previous, current] = [defs[i - 1]?.file, defs[i]?.file];
        warnings.push(
          previous === current
            ? `${id} is defined more than once in ${current}; using the last definition`
            : `${id} is defined in both ${previous} and ${current}; using ${current}`,
        );
      }
    }
    return warnings;
  }

  private touch(entry: Entry): void {
    this.dirty.add(entry);
    if (entry.definitions.length > 1) this.repeated.add(entry);
    else this.repeated.delete(entry);
  }
}
