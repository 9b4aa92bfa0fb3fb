import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { committerHarness, withMaps, type CommitterHarness } from '../../test/support/committer-harness.ts';
import { route, slice } from '../../test/support/fixtures.ts';
import { captureLogs } from '../../test/support/log-capture.ts';
import { createRuntimeClient } from '../haproxy/runtime-api/runtime-client.ts';
import { CommitTimeline } from './commit-timeline.ts';

let h: CommitterHarness;

beforeEach(() => {
  h = committerHarness();
});

afterEach(async () => {
  await h.stop();
});

describe('what an outcome tells observers', () => {
  test('the arrival of the events it took, the commands it sent by kind, and what the worker runs', async () => {
    const taken = [{ receivedAt: 1_000, count: 1 }, undefined, { receivedAt: 3_000, count: 2 }];
    const c = h.committer({ takeEvents: () => taken.shift(), runtime: withMaps(createRuntimeClient(h.socketPath)) });
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

describe('the commit timeline', () => {
  test('each commit logs, at debug level with tag commit, its path, events and stages, with haproxy’s first reply', async () => {
    const { logger, logs } = captureLogs();
    const timeline = new CommitTimeline();
    const runtime = withMaps(createRuntimeClient(h.socketPath, { onFirstReply: (ms) => timeline.replied(ms) }));
    const taken = [{ receivedAt: performance.timeOrigin + performance.now(), count: 2 }, { receivedAt: performance.timeOrigin + performance.now(), count: 1 }];
    const c = h.committer({ takeEvents: () => taken.shift(), runtime, timeline, logger });
    h.put(route({ name: 'a' }), slice('a', ['10.0.0.1']));
    await c.commit();
    h.put(route({ name: 'b' }), slice('b', ['10.0.0.2']));
    expect((await c.commit()).result).toBe('runtime');
    const lines = logs.filter((r) => r.tag === 'commit' && r.msg.startsWith('commit timeline:'));
    expect(lines.map((r) => r.level)).toEqual(['debug', 'debug']);
    const [started, live] = lines.map((r) => r.msg);
    expect(started).toMatch(/^commit timeline: path=reload result=started events=2 wait=\d+\.\d\d take=\S+ plan=\S+ write=\S+ check=\S+ load=\S+ workerCheck=\S+ observers=\S+ total=\S+ cpu=\S+$/);
    expect(live).toMatch(/^commit timeline: path=full result=runtime events=1 wait=\S+ take=\S+ plan=\S+ write=\S+ runtime=\S+ firstReply=(\S+) observers=\S+ other=\S+ total=\S+ cpu=\S+$/);
    const firstReply = Number(/firstReply=(\S+)/.exec(live ?? '')?.[1]);
    const runtimeMs = Number(/ runtime=(\S+)/.exec(live ?? '')?.[1]);
    expect(firstReply).toBeGreaterThan(0);
    expect(firstReply).toBeLessThanOrEqual(runtimeMs);
  });
});
