/**
 * A reload through the supervisor with a real haproxy 2.6, on a
 * configuration of thousands of backends (the master frees its copy of the
 * configuration after forking the worker, and until then a signal it gets
 * can be lost): whatever runs next talks to the new worker, a reload or a
 * stop right after still reaches the master, and a configuration haproxy
 * refuses leaves the worker before serving.
 */
import { afterEach, describe, expect, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../src/log.ts';
import { socketCommand } from '../../src/haproxy/runtime-api/socket-command.ts';
import { HaproxySupervisor } from '../../src/haproxy/supervisor.ts';
import { freePort, get } from '../support/net.ts';
import { haproxyPidsUsing } from '../support/processes.ts';
import { shortTempDir } from '../support/workdir.ts';

const HAPROXY = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy';

/** Enough backends that the master takes a while to free them after each fork. */
const BACKENDS = 3000;

function config(dir: string, port: number, generation: string, broken = false): string {
  const backends = Array.from({ length: BACKENDS }, (_, i) => `backend b${i}\n  server s 127.0.0.1:${10000 + (i % 1000)}\n`).join('');
  return `global
  stats socket ${join(dir, 'admin.sock')} mode 600 level admin expose-fd listeners
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend web
  bind 127.0.0.1:${port}
  http-request return status 200 content-type text/plain string "${generation}"${broken ? '\n  no-such-keyword here' : ''}
${backends}`;
}

const workerPid = async (dir: string) => Number(/^Pid: (\d+)$/m.exec(await socketCommand(join(dir, 'admin.sock'), 'show info'))?.[1]);

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function started(drainTimeoutMs = 1000): Promise<{ dir: string; port: number; supervisor: HaproxySupervisor; write: (generation: string, broken?: boolean) => void }> {
  const tmp = shortTempDir('svr');
  const dir = tmp.path;
  const port = await freePort();
  const write = (generation: string, broken = false) => writeFileSync(join(dir, 'haproxy.config'), config(dir, port, generation, broken));
  write('one');
  const supervisor = new HaproxySupervisor({
    haproxyBinary: HAPROXY,
    configPath: join(dir, 'haproxy.config'),
    masterSocketPath: join(dir, 'master.sock'),
    adminSocketPath: join(dir, 'admin.sock'),
    pidFile: join(dir, 'haproxy.pid'),
    drainTimeoutMs,
    logger: createLogger({ format: 'json', level: 'silent' }),
  });
  cleanup = async () => {
    await supervisor.stopNow();
    for (const pid of haproxyPidsUsing(dir)) process.kill(pid, 'SIGKILL');
    tmp.remove();
  };
  await supervisor.start();
  return { dir, port, supervisor, write };
}

describe('reloading through the supervisor', () => {
  test('back to back: each returns with its new worker answering the admin socket and serving the new configuration, the master counting them', async () => {
    const { dir, port, supervisor, write } = await started();
    const seen = new Set([await workerPid(dir)]);
    for (const generation of ['two', 'three', 'four']) {
      write(generation);
      const reload = await supervisor.reload();
      if (!reload.ok) throw new Error(reload.message);
      expect(seen.has(reload.workerPid)).toBe(false);
      seen.add(reload.workerPid);
      // Asked at once: no old worker takes the admin socket's connection, and the new one serves.
      expect(await workerPid(dir)).toBe(reload.workerPid);
      expect((await get(port, 'any')).body).toBe(generation);
    }
    const proc = await supervisor.procState();
    expect(proc?.reloads).toBe(3);
    expect(proc?.workerPids).toEqual([...seen].slice(-1));
  }, 60_000);

  test('a graceful stop right after a reload is not lost while the master frees the configuration it had', async () => {
    const { port, supervisor, write } = await started(30_000);
    write('two');
    expect((await supervisor.reload()).ok).toBe(true);
    expect((await get(port, 'any')).body).toBe('two');
    const t0 = performance.now();
    // Nothing is open, so the drain ends at once; a SIGUSR1 the master lost would wait out the 30 s.
    await supervisor.stop();
    expect(performance.now() - t0).toBeLessThan(15_000);
  }, 60_000);

  test('a configuration haproxy refuses: the reload fails, the worker before keeps serving, the next good one loads', async () => {
    const { dir, port, supervisor, write } = await started();
    const first = await workerPid(dir);
    write('bad', true);
    const refused = await supervisor.reload();
    expect(refused).toEqual({ ok: false, message: 'haproxy failed to load the new configuration' });
    expect(await workerPid(dir)).toBe(first);
    expect((await get(port, 'any')).body).toBe('one');
    write('good');
    const reload = await supervisor.reload();
    expect(reload.ok).toBe(true);
    expect((await get(port, 'any')).body).toBe('good');
  }, 60_000);
});
