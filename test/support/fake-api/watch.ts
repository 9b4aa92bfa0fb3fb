import type { StallGate } from './faults.ts';
import { groupVersion, type ResourceType } from './kinds.ts';
import type { Selector } from './selectors.ts';
import { tooOldResourceVersion } from './status.ts';
import type { ObjectStore, StoreEvent } from './store.ts';
import type { KubeObject, WatchEventType } from './types.ts';

/** The connection a watch writes to, so streams know nothing about node:http. */
export interface WatchSink {
  write(chunk: string): void;
  /** Clean end of the chunked body. */
  end(): void;
  /** Abrupt reset, as a crashing API server would leave it. */
  destroy(): void;
}

/** What one watch request asked for. */
export interface WatchSpec {
  resource: ResourceType;
  namespace: string | undefined;
  matches: Selector;
  bookmarks: boolean;
  /** The request path, for waitForWatchers(n, path). */
  path: string;
}

const END = Symbol('end');

/** Turns a store change into what this watch sees: selector transitions become ADDED/DELETED, as the real watch cache does. */
function visibleEvent(spec: WatchSpec, ev: StoreEvent): { type: WatchEventType; object: KubeObject } | undefined {
  const r = spec.resource;
  if (ev.kind !== r.storedKind) return undefined;
  if (spec.namespace !== undefined && ev.object.metadata.namespace !== spec.namespace) return undefined;
  const object = r.present(ev.object);
  const now = ev.type !== 'DELETED' && spec.matches(object);
  const before = ev.previous !== undefined && spec.matches(r.present(ev.previous));
  if (now && before) return { type: 'MODIFIED', object };
  if (now) return { type: 'ADDED', object };
  if (before) return { type: 'DELETED', object };
  return undefined;
}

/** One open watch response. Writes queue while the server is stalled and go out in order on release. */
class WatchStream {
  #pending: (string | typeof END)[] = [];
  #closed = false;
  /** Lines held back during a batch, to go out as one write. */
  #batch: string[] | undefined;

  constructor(
    readonly spec: WatchSpec,
    private readonly sink: WatchSink,
    private readonly gate: StallGate,
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  event(type: string, object: unknown): void {
    this.#push(`${JSON.stringify({ type, object })}\n`);
  }

  change(ev: StoreEvent): void {
    const visible = visibleEvent(this.spec, ev);
    if (visible) this.event(visible.type, visible.object);
  }

  bookmark(rv: number): void {
    if (!this.spec.bookmarks) return;
    const r = this.spec.resource;
    this.event('BOOKMARK', { kind: r.kind, apiVersion: groupVersion(r), metadata: { resourceVersion: String(rv) } });
  }

  raw(line: string): void {
    this.#push(line.endsWith('\n') ? line : `${line}\n`);
  }

  end(): void {
    this.#push(END);
  }

  /** Holds lines back until `endBatch`, which writes them as one chunk. */
  startBatch(): void {
    this.#batch ??= [];
  }

  endBatch(): void {
    const lines = this.#batch;
    this.#batch = undefined;
    if (lines && lines.length > 0) this.#push(lines.join(''));
  }

  drop(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = [];
    this.sink.destroy();
  }

  /** The client went away or the server reset the connection. */
  markClosed(): void {
    this.#closed = true;
    this.#pending = [];
  }

  flush(): void {
    while (!this.#closed && !this.gate.stalled && this.#pending.length > 0) this.#deliver(this.#pending.shift() as string | typeof END);
  }

  #push(item: string | typeof END): void {
    if (this.#closed) return;
    if (this.#batch && item !== END) {
      this.#batch.push(item);
      return;
    }
    if (item === END) this.endBatch();
    if (this.gate.stalled || this.#pending.length > 0) this.#pending.push(item);
    else this.#deliver(item);
  }

  #deliver(item: string | typeof END): void {
    if (item !== END) {
      this.sink.write(item);
      return;
    }
    this.#closed = true;
    this.#pending = [];
    this.sink.end();
  }
}

/** Every open watch, fed from the store, plus the controls tests drive them with. */
export class WatchHub {
  readonly #streams = new Set<WatchStream>();
  #waiters: { n: number; path: string | undefined; resolve: () => void }[] = [];

  constructor(
    private readonly store: ObjectStore,
    private readonly gate: StallGate,
  ) {
    store.subscribe((ev) => {
      for (const s of this.#streams) s.change(ev);
    });
  }

  /**
   * Starts a watch. `fromRv` undefined (or 0) replays the current state as
   * ADDED; otherwise history after it, or a 410 ERROR event when compacted.
   * Returns the function the transport calls when the connection closes.
   */
  open(spec: WatchSpec, sink: WatchSink, fromRv: number | undefined, timeoutSeconds: number | undefined): () => void {
    const stream = new WatchStream(spec, sink, this.gate);
    this.#streams.add(stream);
    if (fromRv === undefined || fromRv === 0) {
      for (const obj of this.store.list(spec.resource.storedKind)) {
        stream.change({ rv: 0, type: 'ADDED', kind: spec.resource.storedKind, object: obj, previous: undefined });
      }
    } else {
      const history = this.store.eventsAfter(fromRv);
      if (history) {
        for (const ev of history) stream.change(ev);
      } else {
        stream.event('ERROR', tooOldResourceVersion(fromRv, this.store.compactedResourceVersion).toStatus());
        stream.end();
      }
    }
    const timer = timeoutSeconds !== undefined && timeoutSeconds > 0 ? setTimeout(() => stream.end(), timeoutSeconds * 1000) : undefined;
    this.#settleWaiters();
    return () => {
      clearTimeout(timer);
      stream.markClosed();
      this.#streams.delete(stream);
    };
  }

  /** Open watches, optionally only those on `path`. */
  count(path?: string): number {
    let n = 0;
    for (const s of this.#streams) if (!s.closed && (path === undefined || s.spec.path === path)) n++;
    return n;
  }

  /**
   * Runs `fn` (store changes) and sends every event it causes to each watch
   * as one write, as an API server under load sends a burst: clients read
   * thousands of events from a few chunks.
   */
  batch<T>(fn: () => T): T {
    const streams = [...this.#streams];
    for (const s of streams) s.startBatch();
    try {
      return fn();
    } finally {
      for (const s of streams) s.endBatch();
    }
  }

  /** Resolves once at least `n` watches (on `path`, when given) are open. */
  waitFor(n: number, path?: string): Promise<void> {
    if (this.count(path) >= n) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ n, path, resolve }));
  }

  /** A BOOKMARK at the store's current resourceVersion to every watch that allowed bookmarks. */
  bookmarkAll(): void {
    for (const s of this.#streams) s.bookmark(this.store.resourceVersion);
  }

  /** Writes `line` verbatim (newline added) into every watch. */
  rawAll(line: string): void {
    for (const s of this.#streams) s.raw(line);
  }

  /** Ends every watch cleanly, after anything still queued. */
  endAll(): void {
    for (const s of this.#streams) s.end();
  }

  /** Resets every watch connection at once, discarding anything queued. */
  dropAll(): void {
    for (const s of this.#streams) s.drop();
  }

  /** Delivers what every watch queued during a stall. */
  flushAll(): void {
    for (const s of this.#streams) s.flush();
  }

  #settleWaiters(): void {
    this.#waiters = this.#waiters.filter((w) => {
      if (this.count(w.path) < w.n) return true;
      w.resolve();
      return false;
    });
  }
}
