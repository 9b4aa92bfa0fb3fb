import { describe, expect, test } from 'bun:test';
import { route, routeMap } from '../../test/support/fixtures.ts';
import { captureLogs } from '../../test/support/log-capture.ts';
import { logObserver, reloadCounter } from './log-observer.ts';
import type { CommitOutcome } from './outcome.ts';

const outcome = (more: Partial<CommitOutcome>): CommitOutcome => ({ result: 'unchanged', routes: new Map(), admitted: new Map(), rejections: new Map(), notices: new Map(), durationMs: 1, ...more });
const reload = (kind: 'reloaded' | 'pending', codes: string[]): CommitOutcome =>
  outcome({
    result: 'reloaded',
    reloadReasons: codes.map((code) => ({ code: code as 'backend-added', backend: undefined })),
    load: kind === 'reloaded' ? { kind, generation: 7, workerPid: 42, checkMs: 1, loadMs: 1 } : { kind, generation: 7, checkMs: 1, loadMs: 1 },
  });

describe('reloadCounter', () => {
  test('counts reloads of a running haproxy once per reason; starts and pending restarts are not reloads', () => {
    const counter = reloadCounter();
    counter.observe(reload('reloaded', ['backend-added', 'backend-added', 'settings-changed']));
    counter.observe(reload('pending', ['backend-added']));
    counter.observe(outcome({ result: 'started', load: { kind: 'started', generation: 1, checkMs: 1, loadMs: 1 } }));
    expect([...counter.counts]).toEqual([
      ['backend-added', 1],
      ['settings-changed', 1],
    ]);
  });
});

describe('logObserver', () => {
  const setup = () => {
    const logs = captureLogs();
    const counter = reloadCounter();
    const observe = logObserver({ logger: logs.logger, reloadCounts: counter.counts, maxConnections: 50000, fdLimit: 20000 });
    return { logs, observe: (o: CommitOutcome) => (counter.observe(o), observe(o)) };
  };

  test('a rejection is logged once while it lasts, and the admission that ends it once', () => {
    const { logs, observe } = setup();
    const rejected = outcome({ rejections: new Map([['ns/r', { reason: 'HostAlreadyClaimed', message: 'taken' }]]) });
    observe(rejected);
    observe(rejected);
    observe(outcome({ admitted: routeMap(route({ name: 'r', namespace: 'ns' })) }));
    expect(logs.logs.map((r) => r.msg)).toEqual(['route ns/r rejected: HostAlreadyClaimed: taken', 'route ns/r admitted: r.example.com/ -> http -> service r']);
  });

  test('routes served at start are described at debug level; later ones as they come, change and go, once each', () => {
    const { logs, observe } = setup();
    const a = route({ name: 'a', namespace: 'ns', host: 'a.example.com' });
    const b = route({ name: 'b', namespace: 'ns', host: 'b.example.com', path: '/shop' });
    const c = route({ name: 'c', namespace: 'ns', host: 'c.example.com' });
    observe(outcome({ result: 'started', admitted: routeMap(a) }));
    observe(outcome({ result: 'runtime', admitted: routeMap(a, b) }));
    observe(outcome({ result: 'runtime', admitted: routeMap(a, b) }));
    // Not served yet while the reload waits: said when it is.
    observe(outcome({ result: 'deferred', admitted: routeMap(a, b, c) }));
    observe(outcome({ result: 'reloaded', admitted: routeMap(a, b, c) }));
    observe(outcome({ result: 'runtime', admitted: routeMap({ ...a, to: { kind: 'Service', name: 'a2', weight: 1 } }, c) }));
    observe(outcome({ result: 'runtime', admitted: routeMap(c), rejections: new Map([['ns/a', { reason: 'HostAlreadyClaimed', message: 'taken' }]]) }));
    expect(logs.logs.map((r) => [r.level, r.msg])).toEqual([
      ['debug', 'route ns/a admitted: a.example.com/ -> http -> service a'],
      ['info', 'route ns/b admitted: b.example.com/shop -> http -> service b'],
      ['info', 'route ns/c admitted: c.example.com/ -> http -> service c'],
      ['info', 'route ns/a updated: a.example.com/ -> http -> service a2'],
      ['info', 'route ns/b removed'],
      ['warn', 'route ns/a rejected: HostAlreadyClaimed: taken'],
    ]);
  });

  test('each reload line names its reasons and the counts so far; a lowered maxconn is said once', () => {
    const { logs, observe } = setup();
    observe({ ...reload('reloaded', ['backend-added']), maxConnections: 9000 });
    observe({ ...outcome({}), maxConnections: 9000 });
    expect(logs.logs.map((r) => r.msg)).toEqual([
      'maxconn lowered from 50000 to 9000: the open-file limit is 20000 (raise LimitNOFILE to allow more)',
      'haproxy reloaded (generation 7, worker pid 42): backend-added (reloads so far: backend-added 1)',
    ]);
  });

  test('a refused candidate is an error unless routes were quarantined for it', () => {
    const { logs, observe } = setup();
    observe(outcome({ result: 'rejected-by-haproxy', refusal: ['[ALERT] x'], quarantined: ['ns/r'] }));
    observe(outcome({ result: 'rejected-by-haproxy', refusal: ['[ALERT] y'] }));
    expect(logs.logs.map((r) => r.level)).toEqual(['warn', 'error']);
  });
});
