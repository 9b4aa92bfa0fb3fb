/**
 * One router per working dir and per port set, and no request lost when a
 * router is replaced: dist/router killed (SIGKILL) or handing over (SIGUSR2)
 * and started again, under steady load with a request in flight.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goneWithin, isRunning } from '../../src/haproxy/predecessor.ts';
import { socketCommand } from '../../src/haproxy/runtime-api/socket-command.ts';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { killBinaryRouter, logSays, spawnBinaryRouter, type BinaryRouter, type BinaryRouterOptions } from '../support/binary-router.ts';
import { startLoad } from '../support/load.ts';
import { routeYaml, sliceYaml } from '../support/manifests.ts';
import { freePortPair, rawGet } from '../support/net.ts';
import { haproxyMastersUsing, haproxyPidsUsing } from '../support/processes.ts';
import { startHeldBackend, type HeldBackend } from '../support/runtime/held-backend.ts';
import { shortTempDir } from '../support/workdir.ts';

const HOST = 'app.example.com';
/** How long an old master may take to finish once its last connection is done. */
const OLD_MASTER_EXIT_MS = 10_000;

let app: HeldBackend;
let intruderBackend: TestBackend;
beforeAll(() => {
  app = startHeldBackend('app');
  intruderBackend = startBackend('intruder');
});
afterAll(async () => {
  await app.stop();
  await intruderBackend.stop();
});

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A manifest dir routing HOST to `port`, a working dir, and free ports; `start` launches dist/router on them. */
async function site(port = app.port, ports?: [number, number]) {
  const dir = shortTempDir();
  cleanups.push(() => dir.remove());
  const manifestsDir = join(dir.path, 'm');
  mkdirSync(manifestsDir);
  writeFileSync(join(manifestsDir, 'app.yaml'), routeYaml({ name: 'app', host: HOST }) + '---\n' + sliceYaml({ service: 'app', ports: [port] }));
  const [httpPort, httpsPort] = ports ?? (await freePortPair());
  const workingDir = join(dir.path, 'w');
  const start = (more: Partial<BinaryRouterOptions> = {}): BinaryRouter => {
    const router = spawnBinaryRouter({ manifestsDir, workingDir, httpPort, httpsPort, ...more });
    cleanups.push(() => killBinaryRouter(router));
    return router;
  };
  return { start, httpPort, httpsPort, runDir: join(workingDir, 'run') };
}

/** A request held open by the backend until the test releases it. */
async function holdRequest(port: number) {
  const answer = rawGet(port, HOST, '/hold');
  const release = await app.nextHold();
  return { answer, release };
}

describe('a router replaced while haproxy serves', () => {
  test.each([
    ['killed with SIGKILL', 'SIGKILL' as const],
    ['handing over on SIGUSR2', 'SIGUSR2' as const],
  ])('%s: the next router takes haproxy over; no request fails, the one in flight completes, one master is left', async (_how, signal) => {
    const s = await site();
    const first = s.start();
    await first.ready();
    const load = startLoad(s.httpPort, HOST, 'app');
    await load.progressed();
    const inFlight = await holdRequest(s.httpPort);
    const oldMaster = first.masterPid();

    first.proc.kill(signal);
    const code = await first.exited;
    if (signal === 'SIGUSR2') {
      expect(code).toBe(0);
      expect(first.lines.some(logSays(`haproxy (master pid ${oldMaster}) keeps serving`))).toBe(true);
    }
    // Nobody supervises haproxy now, and it serves on.
    expect(isRunning(oldMaster)).toBe(true);
    await load.progressed();

    const second = s.start();
    await second.ready();
    expect(second.lines.some(logSays(`taking over from haproxy master pid ${oldMaster}`))).toBe(true);
    const newMaster = second.masterPid();
    expect(newMaster).not.toBe(oldMaster);
    await load.progressed();

    inFlight.release();
    expect(await inFlight.answer).toMatchObject({ status: 200, backend: 'app' });
    // Soft-stopped by the new master, the old one leaves once its last connection is done.
    expect(await goneWithin(oldMaster, OLD_MASTER_EXIT_MS)).toBe(true);
    const result = await load.stop();
    expect(result.failures).toEqual([]);
    // The keep-alive connection at most once met haproxy closing it as idle, and its request went again (load.ts).
    expect(result.retried.length).toBeLessThanOrEqual(1);
    expect(result.ok).toBeGreaterThan(30);
    expect(haproxyMastersUsing(s.runDir)).toEqual([newMaster]);

    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(haproxyPidsUsing(s.runDir)).toEqual([]);
  });

  test('an haproxy left behind whose admin socket does not answer is stopped, said so, and replaced', async () => {
    const s = await site();
    const first = s.start();
    await first.ready();
    const oldMaster = first.masterPid();
    first.proc.kill('SIGKILL');
    await first.exited;
    // Without its admin socket the old haproxy cannot hand its listeners over.
    rmSync(join(s.runDir, 'haproxy.sock'));

    const second = s.start();
    await second.ready();
    expect(second.lines.some(logSays(`haproxy master pid ${oldMaster}, left serving by a previous router of this working dir, does not answer`))).toBe(true);
    expect(isRunning(oldMaster)).toBe(false);
    expect(haproxyMastersUsing(s.runDir)).toEqual([second.masterPid()]);
    expect((await rawGet(s.httpPort, HOST, '/')).backend).toBe('app');
  });
});

describe('a second router', () => {
  test('on the same ports fails to start, and the first keeps all traffic and its runtime API', async () => {
    const s = await site();
    const first = s.start();
    await first.ready();
    const load = startLoad(s.httpPort, HOST, 'app');
    await load.progressed();
    const worker = Number(/Pid: (\d+)/.exec(await socketCommand(join(s.runDir, 'haproxy.sock'), 'show info'))?.[1]);

    // Another working dir, the same ports, and a backend of its own for the same host: any request it took would show.
    const other = await site(intruderBackend.port, [s.httpPort, s.httpsPort]);
    const intruder = other.start();
    expect(await intruder.exited).toBe(1);
    expect(intruder.lines.some(logSays('already listens on these ports'))).toBe(true);
    expect(haproxyPidsUsing(other.runDir)).toEqual([]);

    await load.progressed();
    const result = await load.stop();
    expect(result.failures).toEqual([]);
    // No reload nor takeover: haproxy closed no connection as idle.
    expect(result.retried).toEqual([]);
    expect(await socketCommand(join(s.runDir, 'haproxy.sock'), 'show info')).toContain(`Pid: ${worker}\n`);
    expect((await socketCommand(join(s.runDir, 'master.sock'), 'show proc')).split('\n')[1]).toStartWith(`${first.masterPid()} `);
  });

  test('on the same working dir fails before touching anything, and the first keeps its sockets', async () => {
    const s = await site();
    const first = s.start();
    await first.ready();
    const sockets = ['master.sock', 'haproxy.sock', 'haproxy.pid'].map((name) => statSync(join(s.runDir, name)).ino);

    const second = s.start({ args: [] });
    expect(await second.exited).toBe(1);
    expect(second.lines.some(logSays(`is in use by another router (pid ${first.proc.pid})`))).toBe(true);

    expect(['master.sock', 'haproxy.sock', 'haproxy.pid'].map((name) => statSync(join(s.runDir, name)).ino)).toEqual(sockets);
    expect(await socketCommand(join(s.runDir, 'haproxy.sock'), 'show info')).toContain('Pid: ');
    expect((await rawGet(s.httpPort, HOST, '/')).backend).toBe('app');
  });
});
