import { describe, expect, test } from 'bun:test';
import { route, slice } from '../../test/support/fixtures.ts';
import { RouterState } from './router-state.ts';

describe('RouterState', () => {
  test('holds the arrival of the oldest event until a commit takes it, then starts over', () => {
    const state = new RouterState();
    expect(state.takeReceivedAt()).toBeUndefined();
    state.apply([{ kind: 'Route', type: 'upsert', object: route({ name: 'a' }) }], 100);
    state.apply([{ kind: 'EndpointSlice', type: 'upsert', object: slice('a', ['10.0.0.1']) }], 250);
    expect(state.takeReceivedAt()).toBe(100);
    expect(state.takeReceivedAt()).toBeUndefined();
    state.apply([{ kind: 'Route', type: 'delete', object: route({ name: 'a' }) }], 400);
    expect(state.takeReceivedAt()).toBe(400);
    expect(state.routes.size).toBe(0);
    expect(state.slices.size).toBe(1);
  });

  test('an empty batch is no event', () => {
    const state = new RouterState();
    expect(state.apply([], 100)).toBe(false);
    expect(state.takeReceivedAt()).toBeUndefined();
  });
});
