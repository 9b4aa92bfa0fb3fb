import { afterEach, beforeEach } from 'bun:test';
import { join } from 'node:path';
import type { Rejection } from '../../src/admission/rejection.ts';
import { createCommitter, type Committer, type CommitterDeps } from '../../src/commit/committer.ts';
import type { CommitOutcome } from '../../src/commit/outcome.ts';
import { EMBEDDED_ASSETS } from '../../src/config/embedded-assets.ts';
import { createRenderer } from '../../src/config/render.ts';
import type { EndpointSlice } from '../../src/domain/endpoints.ts';
import { objectKey, type Route } from '../../src/domain/route.ts';
import type { RuntimeCommand } from '../../src/plan/commands.ts';
import { createRuntimeClient, type RuntimeClient } from '../../src/haproxy/runtime-api/runtime-client.ts';
import { desiredConfig, type DesiredInput } from '../../src/plan/desired-config.ts';
import { admissionSettings } from './admission.ts';
import { FakeChecker, FakeHaproxy, MemoryWriter } from './commit-fakes.ts';
import { route, settings, slice } from './fixtures.ts';
import { captureLogs } from './log-capture.ts';
import { shortTempDir } from './workdir.ts';

export const render = createRenderer(EMBEDDED_ASSETS);

/**
 * A committer on fakes: an in-memory writer, a `haproxy -c` that answers
 * what the test says, and a fake haproxy whose loads seed a fake runtime
 * socket with the active generation, as a new worker would hold it.
 */
export interface CommitterHarness {
  writer: MemoryWriter;
  checker: FakeChecker;
  haproxy: FakeHaproxy;
  routes: Map<string, Route>;
  outcomes: CommitOutcome[];
  /** Commits asked for outside source changes. */
  readonly requested: number;
  socketPath: string;
  put(route: Route, slice?: EndpointSlice): void;
  desiredInput(candidates: Iterable<Route>, held?: ReadonlyMap<string, Rejection>): DesiredInput;
  committer(more?: Partial<CommitterDeps>): Committer;
  stop(): Promise<void>;
}

export function committerHarness(): CommitterHarness {
  const dir = shortTempDir('commit');
  const socketPath = join(dir.path, 'admin.sock');
  const writer = new MemoryWriter();
  const checker = new FakeChecker();
  const haproxy = new FakeHaproxy(writer, socketPath);
  const routes = new Map<string, Route>();
  const slices = new Map<string, EndpointSlice>();
  const outcomes: CommitOutcome[] = [];
  let requested = 0;
  const desiredInput = (candidates: Iterable<Route>, held: ReadonlyMap<string, Rejection> = new Map()): DesiredInput => ({
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
  });
  return {
    writer,
    checker,
    haproxy,
    routes,
    outcomes,
    socketPath,
    get requested() {
      return requested;
    },
    put(route, slice) {
      routes.set(objectKey(route), route);
      if (slice) slices.set(`${slice.namespace}/${slice.name}`, slice);
    },
    desiredInput,
    committer(more = {}) {
      return createCommitter({
        routes: () => routes,
        desired: (candidates, held) => desiredConfig(desiredInput(candidates, held)),
        render,
        writer,
        checker,
        haproxy,
        runtime: createRuntimeClient(socketPath),
        runtimeUpdates: true,
        reloadIntervalMs: 0,
        commitIntervalMs: 3_600_000,
        requestCommit: () => requested++,
        observers: [(o) => outcomes.push(o)],
        logger: captureLogs().logger,
        ...more,
      });
    },
    async stop() {
      await haproxy.stop();
      dir.remove();
    },
  };
}

/** The fake socket models servers, certificates and ACLs, not maps: map commands are taken as haproxy takes valid ones. */
export function withMaps(client: RuntimeClient): RuntimeClient {
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

export const reasonsOf = (o: CommitOutcome) => o.reloadReasons?.map((r) => r.code);

/** A fresh harness for each test of the calling file, stopped after it. */
export function useCommitterHarness(): () => CommitterHarness {
  let h: CommitterHarness | undefined;
  beforeEach(() => {
    h = committerHarness();
  });
  afterEach(async () => {
    await h?.stop();
  });
  return () => {
    if (!h) throw new Error('the committer harness is only there during a test');
    return h;
  };
}

/** Route `a` with one pod, then two: the changes most committer tests are about. */
export const A = route({ name: 'a' });
export const ONE_POD = slice('a', ['10.0.0.1']);
export const TWO_PODS = slice('a', ['10.0.0.1', '10.0.0.2']);
