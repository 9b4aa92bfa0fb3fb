import type { EndpointSlice } from '../domain/endpoints.ts';
import type { ResourceEvent } from '../domain/events.ts';
import { objectKey, type Route } from '../domain/route.ts';

/** Source events a commit takes in: how many, and when the oldest arrived (ms since the epoch). */
export interface TakenEvents {
  receivedAt: number;
  count: number;
}

/**
 * Everything the sources have told the router, keyed by `namespace/name`.
 * Admission and the config model are computed from it on each commit, so it
 * holds facts only, never derived state.
 */
export class RouterState {
  readonly routes = new Map<string, Route>();
  readonly slices = new Map<string, EndpointSlice>();
  /** Routes changed since the last takeRouteChanges(): admission re-decides only what they touch. */
  private readonly changedRoutes = new Set<string>();
  /** Slices changed since the last takeSliceChanges(). */
  private readonly changedSlices = new Set<string>();
  /** When the oldest event no commit has taken yet arrived: what commit latency is measured from. */
  private oldestUntaken: number | undefined;
  private untaken = 0;

  /**
   * Applies a batch received at `receivedAt` (ms since the epoch, by default
   * to the microsecond: a commit's wait for it is a fraction of a ms);
   * returns whether anything changed (sources already drop no-op updates).
   */
  apply(events: readonly ResourceEvent[], receivedAt = performance.timeOrigin + performance.now()): boolean {
    if (events.length > 0) this.oldestUntaken ??= receivedAt;
    this.untaken += events.length;
    for (const event of events) {
      const key = objectKey(event.object);
      switch (event.kind) {
        case 'Route':
          if (event.type === 'upsert') this.routes.set(key, event.object);
          else this.routes.delete(key);
          this.changedRoutes.add(key);
          break;
        case 'EndpointSlice':
          if (event.type === 'upsert') this.slices.set(key, event.object);
          else this.slices.delete(key);
          this.changedSlices.add(key);
          break;
      }
    }
    return events.length > 0;
  }

  /** The object applied last for a key (SourceSink.held). */
  held(kind: ResourceEvent['kind'], key: string): Route | EndpointSlice | undefined {
    return kind === 'Route' ? this.routes.get(key) : this.slices.get(key);
  }

  /** The routes changed since the last call: those present now, and the keys of those gone. */
  takeRouteChanges(): { upserts: Route[]; removals: string[] } {
    const upserts: Route[] = [];
    const removals: string[] = [];
    for (const key of this.changedRoutes) {
      const route = this.routes.get(key);
      if (route) upserts.push(route);
      else removals.push(key);
    }
    this.changedRoutes.clear();
    return { upserts, removals };
  }

  /** The slices changed since the last call, by key: the slice now, or undefined when it is gone. */
  takeSliceChanges(): Map<string, EndpointSlice | undefined> {
    const changes = new Map<string, EndpointSlice | undefined>();
    for (const key of this.changedSlices) changes.set(key, this.slices.get(key));
    this.changedSlices.clear();
    return changes;
  }

  /** Hands the events not yet taken (how many, and the arrival of the oldest) to the commit about to read the state, which takes them all. */
  takeEvents(): TakenEvents | undefined {
    const at = this.oldestUntaken;
    const count = this.untaken;
    this.oldestUntaken = undefined;
    this.untaken = 0;
    return at === undefined ? undefined : { receivedAt: at, count };
  }
}
