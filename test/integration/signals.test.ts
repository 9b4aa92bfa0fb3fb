/**
 * Signals reach dist/router, never haproxy's default actions: one meaning
 * each, and in no case does the router leave haproxy running on its own
 * (except on the hand-over, see takeover.test.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning } from '../../src/haproxy/predecessor.ts';
import { killBinaryRouter, logSays, spawnBinaryRouter, type BinaryRouter, type BinaryRouterOptions } from '../support/binary-router.ts';
import { routeYaml, sliceYaml } from '../support/manifests.ts';
import { freePortPair, rawGet } from '../support/net.ts';
import { haproxyPidsUsing } from '../support/processes.ts';
import { startHeldBackend, type HeldBackend } from '../support/runtime/held-backend.ts';
import { shortTempDir } from '../support/workdir.ts';

const HOST = 'app.example.com';

let app: HeldBackend;
beforeAll(() => {
  app = startHeldBackend('app');
});
afterAll(() => app.stop());

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

async function startRouter(more: Partial<BinaryRouterOptions> & { manifests?: string } = {}) {
  const dir = shortTempDir();
  cleanups.push(() => dir.remove());
  const manifestsDir = join(dir.path, 'm');
  mkdirSync(manifestsDir);
  writeFileSync(join(manifestsDir, 'app.yaml'), routeYaml({ name: 'app', host: HOST }) + '---\n' + sliceYaml({ service: 'app', ports: [app.port] }));
  if (more.manifests) writeFileSync(join(manifestsDir, 'more.yaml'), more.manifests);
  const [httpPort, httpsPort] = await freePortPair();
  const router = spawnBinaryRouter({ manifestsDir, workingDir: join(dir.path, 'w'), httpPort, httpsPort, ...more });
  cleanups.push(() => killBinaryRouter(router));
  await router.ready();
  return { router, httpPort, manifestsDir };
}

/** A router started and then SIGKILLed, which leaves its haproxy serving (`left`, the master's pid). */
async function killedRouter() {
  const first = await startRouter();
  const left = first.router.masterPid();
  first.router.proc.kill('SIGKILL');
  await first.router.exited;
  return { ...first, left, workingDir: join(first.router.runDir, '..') };
}

/**
 * The next router on `workingDir`: serving `manifestsDir`, or (undefined)
 * a Kubernetes API that refuses connections, which it waits for.
 */
async function nextRouter(workingDir: string, manifestsDir: string | undefined, more: Partial<BinaryRouterOptions> = {}) {
  const [httpPort, httpsPort] = await freePortPair();
  const api = manifestsDir === undefined ? [`--master=https://127.0.0.1:${httpPort}`, '--token=t', '--insecure-skip-tls-verify=true'] : [];
  const router = spawnBinaryRouter({ manifestsDir, workingDir, httpPort, httpsPort, ...more, args: [...api, ...(more.args ?? [])] });
  cleanups.push(() => killBinaryRouter(router));
  return { router, httpPort };
}

/**
 * haproxy behind a wrapper that waits 30 s before each reload: the master
 * re-executes itself through its argv[0] (the wrapper, kept by `exec -a`)
 * with `-sf` on a reload, so the reload stays in flight as long as a test
 * needs, whatever the size of the configuration or the load of the host.
 * The wait is a builtin `read` on a FIFO opened read-write: no child
 * process outlives the master when it is killed.
 */
function slowReloadingHaproxy(): string {
  return slowReloads().wrapper;
}

/** slowReloadingHaproxy, and its FIFO: a line written to it lets the reload waiting go on. */
function slowReloads(): { wrapper: string; fifo: string } {
  const dir = shortTempDir();
  cleanups.push(() => dir.remove());
  const fifo = join(dir.path, 'wait');
  const wrapper = join(dir.path, 'haproxy');
  Bun.spawnSync(['mkfifo', fifo]);
  writeFileSync(
    wrapper,
    ['#!/bin/bash', `case " $* " in *" -sf "*) exec 9<>'${fifo}'; read -t 30 -u 9 ;; esac`, 'exec -a "$0" /usr/sbin/haproxy "$@"', ''].join('\n'),
    { mode: 0o755 },
  );
  return { wrapper, fifo };
}

/** The router exits 0 and no haproxy of its working dir is left. */
async function endsCleanly(router: BinaryRouter): Promise<void> {
  expect(await router.exited).toBe(0);
  expect(haproxyPidsUsing(router.runDir)).toEqual([]);
}

describe('dist/router signals', () => {
  test('SIGHUP is ignored: the router keeps serving and supervising haproxy', async () => {
    const { router, httpPort } = await startRouter();
    router.proc.kill('SIGHUP');
    await router.waitForLine(logSays('SIGHUP received: ignored'));
    expect((await rawGet(httpPort, HOST, '/')).backend).toBe('app');
    // Still supervised: a dead haproxy comes back.
    const master = router.masterPid();
    process.kill(master, 'SIGKILL');
    await router.waitForLine(logSays(`haproxy master (pid ${master}) exited unexpectedly`));
    await router.waitForLine((l) => logSays('haproxy started')(l) && !l.includes(`master pid ${master}`));
    expect((await rawGet(httpPort, HOST, '/')).backend).toBe('app');
    router.proc.kill('SIGTERM');
    await endsCleanly(router);
  });

  test('SIGTERM: readiness fails, haproxy serves through the graceful delay; a second SIGTERM ends it at once', async () => {
    const { router, httpPort } = await startRouter({ env: { ROUTER_GRACEFUL_SHUTDOWN_DELAY: '1h' } });
    router.proc.kill('SIGTERM');
    await router.waitForLine(logSays('readiness fails from now on; haproxy serves for 3600000 ms more'));
    expect((await rawGet(httpPort, HOST, '/')).backend).toBe('app');
    router.proc.kill('SIGTERM');
    await router.waitForLine(logSays('SIGTERM received: stopping haproxy now'));
    await endsCleanly(router);
  });

  test('after the delay, haproxy stops listening and finishes the requests in flight', async () => {
    const { router, httpPort } = await startRouter();
    const inFlight = rawGet(httpPort, HOST, '/hold');
    const release = await app.nextHold();
    router.proc.kill('SIGTERM');
    await router.waitForLine(logSays('draining connections'));
    release();
    expect(await inFlight).toMatchObject({ status: 200, backend: 'app' });
    await endsCleanly(router);
    expect(router.lines.some(logSays('sending SIGTERM to haproxy'))).toBe(false);
  });

  test('one SIGTERM while a reload is in flight does not wait for the reload: haproxy is drained and stopped within the drain time', async () => {
    const { router, manifestsDir } = await startRouter({ args: ['--blueprint-route-pool-size=0', '--loglevel=debug', `--haproxy-binary=${slowReloadingHaproxy()}`], env: { ROUTER_MAX_SHUTDOWN_TIMEOUT: '2' } });
    writeFileSync(join(manifestsDir, 'new.yaml'), routeYaml({ name: 'new', host: 'new.example.com', service: 'app' }));
    await router.waitForLine(logSays('reloading haproxy'));
    const sent = Date.now();
    router.proc.kill('SIGTERM');
    await endsCleanly(router);
    // The reload waits 30 s in its wrapper: a stop that waited for it would take that long.
    expect(Date.now() - sent).toBeLessThan(25_000);
    expect(router.lines.some(logSays('the router is stopping: the reload is not waited for'))).toBe(true);
  }, 40_000);

  test('a SIGTERM before the router took over the haproxy a killed one left (its source not synced yet) stops that haproxy too', async () => {
    const { left, workingDir } = await killedRouter();
    // The same working dir, now with a Kubernetes API that refuses connections: the router waits for it.
    const { router: second } = await nextRouter(workingDir, undefined);
    await second.waitForLine(logSays('watching routes'));
    expect(isRunning(left)).toBe(true);
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(isRunning(left)).toBe(false);
    expect(haproxyPidsUsing(second.runDir)).toEqual([]);
    expect(second.lines.some(logSays(`stopping the haproxy (master pid ${left}) a previous router left serving`))).toBe(true);
  }, 30_000);

  test('a stop ends the masters taken over by this router and those before it, whose connections outlast the drain; a second signal at once', async () => {
    const first = await startRouter();
    const oldest = first.router.masterPid();
    // A request the old haproxy holds: after the take-over it keeps that master and worker alive.
    const inFlight = rawGet(first.httpPort, HOST, '/hold').catch(() => undefined);
    const release = await app.nextHold();
    const workingDir = join(first.router.runDir, '..');
    const next = async () => {
      const started = await nextRouter(workingDir, first.manifestsDir, { env: { ROUTER_MAX_SHUTDOWN_TIMEOUT: '60' } });
      await started.router.ready();
      return started;
    };
    first.router.proc.kill('SIGKILL');
    await first.router.exited;
    const { router: second, httpPort: secondPort } = await next();
    const middle = second.masterPid();
    // Killed too, holding a request of its own: the third router takes over the second's master while the first's
    // still finishes its request.
    const inFlight2 = rawGet(secondPort, HOST, '/hold').catch(() => undefined);
    const release2 = await app.nextHold();
    second.proc.kill('SIGKILL');
    await second.exited;
    const { router: third } = await next();
    expect([isRunning(oldest), isRunning(middle)]).toEqual([true, true]);
    third.proc.kill('SIGTERM');
    await third.waitForLine(logSays('draining connections'));
    const hurried = Date.now();
    third.proc.kill('SIGTERM');
    await endsCleanly(third);
    // The drain was 60 s: the second signal cut it short for every master.
    expect(Date.now() - hurried).toBeLessThan(15_000);
    expect([isRunning(oldest), isRunning(middle)]).toEqual([false, false]);
    release();
    release2();
    await Promise.all([inFlight, inFlight2]);
  }, 40_000);

  test('taking over: a left haproxy whose master stands still is stopped and replaced (its worker would serve beside ours); a newer master of the working dir than the pid file names is stopped', async () => {
    const first = await killedRouter();
    const left = first.left;
    process.kill(left, 'SIGSTOP');
    // A stand-in for a master a killed router was starting: its command line names this working dir's master socket.
    const stray = Bun.spawn(['python3', '-c', 'import time; time.sleep(60)', '-S', join(first.router.runDir, 'master.sock')], { stdout: 'ignore', stderr: 'ignore' });
    cleanups.push(() => stray.kill('SIGKILL'));
    const { router: second, httpPort } = await nextRouter(first.workingDir, first.manifestsDir);
    await second.ready();
    expect(await stray.exited).not.toBe(0);
    expect(isRunning(left)).toBe(false);
    expect(second.lines.some(logSays(`haproxy master pid ${stray.pid} of this working dir is not the one its pid file names`))).toBe(true);
    expect(second.lines.some(logSays(`haproxy master pid ${left}, left serving by a previous router of this working dir, does not answer on`))).toBe(true);
    expect((await rawGet(httpPort, HOST, '/')).backend).toBe('app');
  }, 30_000);

  test('changes keep going live, by reloads too, through the graceful delay of a stop', async () => {
    const { router, manifestsDir, httpPort } = await startRouter({ args: ['--blueprint-route-pool-size=0'], env: { ROUTER_GRACEFUL_SHUTDOWN_DELAY: '30s' } });
    router.proc.kill('SIGTERM');
    await router.waitForLine(logSays('readiness fails from now on'));
    // A new route with no spare backend for it must reload.
    writeFileSync(join(manifestsDir, 'new.yaml'), routeYaml({ name: 'new', host: 'new.example.com', service: 'app' }));
    await router.waitForLine(logSays('haproxy reloaded'));
    expect((await rawGet(httpPort, 'new.example.com', '/')).backend).toBe('app');
    router.proc.kill('SIGTERM');
    await endsCleanly(router);
  }, 30_000);

  test('SIGUSR2 then SIGTERM before the router took over the haproxy a killed one left: the second wins, that haproxy is stopped at once', async () => {
    const { left, workingDir } = await killedRouter();
    const { router: second } = await nextRouter(workingDir, undefined, { env: { ROUTER_MAX_SHUTDOWN_TIMEOUT: '60' } });
    await second.waitForLine(logSays('watching routes'));
    second.proc.kill('SIGUSR2');
    await second.waitForLine(logSays('SIGUSR2 received'));
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(isRunning(left)).toBe(false);
  }, 30_000);

  test('taking over a left haproxy in the middle of a reload (its router killed then) waits for its load, cutting nothing', async () => {
    const slow = slowReloads();
    const { router: first, manifestsDir, httpPort: firstPort } = await startRouter({ args: ['--blueprint-route-pool-size=0', '--loglevel=debug', `--haproxy-binary=${slow.wrapper}`] });
    const left = first.masterPid();
    const inFlight = rawGet(firstPort, HOST, '/hold');
    const release = await app.nextHold();
    writeFileSync(join(manifestsDir, 'new.yaml'), routeYaml({ name: 'new', host: 'new.example.com', service: 'app' }));
    await first.waitForLine(logSays('reloading haproxy'));
    // The router logs that line before it asks: killed once the master re-executes for the reload (its command has -sf).
    while (!readFileSync(`/proc/${left}/cmdline`, 'utf8').split('\0').includes('-sf')) await Bun.sleep(10);
    first.proc.kill('SIGKILL');
    await first.exited;
    // The plain haproxy: the wrapper would hold this router's own take-over (its command has -sf) too.
    const { router: second } = await nextRouter(join(first.runDir, '..'), manifestsDir);
    await second.waitForLine(logSays(`haproxy master pid ${left} does not answer on`));
    // The reload goes on: the old master loads, answers, and is taken over.
    writeFileSync(slow.fifo, 'go\n');
    await second.ready();
    expect(second.lines.some(logSays('stopping it and starting afresh'))).toBe(false);
    release();
    expect(await inFlight).toMatchObject({ status: 200, backend: 'app' });
  }, 40_000);

  test('two SIGINTs in a row while a reload is in flight stop haproxy at once and leave none behind', async () => {
    const { router, manifestsDir } = await startRouter({ args: ['--blueprint-route-pool-size=0', '--loglevel=debug', `--haproxy-binary=${slowReloadingHaproxy()}`] });
    // A new route with no spare backend for it must reload.
    writeFileSync(join(manifestsDir, 'new.yaml'), routeYaml({ name: 'new', host: 'new.example.com', service: 'app' }));
    await router.waitForLine(logSays('reloading haproxy'));
    router.proc.kill('SIGINT');
    // Two signals sent at once would merge into one pending signal, as a kernel does.
    await router.waitForLine(logSays('SIGINT received: stopping gracefully'));
    router.proc.kill('SIGINT');
    await endsCleanly(router);
    const at = (text: string) => router.lines.findIndex(logSays(text));
    expect(at('SIGINT received: stopping haproxy now')).toBeGreaterThan(at('reloading haproxy'));
    expect(at('haproxy reloaded')).toBe(-1);
  });
});
