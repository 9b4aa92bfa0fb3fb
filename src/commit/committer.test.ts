import { beforeEach, describe, expect, test } from 'bun:test';
import { A, ONE_POD, reasonsOf, render, TWO_PODS, useCommitterHarness, withMaps, type CommitterHarness } from '../../test/support/committer-harness.ts';
import { route, routeTls, slice } from '../../test/support/fixtures.ts';
import { createRuntimeClient, type RuntimeClient } from '../haproxy/runtime-api/runtime-client.ts';
import { desiredConfig } from '../plan/desired-config.ts';
import { configText } from '../config/config-files.ts';
import { servedMap } from './committer.ts';

const harness = useCommitterHarness();
let h: CommitterHarness;
beforeEach(() => {
  h = harness();
});

describe('committer', () => {
  test('starts haproxy, then sends a new pod through the runtime API without a reload', async () => {
    h.put(A, ONE_POD);
    const c = h.committer();
    expect((await c.commit()).result).toBe('started');
    expect(h.haproxy.starts).toBe(1);
    h.put(A, TWO_PODS);
    const outcome = await c.commit();
    expect(outcome.result).toBe('runtime');
    expect(outcome.runtime?.commands).toBeGreaterThan(0);
    expect(h.haproxy.reloads).toBe(0);
    expect(h.haproxy.socket?.received.some((l) => l.startsWith('add server be_http:default:a/'))).toBe(true);
    // The disk holds what the worker holds: a restart from it would bring the new pod back.
    expect(configText(h.writer.activeFiles())).toContain('10.0.0.2:8080');
    expect((await c.commit()).result).toBe('unchanged');
    expect(h.outcomes.map((o) => o.result)).toEqual(['started', 'runtime', 'unchanged']);
  });

  test('a whole configuration going to haproxy is announced, a start or a reload, and nothing else is', async () => {
    h.put(A, ONE_POD);
    let loads = 0;
    let startsWhenAnnounced = -1;
    const c = h.committer({
      loading: () => {
        loads += 1;
        startsWhenAnnounced = h.haproxy.starts;
      },
      reloadIntervalMs: 0,
    });
    expect((await c.commit()).result).toBe('started');
    expect([loads, startsWhenAnnounced]).toEqual([1, 0]);
    h.put(A, TWO_PODS);
    expect((await c.commit()).result).toBe('runtime');
    expect(loads).toBe(1);
    h.put(route({ name: 'p', tls: routeTls('passthrough') }), slice('p', ['10.0.0.5']));
    h.put(route({ name: 'q', tls: routeTls('passthrough') }), slice('q', ['10.0.0.6']));
    expect((await c.commit()).result).toBe('reloaded');
    expect(loads).toBe(2);
  });

  test('a refused runtime command rolls the disk back and reloads, saying why', async () => {
    h.put(A, ONE_POD);
    let fail = false;
    const real = createRuntimeClient(h.socketPath);
    const runtime: RuntimeClient = {
      ...real,
      async apply(commands) {
        const result = await real.apply(commands);
        if (!fail || !commands.some((x) => x.kind === 'add-server')) return result;
        fail = false;
        return { ...result, failed: [{ ...result.results[0]!, status: 'failed', reply: 'injected' }] };
      },
    };
    const c = h.committer({ runtime });
    await c.commit();
    h.put(A, TWO_PODS);
    fail = true;
    const outcome = await c.commit();
    expect(outcome.result).toBe('reloaded');
    expect(reasonsOf(outcome)).toEqual(['runtime-update-failed']);
    expect(outcome.runtime?.failure).toContain('injected');
    expect(h.haproxy.reloads).toBe(1);
    expect((await c.commit()).result).toBe('unchanged');
  });

  test('a restarted worker that does not hold the model\'s servers is reloaded from the model', async () => {
    h.put(A, ONE_POD);
    const c = h.committer();
    await c.commit();
    // The restarted worker loads an older generation than the model (a disk out of step).
    const empty = desiredConfig({ ...h.desiredInput([]), slices: [] }).model;
    h.writer.generations.set(h.writer.active!, render(empty));
    await h.haproxy.restart();
    c.workerRestarted();
    // The restart's commit asks the worker for its servers; the answer, after it, asks for the reload.
    expect((await c.commit()).result).toBe('unchanged');
    await c.checksDone();
    expect(h.requested).toBe(1);
    const next = await c.commit();
    expect(next.result).toBe('reloaded');
    expect(reasonsOf(next)).toEqual(['worker-out-of-step']);
  });

  test("a change sent while a loaded worker's servers are compared does not make the comparison fail", async () => {
    h.put(A, ONE_POD);
    const real = createRuntimeClient(h.socketPath);
    let answer = () => {};
    const answered = new Promise<void>((resolve) => (answer = resolve));
    let asked = () => {};
    const askedOnce = new Promise<void>((resolve) => (asked = resolve));
    const runtime: RuntimeClient = {
      ...real,
      async showServersState(backend) {
        // The worker's servers as loaded, answered only once the change below went live.
        const state = await real.showServersState(backend);
        asked();
        await answered;
        return state;
      },
    };
    const c = h.committer({ runtime });
    expect((await c.commit()).result).toBe('started');
    h.put(A, TWO_PODS);
    expect((await c.commit()).result).toBe('runtime');
    await askedOnce;
    answer();
    await c.checksDone();
    expect(h.requested).toBe(0);
    expect((await c.commit()).result).toBe('unchanged');
  });

  test('a pod that comes back while its server waits for deletion is revived, not re-added', async () => {
    h.put(A, TWO_PODS);
    const c = h.committer();
    await c.commit();
    const release = h.haproxy.socket!.holdConnection('be_http:default:a', 'ept:a:http:10.0.0.2:8080');
    h.put(A, ONE_POD);
    expect((await c.commit()).result).toBe('runtime');
    h.put(A, TWO_PODS);
    const outcome = await c.commit();
    release();
    expect(outcome.result).toBe('runtime');
    expect(h.haproxy.socket!.received).toContain('set server be_http:default:a/ept:a:http:10.0.0.2:8080 weight 1');
    expect(h.haproxy.socket!.received.filter((l) => l.startsWith('add server be_http:default:a/pod:10.0.0.2'))).toEqual([]);
    expect(h.haproxy.reloads).toBe(0);
  });

  test('a reload within --interval is deferred while endpoint changes elsewhere go live', async () => {
    h.put(A, ONE_POD);
    const c = h.committer({ reloadIntervalMs: 60_000, commitIntervalMs: 3_600_000 });
    await c.commit();
    h.put(A, TWO_PODS);
    h.put(route({ name: 'p', tls: routeTls('passthrough') }), slice('p', ['10.0.0.5']));
    h.put(route({ name: 'q', tls: routeTls('passthrough') }), slice('q', ['10.0.0.6']));
    const outcome = await c.commit();
    expect(outcome.result).toBe('deferred');
    expect(outcome.retryAfterMs).toBeGreaterThan(50_000);
    expect(reasonsOf(outcome)).toContain('backend-added');
    expect(h.haproxy.socket?.received.some((l) => l.startsWith('add server be_http:default:a/'))).toBe(true);
  });

  test('routes on spares ask for a commit when --commit-interval runs out, and it reloads', async () => {
    h.put(A, ONE_POD);
    let wake: () => void = () => {};
    const woken = new Promise<void>((resolve) => (wake = resolve));
    const c = h.committer({ commitIntervalMs: 30, requestCommit: () => wake(), runtime: withMaps(createRuntimeClient(h.socketPath)) });
    await c.commit();
    h.put(route({ name: 'b' }), slice('b', ['10.0.0.3']));
    expect((await c.commit()).result).toBe('runtime');
    await woken;
    const outcome = await c.commit();
    expect(outcome.result).toBe('reloaded');
    expect(reasonsOf(outcome)).toEqual(['commit-interval']);
    c.stop();
  });

  test('a failed reload restores the previous generation and asks to be retried', async () => {
    h.put(A, ONE_POD);
    const c = h.committer({ runtimeUpdates: false });
    await c.commit();
    const before = h.writer.active;
    h.put(A, TWO_PODS);
    h.haproxy.reloadAnswers.push({ ok: false, message: 'no reload observed' });
    const outcome = await c.commit();
    expect(outcome.result).toBe('reload-failed');
    expect(outcome.retryAfterMs).toBe(2000);
    expect(h.writer.active).toBe(before);
    expect((await c.commit()).result).toBe('reloaded');
  });

  test('a runtime-written generation that fails its background check is replaced by a checked reload', async () => {
    h.put(A, ONE_POD);
    const c = h.committer();
    await c.commit();
    h.checker.answers.push({ ok: false, output: ["[ALERT] (1) : config : could not resolve address '08.0.0.1'"] });
    h.put(A, TWO_PODS);
    expect((await c.commit()).result).toBe('runtime');
    await c.checksDone();
    expect(h.requested).toBe(1);
    const outcome = await c.commit();
    expect(outcome.result).toBe('reloaded');
    expect(reasonsOf(outcome)).toEqual(['config-check-failed']);
    c.stop();
  });

  test('a restart that read the configuration before a pending load activated the next one is reloaded, not trusted', async () => {
    h.put(A, ONE_POD);
    const c = h.committer();
    expect((await c.commit()).result).toBe('started');
    // haproxy died; its restart reads `conf` (the first generation) now...
    h.haproxy.running = false;
    await h.haproxy.restart();
    // ...while a commit changes only the route's path (the same servers, other map entries).
    h.put({ ...A, path: '/shop' });
    expect((await c.commit()).load?.kind).toBe('pending');
    h.haproxy.running = true;
    c.workerRestarted();
    const after = await c.commit();
    expect(after.result).toBe('reloaded');
    expect(reasonsOf(after)).toEqual(['worker-out-of-step']);
  });

  test('a commit that throws reaches the observers as failed', async () => {
    h.put(A, ONE_POD);
    const c = h.committer({
      desired: () => {
        throw new Error('no room');
      },
    });
    await expect(c.commit()).rejects.toThrow('no room');
    expect(h.outcomes.map((o) => [o.result, o.error])).toEqual([['failed', 'no room']]);
  });

  test('an observer that throws does not undo the commit', async () => {
    h.put(A, ONE_POD);
    const c = h.committer({
      observers: [
        () => {
          throw new Error('boom');
        },
        (o) => h.outcomes.push(o),
      ],
    });
    expect((await c.commit()).result).toBe('started');
    expect(h.outcomes).toHaveLength(1);
  });
});

describe("servedMap: a full commit reports admission's live table when it holds exactly the routes served", () => {
  const [a, b] = [route({ name: 'a' }), route({ name: 'b' })];
  const live = new Map([['default/a', a], ['default/b', b]]);
  test('the same routes: the live table itself, no copy', () => {
    expect(servedMap([a, b], live)).toBe(live);
  });
  test.each([
    ['a route refused for want of descriptors', [a], live],
    ['another object for a route', [a, { ...b }], live],
    ['no live table (no incremental state)', [a, b], undefined],
  ])('%s: a copy of those served', (_, served, table) => {
    const got = servedMap(served, table);
    expect(got).not.toBe(live);
    expect([...got.values()]).toEqual(served);
  });
});
