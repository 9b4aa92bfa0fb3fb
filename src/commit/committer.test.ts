import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { admissionSettings } from '../../test/support/admission.ts';
import { FakeChecker, FakeHaproxy, MemoryWriter } from '../../test/support/commit-fakes.ts';
import { captureLogs } from '../../test/support/log-capture.ts';
import { route, routeTls, settings, slice } from '../../test/support/fixtures.ts';
import { shortTempDir } from '../../test/support/workdir.ts';
import { certificateFile } from '../config/certificates.ts';
import { EMBEDDED_ASSETS } from '../config/embedded-assets.ts';
import { createRenderer } from '../config/render.ts';
import type { Rejection } from '../admission/rejection.ts';
import type { EndpointSlice } from '../domain/endpoints.ts';
import { objectKey, type Route } from '../domain/route.ts';
import type { RuntimeCommand } from '../haproxy/runtime-api/commands.ts';
import { createRuntimeClient, type RuntimeClient } from '../haproxy/runtime-api/runtime-client.ts';
import { desiredConfig, type DesiredInput } from '../plan/desired-config.ts';
import { createCommitter, type Committer, type CommitterDeps } from './committer.ts';
import type { CommitOutcome } from './outcome.ts';

const render = createRenderer(EMBEDDED_ASSETS);

let dir: ReturnType<typeof shortTempDir>;
let writer: MemoryWriter;
let checker: FakeChecker;
let haproxy: FakeHaproxy;
let routes: Map<string, Route>;
let slices: Map<string, EndpointSlice>;
let requested: number;
let outcomes: CommitOutcome[];

beforeEach(() => {
  dir = shortTempDir('commit');
  writer = new MemoryWriter();
  checker = new FakeChecker();
  haproxy = new FakeHaproxy(writer, join(dir.path, 'admin.sock'));
  routes = new Map();
  slices = new Map();
  requested = 0;
  outcomes = [];
});

afterEach(async () => {
  await haproxy.stop();
  dir.remove();
});

function put(r: Route, s?: EndpointSlice): void {
  routes.set(objectKey(r), r);
  if (s) slices.set(`${s.namespace}/${s.name}`, s);
}

function desiredInput(candidates: Iterable<Route>, held: ReadonlyMap<string, Rejection> = new Map()): DesiredInput {
  return {
    routes: candidates,
    held,
    slices: slices.values(),
    admission: admissionSettings(),
    validateTls: undefined,
    settings: settings({ sparesPerShape: 1 }),
    fdLimit: undefined,
    allowAddress: () => true,
    includeUdpEndpoints: false,
    defaultCertificate: '',
    defaultDestinationCa: undefined,
  };
}

function committer(more: Partial<CommitterDeps> = {}): Committer {
  const runtime = createRuntimeClient(join(dir.path, 'admin.sock'));
  return createCommitter({
    routes: () => routes,
    desired: (candidates, held) => desiredConfig(desiredInput(candidates, held)),
    render,
    writer,
    checker,
    haproxy,
    runtime,
    runtimeUpdates: true,
    reloadIntervalMs: 0,
    commitIntervalMs: 3_600_000,
    requestCommit: () => requested++,
    observers: [(o) => outcomes.push(o)],
    logger: captureLogs().logger,
    ...more,
  });
}

const a = route({ name: 'a' });
const onePod = slice('a', ['10.0.0.1']);
const twoPods = slice('a', ['10.0.0.1', '10.0.0.2']);
/** The fake socket models servers and certificates, not maps: map commands are taken as haproxy takes valid ones. */
function withMaps(client: RuntimeClient): RuntimeClient {
  const isMap = (c: RuntimeCommand) => c.kind === 'add-map' || c.kind === 'set-map' || c.kind === 'del-map';
  return {
    ...client,
    async apply(commands) {
      const result = await client.apply(commands.filter((c) => !isMap(c)));
      const maps = commands.filter(isMap).map((command) => ({ command, text: '', reply: '', status: 'ok' as const }));
      return { ...result, results: [...result.results, ...maps] };
    },
  };
}

const reasonsOf = (o: CommitOutcome) => o.reloadReasons?.map((r) => r.code);

describe('committer', () => {
  test('starts haproxy, then sends a new pod through the runtime API without a reload', async () => {
    put(a, onePod);
    const c = committer();
    expect((await c.commit()).result).toBe('started');
    expect(haproxy.starts).toBe(1);
    put(a, twoPods);
    const outcome = await c.commit();
    expect(outcome.result).toBe('runtime');
    expect(outcome.runtime?.commands).toBeGreaterThan(0);
    expect(haproxy.reloads).toBe(0);
    expect(haproxy.socket?.received.some((l) => l.startsWith('add server be_http:default:a/'))).toBe(true);
    // The disk holds what the worker holds: a restart from it would bring the new pod back.
    expect(writer.activeFiles().get('haproxy.config')).toContain('10.0.0.2:8080');
    expect((await c.commit()).result).toBe('unchanged');
    expect(outcomes.map((o) => o.result)).toEqual(['started', 'runtime', 'unchanged']);
  });

  test('a refused runtime command rolls the disk back and reloads, saying why', async () => {
    put(a, onePod);
    let fail = false;
    const real = createRuntimeClient(join(dir.path, 'admin.sock'));
    const runtime: RuntimeClient = {
      ...real,
      async apply(commands) {
        const result = await real.apply(commands);
        if (!fail || !commands.some((x) => x.kind === 'add-server')) return result;
        fail = false;
        return { ...result, failed: [{ ...result.results[0]!, status: 'failed', reply: 'injected' }] };
      },
    };
    const c = committer({ runtime });
    await c.commit();
    put(a, twoPods);
    fail = true;
    const outcome = await c.commit();
    expect(outcome.result).toBe('reloaded');
    expect(reasonsOf(outcome)).toEqual(['runtime-update-failed']);
    expect(outcome.runtime?.failure).toContain('injected');
    expect(haproxy.reloads).toBe(1);
    expect((await c.commit()).result).toBe('unchanged');
  });

  test('a restarted worker that does not hold the model\'s servers is reloaded from the model', async () => {
    put(a, onePod);
    const c = committer();
    await c.commit();
    // The restarted worker loads an older generation than the model (a disk out of step).
    const empty = desiredConfig({ ...desiredInput([]), slices: [] }).model;
    writer.generations.set(writer.active!, render(empty));
    await haproxy.restart();
    c.workerRestarted();
    const first = await c.commit();
    expect(requested).toBe(1);
    expect(first.result).toBe('reloaded');
    expect(reasonsOf(first)).toEqual(['worker-out-of-step']);
  });

  test('a pod that comes back while its server waits for deletion is revived, not re-added', async () => {
    put(a, twoPods);
    const c = committer();
    await c.commit();
    const release = haproxy.socket!.holdConnection('be_http:default:a', 'ept:a:http:10.0.0.2:8080');
    put(a, onePod);
    expect((await c.commit()).result).toBe('runtime');
    put(a, twoPods);
    const outcome = await c.commit();
    release();
    expect(outcome.result).toBe('runtime');
    expect(haproxy.socket!.received).toContain('set server be_http:default:a/ept:a:http:10.0.0.2:8080 weight 1');
    expect(haproxy.socket!.received.filter((l) => l.startsWith('add server be_http:default:a/pod:10.0.0.2'))).toEqual([]);
    expect(haproxy.reloads).toBe(0);
  });

  test('a route whose file haproxy refuses is quarantined alone, until its TLS changes', async () => {
    const edge = route({ name: 'e', tls: routeTls('edge', { certificate: 'CERT', key: 'KEY' }) });
    put(a, onePod);
    put(edge, slice('e', ['10.0.0.9']));
    checker.answers.push({ ok: false, output: [`[ALERT]    (1) : config : unable to load certificate '/w/certs/${certificateFile('cert', 'default', 'e', 'x').name}'`] });
    const c = committer({ runtimeUpdates: false });
    const refused = await c.commit();
    expect(refused.result).toBe('rejected-by-haproxy');
    expect(refused.retryAfterMs).toBe(0);
    expect(refused.quarantined).toEqual(['default/e']);
    const retried = await c.commit();
    expect(retried.result).toBe('started');
    expect(retried.admitted.map((r) => r.name)).toEqual(['a']);
    expect(retried.rejections.get('default/e')?.reason).toBe('ExtendedValidationFailed');
    put({ ...edge, tls: routeTls('edge', { certificate: 'CERT2', key: 'KEY' }) });
    expect((await c.commit()).admitted.map((r) => r.name)).toEqual(['a', 'e']);
  });

  test('a candidate haproxy refuses as a whole is not tried again until the files change', async () => {
    put(a, onePod);
    const c = committer();
    await c.commit();
    put(a, twoPods);
    checker.answers.push({ ok: false, output: ['[ALERT] (1) : config : something global'] });
    const c2 = committer({ runtimeUpdates: false });
    // A second committer on the same haproxy: its first load is a reload, which haproxy refuses.
    expect((await c2.commit()).result).toBe('rejected-by-haproxy');
    expect((await c2.commit()).result).toBe('unchanged');
    expect(checker.checked).toHaveLength(2);
  });

  test('a check that could not run is retried later, not taken as a verdict', async () => {
    put(a, onePod);
    checker.answers.push({ ok: false, output: ['cannot run haproxy: timeout'] });
    const c = committer();
    const outcome = await c.commit();
    expect(outcome.result).toBe('deferred');
    expect(outcome.retryAfterMs).toBe(2000);
    expect((await c.commit()).result).toBe('started');
  });

  test('a reload within --interval is deferred while endpoint changes elsewhere go live', async () => {
    put(a, onePod);
    const c = committer({ reloadIntervalMs: 60_000, commitIntervalMs: 3_600_000 });
    await c.commit();
    put(a, twoPods);
    put(route({ name: 'p', tls: routeTls('passthrough') }), slice('p', ['10.0.0.5']));
    put(route({ name: 'q', tls: routeTls('passthrough') }), slice('q', ['10.0.0.6']));
    const outcome = await c.commit();
    expect(outcome.result).toBe('deferred');
    expect(outcome.retryAfterMs).toBeGreaterThan(50_000);
    expect(reasonsOf(outcome)).toContain('backend-added');
    expect(haproxy.socket?.received.some((l) => l.startsWith('add server be_http:default:a/'))).toBe(true);
  });

  test('routes on spares ask for a commit when --commit-interval runs out, and it reloads', async () => {
    put(a, onePod);
    let wake: () => void = () => {};
    const woken = new Promise<void>((resolve) => (wake = resolve));
    const c = committer({ commitIntervalMs: 30, requestCommit: () => wake(), runtime: withMaps(createRuntimeClient(join(dir.path, 'admin.sock'))) });
    await c.commit();
    put(route({ name: 'b' }), slice('b', ['10.0.0.3']));
    expect((await c.commit()).result).toBe('runtime');
    await woken;
    const outcome = await c.commit();
    expect(outcome.result).toBe('reloaded');
    expect(reasonsOf(outcome)).toEqual(['commit-interval']);
    c.stop();
  });

  test('a failed reload restores the previous generation and asks to be retried', async () => {
    put(a, onePod);
    const c = committer({ runtimeUpdates: false });
    await c.commit();
    const before = writer.active;
    put(a, twoPods);
    haproxy.reloadAnswers.push({ ok: false, message: 'no reload observed' });
    const outcome = await c.commit();
    expect(outcome.result).toBe('reload-failed');
    expect(outcome.retryAfterMs).toBe(2000);
    expect(writer.active).toBe(before);
    expect((await c.commit()).result).toBe('reloaded');
  });

  test('a runtime-written generation that fails its background check is replaced by a checked reload', async () => {
    put(a, onePod);
    const c = committer();
    await c.commit();
    checker.answers.push({ ok: false, output: ["[ALERT] (1) : config : could not resolve address '08.0.0.1'"] });
    put(a, twoPods);
    expect((await c.commit()).result).toBe('runtime');
    await c.checksDone();
    expect(requested).toBe(1);
    const outcome = await c.commit();
    expect(outcome.result).toBe('reloaded');
    expect(reasonsOf(outcome)).toEqual(['config-check-failed']);
    c.stop();
  });

  test('an observer that throws does not undo the commit', async () => {
    put(a, onePod);
    const c = committer({
      observers: [
        () => {
          throw new Error('boom');
        },
        (o) => outcomes.push(o),
      ],
    });
    expect((await c.commit()).result).toBe('started');
    expect(outcomes).toHaveLength(1);
  });
});
