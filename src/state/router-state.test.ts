import { describe, expect, test } from 'bun:test';
import { route, slice } from '../../test/support/fixtures.ts';
import { RouterState } from './router-state.ts';

describe('RouterState', () => {
  test('holds the count of events and the arrival of the oldest until a commit takes them, then starts over', () => {
    const state = new RouterState();
    expect(state.takeEvents()).toBeUndefined();
    state.apply([{ kind: 'Route', type: 'upsert', object: route({ name: 'a' }) }], 100);
    state.apply([{ kind: 'EndpointSlice', type: 'upsert', object: slice('a', ['10.0.0.1']) }], 250);
    expect(state.takeEvents()).toEqual({ receivedAt: 100, count: 2 });
    expect(state.takeEvents()).toBeUndefined();
    state.apply([{ kind: 'Route', type: 'delete', object: route({ name: 'a' }) }], 400);
    expect(state.takeEvents()).toEqual({ receivedAt: 400, count: 1 });
    expect(state.routes.size).toBe(0);
    expect(state.slices.size).toBe(1);
  });

  test('an empty batch is no event', () => {
    const state = new RouterState();
    expect(state.apply([], 100)).toBe(false);
    expect(state.takeEvents()).toBeUndefined();
  });

  test('hands each commit the routes and slices changed since the last one, each once', () => {
    const state = new RouterState();
    const a = slice('a', ['10.0.0.1']);
    state.apply([
      { kind: 'Route', type: 'upsert', object: route({ name: 'a' }) },
      { kind: 'EndpointSlice', type: 'upsert', object: a },
      { kind: 'EndpointSlice', type: 'upsert', object: slice('b', ['10.0.0.2']) },
    ]);
    state.apply([{ kind: 'EndpointSlice', type: 'delete', object: slice('b', []) }]);
    expect(state.takeRouteChanges()).toEqual({ upserts: [route({ name: 'a' })], removals: [] });
    expect(state.takeSliceChanges()).toEqual(new Map([['default/a-abc', a], ['default/b-abc', undefined]]));
    expect(state.takeSliceChanges().size).toBe(0);
    expect(state.takeRouteChanges()).toEqual({ upserts: [], removals: [] });
  });
});
