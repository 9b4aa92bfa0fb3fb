import type { ResourceEvent, SourceSink } from '../../src/domain/events.ts';
import { RouterState } from '../../src/state/router-state.ts';

/** A sink that hands each batch to `onBatch` (a copy) and holds what the batches applied, as the router's state does. */
export function recordingSink(onBatch: (events: ResourceEvent[]) => void, onSynced: () => void = () => {}): SourceSink {
  const state = new RouterState();
  return {
    apply(events) {
      state.apply(events);
      onBatch([...events]);
    },
    held: (kind, key) => state.held(kind, key),
    synced: onSynced,
  };
}
