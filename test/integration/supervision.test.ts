/**
 * haproxy is never left unsupervised and never cut short by what a tenant
 * does: any death leads to a restart, a stop is bounded, and old workers
 * outlive reloads for as long as their connections last.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { isRunning } from '../../src/haproxy/predecessor.ts';
import type { SupervisorHooks } from '../../src/haproxy/supervisor.ts';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { routeYaml, sliceYaml } from '../support/manifests.ts';
import { freePortPair, get, rawGet } from '../support/net.ts';
import { haproxyMastersUsing, haproxyPidsUsing } from '../support/processes.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';
import { startHeldBackend, type HeldBackend } from '../support/runtime/held-backend.ts';

let a: TestBackend;
let held: HeldBackend;
let t: TestRouter | undefined;
beforeAll(() => {
  a = startBackend('a');
  held = startHeldBackend('long');
});
afterEach(async () => {
  const runDir = t && join(t.workingDir, 'run');
  await t?.stop();
  t = undefined;
  // Whatever a failed test left: no haproxy outlives it.
  for (const pid of runDir ? haproxyPidsUsing(runDir) : []) process.kill(pid, 'SIGKILL');
});
afterAll(async () => {
  await a.stop();
  await held.stop();
});

const app = () => routeYaml({ name: 'app', host: 'app.example.com', service: 'a' }) + '---\n' + sliceYaml({ service: 'a', ports: [a.port] });
const runDir = (tr: TestRouter) => join(tr.workingDir, 'run');
const started = (notMaster: number) => (r: { msg: string }) => r.msg.startsWith('haproxy started') && !r.msg.includes(`master pid ${notMaster},`) && !r.msg.includes(`master pid ${notMaster})`);

/**
 * A hook that, the first time it runs (once the new master lists a worker, before the supervisor counts it as
 * started), has a request answered through it, then SIGKILLs master and worker: the moment haproxy first serves.
 */
function killAtFirstAnswer(httpPort: number, awaitExit: boolean) {
  const seen: { master?: number; firstAnswer?: number } = {};
  let armed = true;
  const hooks: SupervisorHooks = {
    async beforeConfirm({ masterPid, workerPids, exited }) {
      if (!armed) return;
      armed = false;
      seen.master = masterPid;
      seen.firstAnswer = (await get(httpPort, 'app.example.com')).status;
      for (const pid of [...workerPids, masterPid]) process.kill(pid, 'SIGKILL');
      if (awaitExit) await exited;
    },
  };
  return { hooks, seen, arm: () => (armed = true) };
}

describe('a working directory that can no longer be written', () => {
  /** A router whose in-place writes fail while `full.on` is set, as on a full disk. */
  const onDiskThatFills = (manifests: Record<string, string>) => {
    const full = { on: false };
    const router = startTestRouter({
      manifests,
      wrapFileWriter: (writer) => ({
        write: (batch) => (full.on ? Promise.reject(new Error('ENOSPC: no space left on device, write')) : writer.write(batch)),
      }),
    });
    return { full, router };
  };
  /** Kills haproxy's master and waits until it was started again from the files on disk. */
  const crash = async (tr: TestRouter) => {
    const killed = tr.router.supervisor.masterPid as number;
    process.kill(killed, 'SIGKILL');
    await tr.waitForLog((r) => r.msg.startsWith('starting haproxy from the files on disk') && r.msg.includes('ENOSPC'));
    await tr.waitForLog(started(killed));
  };

  /** The disk full, then the app's pod moved to `b`: live through the runtime API, while its files cannot follow. */
  const movedOnFullDisk = async (then: (tr: TestRouter, full: { on: boolean }) => Promise<void>): Promise<void> => {
    const b = startBackend('b');
    const { full, router } = onDiskThatFills({ 'app.yaml': app() });
    try {
      const tr = (t = await router);
      full.on = true;
      await tr.write('app.yaml', routeYaml({ name: 'app', host: 'app.example.com', service: 'a' }) + '---\n' + sliceYaml({ service: 'a', ports: [b.port] }));
      await tr.waitForLog((r) => r.level === 'error' && r.msg.startsWith("cannot write the configuration's files") && r.msg.includes('ENOSPC'));
      await then(tr, full);
    } finally {
      full.on = false;
      await b.stop();
    }
  };

  test('says so; haproxy killed then restarts from the files on disk and serves the pod they name, not none', async () => {
    await movedOnFullDisk(async (t, full) => {
      expect((await t.get('app.example.com')).backend).toBe('b');
      await crash(t);
      // The files on disk have the pod before the move (the deletion still waiting for the last worker is not sent
      // to the new one): served, rather than nothing at all.
      expect((await t.get('app.example.com')).status).toBe(200);
      full.on = false;
      await t.waitForLog((r) => r.msg.startsWith("the configuration's files") && r.msg.endsWith('are written again'));
      await t.write('other.yaml', routeYaml({ name: 'other', host: 'other.example.com', service: 'a' }));
      expect((await t.get('app.example.com')).backend).toBe('b');
    });
  });

  test.each(['stop', 'handOver'] as const)('a %s while the files cannot be written goes on: haproxy drained and stopped, or left serving for the next router', async (how) => {
    await movedOnFullDisk(async (t) => {
      const master = t.router.supervisor.masterPid as number;
      await t.router[how]();
      expect(t.logs.some((r) => r.level === 'error' && r.msg.startsWith("the configuration's last files could not be written before stopping"))).toBe(true);
      expect(isRunning(master)).toBe(how === 'handOver');
      if (how === 'handOver') expect((await get(t.httpPort, 'app.example.com')).backend).toBe('b');
    });
  });

  test('a change of map entries only that the files lack is not lost: once they can be written, haproxy is reloaded from the model', async () => {
    const paths = (path: string) => routeYaml({ name: 'paths', host: 'paths.example.com', service: 'a', path });
    const { full, router } = onDiskThatFills({ 'app.yaml': app(), 'paths.yaml': paths('/old') });
    t = await router;
    full.on = true;
    await t.write('paths.yaml', paths('/new'));
    expect((await t.get('paths.example.com', '/new')).backend).toBe('a');
    await crash(t);
    full.on = false;
    await t.waitForLog((r) => r.msg.startsWith('haproxy reloaded (') && r.msg.includes('): worker-out-of-step'));
    expect((await t.get('paths.example.com', '/new')).backend).toBe('a');
    expect((await t.get('paths.example.com', '/old')).status).toBe(503);
  });
});

describe('haproxy dying at any moment', () => {
  test.each([
    ['its death is seen before the supervisor confirms the start', true],
    ['its death is seen just after', false],
  ])('killed the moment it first answers, on the first start (%s): restarted, serving, one master', async (_when, awaitExit) => {
    const [httpPort, httpsPort] = await freePortPair();
    const kill = killAtFirstAnswer(httpPort, awaitExit);
    t = await startTestRouter({ manifests: { 'app.yaml': app() }, ports: [httpPort, httpsPort], supervisorHooks: kill.hooks });
    const killed = kill.seen.master as number;
    expect(kill.seen.firstAnswer).toBe(200);
    await t.waitForLog((r) => r.msg.includes(`haproxy master (pid ${killed}) exited`));
    await t.waitForLog(started(killed));
    expect((await t.get('app.example.com')).backend).toBe('a');
    expect(isRunning(killed)).toBe(false);
    expect(haproxyMastersUsing(runDir(t))).toEqual([t.router.supervisor.masterPid as number]);
  });

  test('killed the moment it first answers after a restart: restarted again, serving, one master', async () => {
    const [httpPort, httpsPort] = await freePortPair();
    const kill = killAtFirstAnswer(httpPort, true);
    t = await startTestRouter({ manifests: { 'app.yaml': app() }, ports: [httpPort, httpsPort], supervisorHooks: kill.hooks });
    const first = kill.seen.master as number;
    await t.waitForLog(started(first));
    const crashed = t.router.supervisor.masterPid as number;
    kill.arm();
    process.kill(crashed, 'SIGKILL');
    await t.waitForLog((r) => r.msg.includes(`haproxy master (pid ${crashed}) exited unexpectedly`));
    // The restart is killed the moment it first answers, then restarted once more.
    await t.waitForLog((r) => kill.seen.master !== first && r.msg.includes(`haproxy master (pid ${kill.seen.master}) exited right after it started`));
    const killedRestart = kill.seen.master as number;
    await t.waitForLog((r) => started(killedRestart)(r) && started(crashed)(r) && started(first)(r));
    expect((await t.get('app.example.com')).backend).toBe('a');
    expect(haproxyMastersUsing(runDir(t))).toEqual([t.router.supervisor.masterPid as number]);
  });
});

describe('old workers', () => {
  test("a long request survives other tenants' burst of reload-forcing changes", async () => {
    // No spare backends: each new route of the other tenant's needs a reload.
    t = await startTestRouter({
      args: ['--blueprint-route-pool-size=0'],
      manifests: { 'long.yaml': routeYaml({ name: 'long', namespace: 'quiet', host: 'long.example.com' }) + '---\n' + sliceYaml({ service: 'long', namespace: 'quiet', ports: [held.port] }) },
    });
    const inFlight = rawGet(t.httpPort, 'long.example.com', '/hold');
    const release = await held.nextHold();
    const before = (await t.router.supervisor.procState())?.reloads ?? 0;
    for (let i = 0; i < 8; i++) {
      // Each from a namespace of its own: one namespace alone would run out of reload budget after five.
      await t.write(`busy-${i}.yaml`, routeYaml({ name: `busy-${i}`, namespace: `busy-${i}`, host: `busy-${i}.example.com` }));
      expect(t.router.lastCommit()?.result).toBe('reloaded');
    }
    expect(((await t.router.supervisor.procState())?.reloads ?? 0) - before).toBe(8);
    release();
    expect(await inFlight).toMatchObject({ status: 200, backend: 'long' });
  });
});

describe('stopping', () => {
  test('shutting down is visible at once, and haproxy serves through the graceful delay until stopped now', async () => {
    t = await startTestRouter({ manifests: { 'app.yaml': app() }, env: { ROUTER_GRACEFUL_SHUTDOWN_DELAY: '1h' } });
    let told = 0;
    t.router.shutdown.onShuttingDown(() => told++);
    expect(t.router.shutdown.shuttingDown).toBe(false);
    const stopping = t.router.stop();
    expect(t.router.shutdown.shuttingDown).toBe(true);
    expect(told).toBe(1);
    expect((await t.get('app.example.com')).backend).toBe('a');
    await t.router.stopNow();
    await stopping;
    expect(haproxyPidsUsing(runDir(t))).toEqual([]);
  });

  test('the drain is bounded by ROUTER_MAX_SHUTDOWN_TIMEOUT: a request still open then is cut', async () => {
    t = await startTestRouter({
      env: { ROUTER_MAX_SHUTDOWN_TIMEOUT: '1' },
      manifests: { 'long.yaml': routeYaml({ name: 'long', host: 'long.example.com' }) + '---\n' + sliceYaml({ service: 'long', ports: [held.port] }) },
    });
    const inFlight = rawGet(t.httpPort, 'long.example.com', '/hold').catch((err: Error) => ({ status: Number.NaN, error: err.message }));
    const release = await held.nextHold();
    await t.router.stop();
    expect(t.logs.some((r) => r.msg === 'haproxy still running after 1000 ms of draining')).toBe(true);
    expect((await inFlight).status).not.toBe(200);
    expect(haproxyPidsUsing(runDir(t))).toEqual([]);
    release();
  });
});
