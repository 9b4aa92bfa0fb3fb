import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { committerHarness, withMaps, type CommitterHarness } from '../../test/support/committer-harness.ts';
import { route, slice } from '../../test/support/fixtures.ts';
import { createRuntimeClient } from '../haproxy/runtime-api/runtime-client.ts';

let h: CommitterHarness;

beforeEach(() => {
  h = committerHarness();
});

afterEach(async () => {
  await h.stop();
});

describe('what an outcome tells observers', () => {
  test('the arrival of the events it took, the commands it sent by kind, and what the worker runs', async () => {
    const taken = [1_000, undefined, 3_000];
    const c = h.committer({ takeEventsReceivedAt: () => taken.shift(), runtime: withMaps(createRuntimeClient(h.socketPath)) });
    h.put(route({ name: 'a' }), slice('a', ['10.0.0.1']));
    const started = await c.commit();
    expect(started.eventsReceivedAt).toBe(1_000);
    expect(started.running?.backends.map((b) => [b.name, b.routeKey])).toContainEqual(['be_http:default:a', 'default/a']);
    expect((await c.commit()).eventsReceivedAt).toBeUndefined();
    // A new route takes a spare live: the running model says which route the spare now serves.
    h.put(route({ name: 'b' }), slice('b', ['10.0.0.2']));
    const live = await c.commit();
    expect(live.result).toBe('runtime');
    expect(live.eventsReceivedAt).toBe(3_000);
    expect(live.runtime?.kinds.get('add-server')).toBe(1);
    expect(live.runtime?.kinds.get('add-map')).toBeGreaterThan(0);
    expect(live.running?.backends.find((b) => b.routeKey === 'default/b')?.name).toMatch(/^be_http:_spare/);
  });
});
