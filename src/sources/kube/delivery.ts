/**
 * What the API source has told the sink, and the changes it still owes it.
 * Watch events mark keys; the keys marked while the current input is
 * handled (a chunk of a watch stream carries hundreds of events in a burst)
 * are reconciled together once it is, and reach the sink as one batch, so a
 * burst of 10,000 endpoint updates costs a few batches and commits, not
 * 10,000. A key marked many times in a batch is compared once, against the
 * object last delivered: updates that change nothing the router uses are
 * dropped there.
 */
import type { EndpointSlice } from '../../domain/endpoints.ts';
import type { ResourceEvent, SourceSink } from '../../domain/events.ts';
import type { Route } from '../../domain/route.ts';
import { sameValue } from '../same-value.ts';

export type Kind = ResourceEvent['kind'];
export type DomainObject = Route | EndpointSlice;

/** Runs `fn` once the input being handled now has been; tests pass one they drive. */
export type Defer = (fn: () => void) => void;

/** Slices before routes within a batch, as the manifest source orders them. */
export const KINDS: readonly Kind[] = ['EndpointSlice', 'Route'];

export class Delivery {
  private readonly marked: Record<Kind, Set<string>> = { EndpointSlice: new Set(), Route: new Set() };
  private scheduled = false;
  private stopped = false;

  /** `wanted`: the object the sink should hold for a key now (undefined: none). */
  constructor(
    private readonly sink: SourceSink,
    private readonly wanted: (kind: Kind, key: string) => DomainObject | undefined,
    private readonly defer: Defer = setImmediate,
  ) {}

  /** Marks keys whose wanted object may have changed; they are delivered in the next batch. */
  mark(kind: Kind, keys: Iterable<string>): void {
    if (this.stopped) return;
    const marked = this.marked[kind];
    const size = marked.size;
    for (const key of keys) marked.add(key);
    if (this.scheduled || marked.size === size) return;
    this.scheduled = true;
    this.defer(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Delivers every marked key now, as one batch (none when nothing changed). */
  flush(): void {
    if (this.stopped) return;
    const events: ResourceEvent[] = [];
    for (const kind of KINDS) {
      const keys = this.marked[kind];
      for (const key of keys) this.reconcile(kind, key, events);
      keys.clear();
    }
    if (events.length > 0) this.sink.apply(events);
  }

  /** No sink call follows. */
  stop(): void {
    this.stopped = true;
    for (const kind of KINDS) this.marked[kind].clear();
  }

  /** The sink holds what was delivered: a key is reconciled once per batch, before the batch is applied. */
  private reconcile(kind: Kind, key: string, events: ResourceEvent[]): void {
    const object = this.wanted(kind, key);
    const before = this.sink.held(kind, key);
    if (object) {
      if (sameValue(object, before)) return;
      events.push({ kind, type: 'upsert', object } as ResourceEvent);
    } else if (before) {
      events.push({ kind, type: 'delete', object: before } as ResourceEvent);
    }
  }
}
