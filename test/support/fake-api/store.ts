import { randomUUID } from 'node:crypto';
import { deepEqual, deepFreeze } from './json.ts';
import { isStoredKind, STORED_API_VERSION, STORED_NAMESPACED } from './kinds.ts';
import type { KubeObject, ObjectMeta, StoredKind, WatchEventType } from './types.ts';

/** One committed change; `previous` is the state before it (needed to turn selector transitions into ADDED/DELETED). */
export interface StoreEvent {
  rv: number;
  type: WatchEventType;
  kind: StoredKind;
  object: KubeObject;
  previous: KubeObject | undefined;
}

/** Seconds precision, as metav1.Time serialises. */
function nowRfc3339(): string {
  return `${new Date().toISOString().slice(0, 19)}Z`;
}

function keyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** Everything that makes a change a "spec" change, so generation bumps only on those, as the real strategies do. */
function specPart(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, kind: _k, apiVersion: _a, ...rest } = obj;
  return rest;
}

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * The fake's etcd: objects per kind, one global resourceVersion counter and
 * the event history that watches resume from. Stored objects are frozen, so
 * callers that want to edit must copy.
 */
export class ObjectStore {
  #rv = 0;
  #compactedRv = 0;
  #history: StoreEvent[] = [];
  readonly #objects = new Map<StoredKind, Map<string, KubeObject>>();
  readonly #listeners = new Set<(e: StoreEvent) => void>();

  /** The resourceVersion of the latest change. */
  get resourceVersion(): number {
    return this.#rv;
  }

  /** Watches must start at or after this resourceVersion. */
  get compactedResourceVersion(): number {
    return this.#compactedRv;
  }

  /** Adds a new object; throws when it exists already. */
  create(input: KubeObject): KubeObject {
    const kind = this.#kindOf(input);
    const namespace = this.#namespaceOf(kind, input);
    const bucket = this.#bucket(kind);
    const key = keyOf(namespace, input.metadata.name);
    if (bucket.has(key)) throw new Error(`${kind} ${key} already exists`);
    const rv = ++this.#rv;
    const object = deepFreeze(assemble(kind, input, {
      namespace,
      uid: input.metadata.uid ?? randomUUID(),
      resourceVersion: String(rv),
      generation: input.metadata.generation ?? 1,
      creationTimestamp: input.metadata.creationTimestamp ?? nowRfc3339(),
    }));
    bucket.set(key, object);
    this.#emit({ rv, type: 'ADDED', kind, object, previous: undefined });
    return object;
  }

  /**
   * Replaces an existing object whole, keeping the server-owned uid and
   * creationTimestamp. With `skipIfUnchanged`, a write that changes nothing
   * commits nothing (no new resourceVersion, no event), as the API server does.
   */
  update(input: KubeObject, opts: { skipIfUnchanged?: boolean } = {}): KubeObject {
    const kind = this.#kindOf(input);
    const namespace = this.#namespaceOf(kind, input);
    const key = keyOf(namespace, input.metadata.name);
    const previous = this.#bucket(kind).get(key);
    if (!previous) throw new Error(`${kind} ${key} not found`);
    const candidate = assemble(kind, input, {
      namespace,
      uid: previous.metadata.uid,
      resourceVersion: previous.metadata.resourceVersion,
      generation: previous.metadata.generation ?? 1,
      creationTimestamp: previous.metadata.creationTimestamp,
    });
    if (!deepEqual(specPart(candidate), specPart(previous))) candidate.metadata.generation = (previous.metadata.generation ?? 1) + 1;
    if (opts.skipIfUnchanged && deepEqual(candidate, previous)) return previous;
    const rv = ++this.#rv;
    candidate.metadata.resourceVersion = String(rv);
    const object = deepFreeze(candidate);
    this.#bucket(kind).set(key, object);
    this.#emit({ rv, type: 'MODIFIED', kind, object, previous });
    return object;
  }

  /** Deletes an object; the DELETED event carries the deletion's resourceVersion, as etcd-backed watches do. */
  remove(kind: StoredKind, namespace: string | undefined, name: string): KubeObject {
    const key = keyOf(STORED_NAMESPACED[kind] ? namespace : undefined, name);
    const bucket = this.#bucket(kind);
    const previous = bucket.get(key);
    if (!previous) throw new Error(`${kind} ${key} not found`);
    bucket.delete(key);
    const rv = ++this.#rv;
    const object = deepFreeze({ ...previous, metadata: { ...previous.metadata, resourceVersion: String(rv) } });
    this.#emit({ rv, type: 'DELETED', kind, object, previous });
    return object;
  }

  /** One object; `namespace` is ignored for cluster-scoped kinds. */
  get(kind: StoredKind, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.#bucket(kind).get(keyOf(STORED_NAMESPACED[kind] ? namespace : undefined, name));
  }

  /** All objects of a kind in etcd key order (namespace, then name). */
  list(kind: StoredKind): KubeObject[] {
    return [...this.#bucket(kind).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o);
  }

  /** Changes after `rv`, or undefined when history before it was compacted away (the 410 case). */
  eventsAfter(rv: number): StoreEvent[] | undefined {
    if (rv < this.#compactedRv) return undefined;
    return this.#history.filter((e) => e.rv > rv);
  }

  /** Forgets all history up to now, like an etcd compaction. */
  compact(): void {
    this.#compactedRv = this.#rv;
    this.#history = [];
  }

  /** Calls `fn` synchronously for every later change; returns the unsubscribe function. */
  subscribe(fn: (e: StoreEvent) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  #emit(event: StoreEvent): void {
    this.#history.push(event);
    for (const fn of this.#listeners) fn(event);
  }

  #bucket(kind: StoredKind): Map<string, KubeObject> {
    let bucket = this.#objects.get(kind);
    if (!bucket) this.#objects.set(kind, (bucket = new Map()));
    return bucket;
  }

  #kindOf(input: KubeObject): StoredKind {
    if (!isStoredKind(input.kind)) throw new Error(`unsupported kind ${JSON.stringify(input.kind)} (Projects are derived from Namespaces)`);
    if (!input.metadata?.name) throw new Error(`${input.kind} without metadata.name`);
    return input.kind;
  }

  #namespaceOf(kind: StoredKind, input: KubeObject): string | undefined {
    if (!STORED_NAMESPACED[kind]) return undefined;
    if (!input.metadata.namespace) throw new Error(`${kind} ${input.metadata.name} without metadata.namespace`);
    return input.metadata.namespace;
  }
}

/** The server-owned metadata fields, which callers cannot choose on update. */
interface ServerMeta {
  namespace: string | undefined;
  uid: string | undefined;
  resourceVersion: string | undefined;
  generation: number;
  creationTimestamp: string | undefined;
}

/**
 * A private copy of `input` with server-owned fields stamped in, keys in the
 * order the API server serialises them (kind, apiVersion, metadata, rest).
 */
function assemble(kind: StoredKind, input: KubeObject, server: ServerMeta): KubeObject {
  const { kind: _kind, apiVersion: _apiVersion, metadata, ...rest } = structuredClone(input);
  const { name, namespace: _namespace, uid: _uid, resourceVersion: _rv, generation: _gen, creationTimestamp: _ts, ...userMeta } = metadata;
  const meta: ObjectMeta = {
    name,
    ...(server.namespace !== undefined ? { namespace: server.namespace } : {}),
    uid: server.uid,
    resourceVersion: server.resourceVersion,
    generation: server.generation,
    creationTimestamp: server.creationTimestamp,
    ...userMeta,
  };
  return withKindDefaults({ kind, apiVersion: STORED_API_VERSION[kind], metadata: meta, ...rest });
}

/** Fields the real API server fills in on Namespaces, which Projects and namespace selectors rely on. */
function withKindDefaults(obj: KubeObject): KubeObject {
  if (obj.kind !== 'Namespace') return obj;
  obj.metadata.labels = { ...obj.metadata.labels, [NAMESPACE_NAME_LABEL]: obj.metadata.name };
  obj.spec ??= { finalizers: ['kubernetes'] };
  obj.status ??= { phase: 'Active' };
  return obj;
}
