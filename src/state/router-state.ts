import type { EndpointSlice } from '../domain/endpoints.ts';
import type { ResourceEvent } from '../domain/events.ts';
import { objectKey, type Route } from '../domain/route.ts';

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

  /** Applies a batch received at `receivedAt`; returns whether anything changed (sources already drop no-op updates). */
  apply(events: readonly ResourceEvent[], receivedAt = Date.now()): boolean {
    if (events.length > 0) this.oldestUntaken ??= receivedAt;
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

  /** Hands the arrival time of the oldest event not yet taken to the commit about to read the state, which takes them all. */
  takeReceivedAt(): number | undefined {
    const at = this.oldestUntaken;
    this.oldestUntaken = undefined;
    return at;
  }
}
