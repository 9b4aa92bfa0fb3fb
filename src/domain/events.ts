import type { EndpointSlice } from './endpoints.ts';
import type { Route } from './route.ts';

/**
 * What a source tells the router. Sources normalise objects before emitting
 * and drop updates whose normalised value did not change, so every event
 * here is a real change.
 */
export type ResourceEvent =
  | { kind: 'Route'; type: 'upsert'; object: Route }
  | { kind: 'Route'; type: 'delete'; object: Route }
  | { kind: 'EndpointSlice'; type: 'upsert'; object: EndpointSlice }
  | { kind: 'EndpointSlice'; type: 'delete'; object: EndpointSlice };

export interface SourceSink {
  /** Applies a batch of changes; a batch is one observation of the world (a file rescan, an event). */
  apply(events: readonly ResourceEvent[]): void;
  /**
   * The object the sink holds for a key: the one last applied (undefined
   * after a delete). A source compares what it would deliver against it
   * rather than keep a copy of every object (a table of 6.8 MB per kind at
   * 100,000 routes).
   */
  held(kind: ResourceEvent['kind'], key: string): Route | EndpointSlice | undefined;
  /** Called once, after the source delivered its complete initial state. */
  synced(): void;
}

/** A source of Routes and endpoints (a manifest directory, the Kubernetes API). */
export interface Source {
  /** Starts delivering events to `sink`; resolves once the initial state is delivered and synced() called. */
  start(sink: SourceSink): Promise<void>;
  stop(): Promise<void>;
}
