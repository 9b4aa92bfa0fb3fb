import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { buildConfigModel } from '../../../src/config/build-model.ts';
import type { BackendModel, ConfigModel, ServerModel } from '../../../src/config/model.ts';
import { allowlistFile } from '../../../src/config/allowlists.ts';
import { serverOptions } from '../../../src/config/server-line.ts';
import { runCliSession } from '../../../src/haproxy/runtime-api/cli-session.ts';
import type { ConfigSettings } from '../../../src/config/settings.ts';
import type { EndpointSlice } from '../../../src/domain/endpoints.ts';
import { backendName, checkServerRef, isCheckBackendName, serverKey } from '../../../src/domain/names.ts';
import type { AdmittedRoute } from '../../../src/domain/route-options.ts';
import { SERVER_BUSY_REPLY } from '../../../src/haproxy/runtime-api/commands.ts';
import type { RuntimeCommand } from '../../../src/plan/commands.ts';
import { planDeleteRetry, planUpdate } from '../../../src/plan/plan.ts';
import { fitToRunning } from '../../../src/plan/fit-to-running.ts';
import { createRuntimeClient, type ApplyResult, type RuntimeClient } from '../../../src/haproxy/runtime-api/runtime-client.ts';
import { ADMIN_FORCED_MAINT } from '../../../src/haproxy/runtime-api/servers-state.ts';
import { route, slice } from '../fixtures.ts';
import { startHeldBackend, type HeldBackend } from './held-backend.ts';

/** Something that answers the runtime API: a real haproxy, or the fake socket. */
export interface RuntimeTarget {
  /** Settings models are built with: the target's socket paths and ports. */
  settings: ConfigSettings;
  /** The PEM models are built with: a real haproxy loads it. */
  defaultCertificate: string;
  /** Starts serving `model`: haproxy loads its rendered config, the fake is seeded from it. */
  load(model: ConfigModel): Promise<void>;
  /** The pid of the process answering the admin socket. */
  workerPid(): Promise<number>;
  /** One request through the frontends (targets with a data plane only). */
  request(host: string): Promise<{ status: number; backend: string | null }>;
  /** Resolves once a request is open on `server`; the returned function lets it finish and resolves when it has. */
  holdRequest(at: { host: string; backend: string; server: string; upstream: HeldBackend }): Promise<() => Promise<void>>;
  stop(): Promise<void>;
}

/** How to start a kind of target, and what it can show. */
export interface TargetKind {
  start(): Promise<RuntimeTarget>;
  /** It proxies HTTP and runs health checks, so traffic and check results can be tested. */
  dataPlane: boolean;
}

/** The upstreams each service has, and the weight of `weighted`'s alternate service. */
interface Layout {
  services: Record<string, readonly string[]>;
  alternateWeight: number;
  /** The `guarded` route's ip_allowlist. */
  allowlist: readonly string[];
}

const UPSTREAMS = ['gd1', 'swap1', 'swap2', 'wa1', 'wb1', 'sc1', 'sc2', 'so1', 'so2', 'bk1', 'bz1', 'bz2', 'ck1', 'ck2', 'dead'];
const INITIAL: Layout = {
  services: { guarded: ['gd1'], swap: ['swap1'], wa: ['wa1'], wb: ['wb1'], scale: ['sc1', 'sc2'], solo: ['so1'], bulk: ['bk1'], busy: ['bz1'], checked: ['ck1', 'ck2'] },
  alternateWeight: 1,
  allowlist: ['10.0.0.0/8', '192.168.1.1'],
};
/** Short, so a real haproxy marks a dead server down within a test. */
const CHECK_INTERVAL_MS = 100;

const backendNameOf = (routeName: string) => backendName('http', 'default', routeName);
const kinds = (commands: readonly RuntimeCommand[]) => commands.map((c) => ('server' in c ? `${c.kind} ${c.server}` : c.kind));

/**
 * The runtime API behaviour the router relies on, written once and run
 * against every target: each scenario plans a model change with
 * planUpdate, applies it with the runtime client, and reads the result
 * back with `show servers state`. Scenarios share one loaded config and
 * each works on its own backend.
 */
export function runtimeContract(name: string, kind: TargetKind): void {
  describe(`runtime API contract: ${name}`, () => {
    const upstreams = new Map<string, HeldBackend>();
    let target: RuntimeTarget;
    let client: RuntimeClient;
    let applied: ConfigModel;
    let layout: Layout = INITIAL;
    let loadedPid: number;

    const upstream = (u: string): HeldBackend => {
      const found = upstreams.get(u);
      if (!found) throw new Error(`no upstream ${u}`);
      return found;
    };

    function modelOf(l: Layout): ConfigModel {
      const routes: AdmittedRoute[] = [
        { ...route({ name: 'guarded' }), options: { allowlist: l.allowlist } },
        route({ name: 'swap' }),
        route({
          name: 'weighted',
          to: { kind: 'Service', name: 'wa', weight: 1 },
          alternateBackends: [{ kind: 'Service', name: 'wb', weight: l.alternateWeight }],
        }),
        route({ name: 'scale' }),
        route({ name: 'solo' }),
        route({ name: 'bulk' }),
        route({ name: 'busy' }),
        route({ name: 'checked' }),
      ];
      const slices: EndpointSlice[] = Object.entries(l.services).flatMap(([service, names]) =>
        names.map((u) => slice(service, [{ ip: '127.0.0.1', podName: u }], { name: u, port: upstream(u).port })),
      );
      const settings = { ...target.settings, checkIntervalMs: CHECK_INTERVAL_MS };
      return buildConfigModel({ routes, slices, settings, allowAddress: () => true, defaultCertificate: target.defaultCertificate });
    }

    function backendOf(model: ConfigModel, routeName: string): BackendModel {
      const b = model.backends.find((x) => x.name === backendNameOf(routeName));
      if (!b) throw new Error(`no backend for ${routeName}`);
      return b;
    }

    /** The server a given upstream became (its name embeds the upstream's port). */
    function serverOf(routeName: string, u: string, model = applied): ServerModel {
      const s = backendOf(model, routeName).servers.find((x) => x.port === upstream(u).port);
      if (!s) throw new Error(`${u} is not a server of ${routeName}`);
      return s;
    }

    /** Plans the move to `next`, which must need no reload, and applies it. */
    async function moveTo(next: Layout): Promise<{ commands: RuntimeCommand[]; result: ApplyResult }> {
      // As the router plans it: the fresh model fitted to what the worker runs (check slots, above all).
      const nextModel = fitToRunning(applied, modelOf(next));
      const plan = planUpdate(applied, nextModel);
      if (plan.kind !== 'runtime') throw new Error(`expected a runtime plan, got ${JSON.stringify(plan)}`);
      const result = await client.apply(plan.commands);
      applied = nextModel;
      layout = next;
      return { commands: plan.commands, result };
    }

    /**
     * Retries a busy deletion until it goes through, as the router does.
     * haproxy 2.6 signals nothing when a server's last connection closes
     * (closing idle ones of other threads takes a moment), so this polls.
     */
    async function deleteEventually(ref: { backend: string; server: string }): Promise<ApplyResult[]> {
      const attempts: ApplyResult[] = [];
      for (let i = 0; i < 100; i++) {
        const result = await client.apply(planDeleteRetry(ref));
        attempts.push(result);
        if (result.busy.length === 0) return attempts;
        await Bun.sleep(10);
      }
      throw new Error(`${serverKey(ref)} still busy after ${attempts.length} attempts`);
    }

    const withServices = (services: Record<string, readonly string[]>): Layout => ({ ...layout, services: { ...layout.services, ...services } });
    /** The check slot that checks an upstream in `model`. */
    const checkOf = (u: string, model = applied): string => {
      const c = model.checks.find((x) => x.target?.port === upstream(u).port);
      if (!c) throw new Error(`no check slot for ${u}`);
      return c.name;
    };
    const checkRows = async () => new Map((await client.showServersState()).filter((r) => isCheckBackendName(r.backend)).map((r) => [r.server, r]));

    beforeAll(async () => {
      for (const u of UPSTREAMS) upstreams.set(u, startHeldBackend(u));
      target = await kind.start();
      applied = modelOf(INITIAL);
      await target.load(applied);
      client = createRuntimeClient(target.settings.adminSocketPath);
      loadedPid = await target.workerPid();
    });

    afterAll(async () => {
      await target?.stop();
      await Promise.all([...upstreams.values()].map((u) => u.stop()));
    });

    test('show servers state lists every loaded server with its address, weight and check', async () => {
      const rows = await client.showServersState();
      for (const b of applied.backends) {
        for (const s of b.servers) {
          expect(rows.find((r) => r.backend === b.name && r.server === s.name)).toEqual({
            backend: b.name,
            server: s.name,
            addr: '127.0.0.1',
            port: s.port,
            adminState: 0,
            operState: 2,
            weight: s.weight,
            healthCheck: 'none',
          });
        }
      }
      // Check slots: taken ones check their endpoint; free ones are in maintenance, declared `disabled`.
      for (const c of applied.checks) {
        const row = rows.find((r) => r.backend === checkServerRef(c.name).backend && r.server === c.name);
        expect(row && [row.addr, row.port, row.adminState, row.healthCheck]).toEqual(c.target ? ['127.0.0.1', c.target.port, 0, 'enabled'] : ['0.0.0.0', 0, 5, 'enabled']);
      }
      expect((await client.showServersState(backendNameOf('scale'))).map((r) => r.server)).toEqual(backendOf(applied, 'scale').servers.map((s) => s.name));
      await expect(client.showServersState(backendNameOf('missing'))).rejects.toThrow("Can't find backend.");
    });

    test('a replaced server is added and enabled before the old one is deleted, and takes the traffic', async () => {
      const old = serverOf('swap', 'swap1');
      const oldCheck = checkOf('swap1');
      const { commands, result } = await moveTo(withServices({ swap: ['swap2'] }));
      const added = serverOf('swap', 'swap2');
      const check = checkOf('swap2');
      expect(kinds(commands)).toEqual([
        `set-addr ${check}`,
        `enable-health ${check}`,
        `enable-server ${check}`,
        `disable-health ${check}`,
        `set-health-up ${check}`,
        `add-server ${added.name}`,
        'enable-dynamic-cookie',
        `enable-server ${added.name}`,
        `set-maint ${old.name}`,
        `disable-health ${oldCheck}`,
        `set-health-up ${oldCheck}`,
        `del-server ${old.name}`,
      ]);
      expect(result.results.map((r) => [r.status, r.reply])).toEqual([
        ['ok', `IP changed from '0.0.0.0' to '127.0.0.1', port changed from '+0' to '${upstream('swap2').port}' by 'stats socket command'`],
        ...Array.from({ length: 4 }, () => ['ok', '']),
        ['ok', 'New server registered.'],
        ...Array.from({ length: 5 }, () => ['ok', '']),
        ['ok', 'Server deleted.'],
      ]);
      expect((await client.showServersState(backendNameOf('swap'))).map((r) => [r.server, r.adminState])).toEqual([[added.name, 0]]);
      const checks = await checkRows();
      expect([check, oldCheck].map((c) => [checks.get(c)?.port, checks.get(c)?.healthCheck])).toEqual([
        [upstream('swap2').port, 'disabled'],
        [upstream('swap1').port, 'disabled'],
      ]);
      if (kind.dataPlane) {
        for (let i = 0; i < 4; i++) expect(await target.request('swap.example.com')).toEqual({ status: 200, backend: 'swap2' });
      }
    });

    test('weights change in place', async () => {
      const { commands, result } = await moveTo({ ...layout, alternateWeight: 3 });
      const wa = serverOf('weighted', 'wa1');
      const wb = serverOf('weighted', 'wb1');
      expect([wa.weight, wb.weight]).toEqual([1, 3]);
      expect(commands).toEqual([{ kind: 'set-weight', backend: backendNameOf('weighted'), server: wb.name, weight: 3 }]);
      expect(result.failed).toEqual([]);
      const rows = await client.showServersState(backendNameOf('weighted'));
      expect(rows.map((r) => [r.server, r.weight])).toEqual([
        [wa.name, 1],
        [wb.name, 3],
      ]);
    });

    test("a backend down to one server stops its pod's check, and starts it again with a second", async () => {
      const [sc1, sc2] = [checkOf('sc1'), checkOf('sc2')];
      const down = await moveTo(withServices({ scale: ['sc1'] }));
      const gone = serverOf('scale', 'sc2', modelOf(withServices({ scale: ['sc1', 'sc2'] }))).name;
      expect(kinds(down.commands)).toEqual([`disable-health ${sc1}`, `set-health-up ${sc1}`, `set-maint ${gone}`, `disable-health ${sc2}`, `set-health-up ${sc2}`, `del-server ${gone}`]);
      expect(down.result.failed).toEqual([]);
      const rowsDown = await checkRows();
      expect([rowsDown.get(sc1)?.healthCheck, rowsDown.get(sc2)?.healthCheck]).toEqual(['disabled', 'disabled']);

      const up = await moveTo(withServices({ scale: ['sc1', 'sc2'] }));
      const again = checkOf('sc2');
      // Check slots in slot order, then the server that tracks one.
      const taking = [`set-addr ${again}`, `enable-health ${again}`, `enable-server ${again}`];
      const slots = Number(again.slice(3)) < Number(sc1.slice(3)) ? [...taking, `enable-health ${sc1}`] : [`enable-health ${sc1}`, ...taking];
      expect(kinds(up.commands)).toEqual([...slots, `add-server ${gone}`, 'enable-dynamic-cookie', `enable-server ${gone}`]);
      expect(up.result.failed).toEqual([]);
      const rows = await checkRows();
      expect([sc1, again].map((c) => [rows.get(c)?.healthCheck, (rows.get(c)?.adminState ?? 0) & ADMIN_FORCED_MAINT])).toEqual([
        ['enabled', 0],
        ['enabled', 0],
      ]);
    });

    test('a server added at runtime tracks only a server of the configuration, which can then never be deleted', async () => {
      const bulk = backendNameOf('bulk');
      const slot = checkOf('bk1');
      const CHECK_BACKEND = checkServerRef(slot).backend;
      const result = await client.apply([
        { kind: 'add-server', backend: CHECK_BACKEND, server: 'dyn', address: '127.0.0.1:1', options: 'check' },
        { kind: 'add-server', backend: bulk, server: 'x', address: '127.0.0.1:1', options: `weight 1 track ${CHECK_BACKEND}/dyn` },
        { kind: 'add-server', backend: bulk, server: 'y', address: '127.0.0.1:1', options: `weight 1 track ${CHECK_BACKEND}/${slot}` },
        { kind: 'set-health-up', backend: bulk, server: 'y' },
        { kind: 'set-maint', backend: CHECK_BACKEND, server: slot },
        { kind: 'del-server', backend: CHECK_BACKEND, server: slot },
        { kind: 'set-maint', backend: bulk, server: 'y' },
        { kind: 'del-server', backend: bulk, server: 'y' },
        { kind: 'del-server', backend: CHECK_BACKEND, server: slot },
        { kind: 'enable-server', backend: CHECK_BACKEND, server: slot },
        { kind: 'set-maint', backend: CHECK_BACKEND, server: 'dyn' },
        { kind: 'del-server', backend: CHECK_BACKEND, server: 'dyn' },
      ]);
      const pinned = 'This server cannot be removed at runtime due to other configuration elements pointing to it.';
      expect(result.results.map((r) => [r.status, r.reply])).toEqual([
        ['ok', 'New server registered.'],
        ['failed', `unable to use ${CHECK_BACKEND}/dyn for tracking as it is a dynamic server.`],
        ['ok', 'New server registered.'],
        ['failed', 'cannot change health on a tracking server.'],
        ['ok', ''],
        ['failed', pinned],
        ['ok', ''],
        ['ok', 'Server deleted.'],
        ['failed', pinned],
        ['ok', ''],
        ['ok', ''],
        ['ok', 'Server deleted.'],
      ]);
    });

    test('any other reply is a failure carrying haproxy text, and does not stop the batch', async () => {
      const bulk = backendOf(applied, 'bulk');
      const existing = serverOf('bulk', 'bk1');
      const ref = { backend: bulk.name, server: existing.name };
      const result = await client.apply([
        { kind: 'add-server', ...ref, address: `127.0.0.1:${existing.port}`, options: serverOptions(bulk, existing, checkOf('bk1')) },
        { kind: 'set-weight', backend: bulk.name, server: 'nope', weight: 2 },
        { kind: 'add-server', backend: backendNameOf('missing'), server: 'x', address: '127.0.0.1:1', options: 'weight 1' },
        { kind: 'add-server', backend: bulk.name, server: 'cookie', address: '127.0.0.1:1', options: 'weight 1 cookie abc' },
        { kind: 'enable-server', ...ref },
      ]);
      expect(result.results.map((r) => [r.status, r.reply])).toEqual([
        ['failed', 'Already exists a server with the same name in backend.'],
        ['failed', 'No such server.'],
        ['failed', 'No such backend.'],
        ['failed', "'cookie' option is not accepted for dynamic server"],
        ['ok', ''],
      ]);
      expect(result.failed).toHaveLength(4);
    });

    for (const windowBytes of [undefined, 160]) {
      test(`500 commands go in one batch with every reply matched to its command (window ${windowBytes ?? 'default'})`, async () => {
        const batchClient = windowBytes === undefined ? client : createRuntimeClient(target.settings.adminSocketPath, { windowBytes });
        const bulk = backendNameOf('bulk');
        const server = serverOf('bulk', 'bk1').name;
        const commands: RuntimeCommand[] = Array.from({ length: 500 }, (_, i) =>
          i % 50 === 49 ? { kind: 'set-weight', backend: bulk, server: 'nope', weight: 1 } : { kind: 'set-weight', backend: bulk, server, weight: (i % 200) + 1 },
        );
        const result = await batchClient.apply(commands);
        expect(result.results).toHaveLength(500);
        expect(result.results.every((r, i) => r.command === commands[i])).toBe(true);
        expect(result.failed.map((r) => result.results.indexOf(r))).toEqual(Array.from({ length: 10 }, (_, k) => k * 50 + 49));
        expect(new Set(result.failed.map((r) => r.reply))).toEqual(new Set(['No such server.']));
        expect((await client.showServersState(bulk)).map((r) => r.weight)).toEqual([(498 % 200) + 1]);
      });
    }

    test('a server with a request in flight stays in maintenance until it can be deleted', async () => {
      const old = serverOf('busy', 'bz1');
      const backend = backendNameOf('busy');
      const finish = await target.holdRequest({ host: 'busy.example.com', backend, server: old.name, upstream: upstream('bz1') });
      const { result } = await moveTo(withServices({ busy: ['bz2'] }));
      expect(result.failed).toEqual([]);
      expect(result.busy.map((r) => [r.text, r.reply])).toEqual([[`del server ${backend}/${old.name}`, SERVER_BUSY_REPLY]]);
      const during = (await client.showServersState(backend)).find((r) => r.server === old.name);
      expect(during && [during.adminState & ADMIN_FORCED_MAINT, during.operState]).toEqual([ADMIN_FORCED_MAINT, 0]);

      await finish();
      const retries = await deleteEventually({ backend, server: old.name });
      const statuses = retries.map((r) => r.results.map((x): string => x.status));
      expect(statuses).toEqual([...retries.slice(1).map(() => ['ok', 'ok', 'busy']), ['ok', 'ok', 'ok']]);
      expect((await client.showServersState(backend)).map((r) => r.server)).toEqual([serverOf('busy', 'bz2').name]);
    });

    test.if(kind.dataPlane)("a server added at runtime follows its pod's check, taken live: a dead pod goes down", async () => {
      const dead = upstream('dead');
      await dead.stop();
      const { result } = await moveTo(withServices({ checked: ['ck1', 'ck2', 'dead'] }));
      expect(result.failed).toEqual([]);
      const backend = backendNameOf('checked');
      const name = serverOf('checked', 'dead').name;
      // Checks run on haproxy's clock and report nothing, so this polls; fall 3 x inter 100 ms takes ~300 ms, seconds on a loaded host.
      let row = (await client.showServersState(backend)).find((r) => r.server === name);
      for (const deadline = Date.now() + 10_000; row?.operState !== 0 && Date.now() < deadline; ) {
        await Bun.sleep(20);
        row = (await client.showServersState(backend)).find((r) => r.server === name);
      }
      expect(row && [row.healthCheck, row.adminState, row.operState]).toEqual(['none', 0, 0]);
      const check = (await checkRows()).get(checkOf('dead'));
      expect(check && [check.healthCheck, check.operState]).toEqual(['enabled', 0]);
      for (let i = 0; i < 4; i++) expect((await target.request('checked.example.com')).status).toBe(200);
    });

    test('an allowlist changes entry by entry, as haproxy reads its file', async () => {
      const acl = allowlistFile(backendNameOf('guarded'));
      const { commands, result } = await moveTo({ ...layout, allowlist: ['192.168.1.1', '127.0.0.0/8', 'fd00::1'] });
      expect(commands).toEqual([
        { kind: 'add-acl', acl, value: '127.0.0.0/8' },
        { kind: 'add-acl', acl, value: 'fd00::1' },
        { kind: 'del-acl', acl, value: '10.0.0.0/8' },
      ]);
      expect(result.results.map((r) => [r.status, r.reply])).toEqual([
        ['ok', ''],
        ['ok', ''],
        ['ok', ''],
      ]);
      const [shown] = await runCliSession(target.settings.adminSocketPath, [{ line: `show acl ${acl}` }], { idleTimeoutMs: 5000, windowBytes: 8192, bufSize: 16384 });
      expect((shown ?? '').trim().split('\n').map((l) => l.split(' ')[1])).toEqual(['192.168.1.1', '127.0.0.0/8', 'fd00::1']);
      if (kind.dataPlane) expect((await target.request('guarded.example.com')).status).toBe(200);
      const gone = await client.apply([{ kind: 'del-acl', acl, value: '10.0.0.0/8' }]);
      expect(gone.results.map((r) => [r.status, r.reply])).toEqual([['failed', 'Key not found.']]);
    });

    test('none of it reloaded haproxy: the same worker answers', async () => {
      expect(await target.workerPid()).toBe(loadedPid);
    });
  });
}
