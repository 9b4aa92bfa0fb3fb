/**
 * Signals reach dist/router, never haproxy's default actions: one meaning
 * each, and in no case does the router leave haproxy running on its own
 * (except on the hand-over, see takeover.test.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * haproxy behind a wrapper that waits 30 s before each reload: the master
 * re-executes itself through its argv[0] (the wrapper, kept by `exec -a`)
 * with `-sf` on a reload, so the reload stays in flight as long as a test
 * needs, whatever the size of the configuration or the load of the host.
 * The wait is a builtin `read` on a FIFO opened read-write: no child
 * process outlives the master when it is killed.
 */
function slowReloadingHaproxy(): string {
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
  return wrapper;
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
