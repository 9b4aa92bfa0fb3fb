import { afterAll, afterEach, describe, expect, test } from 'bun:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { notifySocketAddress } from '../../src/systemd/notify-address.ts';
import { systemdNotifier } from '../../src/systemd/notify.ts';
import { sendUnixDatagram } from '../../src/systemd/unix-datagram.ts';
import { startBackend } from '../support/backend.ts';
import { captureLogs } from '../support/log-capture.ts';
import { routeYaml, sliceYaml } from '../support/manifests.ts';
import { freePortPair, get } from '../support/net.ts';
import { startNotifyPeer, type NotifyPeer } from '../support/notify-peer.ts';
import { builtRouter, haproxyPidsUsing } from '../support/processes.ts';
import { shortTempDir } from '../support/workdir.ts';

const dir = shortTempDir('sdn');
afterAll(() => dir.remove());

let peers: NotifyPeer[] = [];
afterEach(() => {
  for (const peer of peers) peer.stop();
  peers = [];
});
async function peer(socket: string): Promise<NotifyPeer> {
  const p = await startNotifyPeer(socket);
  peers.push(p);
  return p;
}

function address(socket: string): Uint8Array {
  const target = notifySocketAddress(socket);
  if (!target.ok) throw new Error(target.reason);
  return target.address;
}

describe('notifications on a real datagram socket', () => {
  test.each([
    ['a filesystem socket', () => join(dir.path, 'fs.sock')],
    ['an abstract socket', () => `@router-test-${process.pid}-${Date.now()}`],
  ])('reach %s, sent by this process itself', async (_name, socketName) => {
    const p = await peer(socketName());
    const { logger } = captureLogs();
    const notifier = systemdNotifier({ NOTIFY_SOCKET: p.socket }, logger);
    notifier.ready();
    notifier.stopping();
    expect(await p.waitFor('READY=1')).toEqual({ pid: process.pid, message: 'READY=1' });
    expect(await p.waitFor('STOPPING=1')).toEqual({ pid: process.pid, message: 'STOPPING=1' });
  });

  test('a socket nobody bound is an error naming errno', () => {
    expect(() => sendUnixDatagram(address(join(dir.path, 'nobody.sock')), 'READY=1')).toThrow('sendto failed: ENOENT');
  });

  test('a socket whose reader is gone is an error, and the notifier only warns', async () => {
    const socket = join(dir.path, 'gone.sock');
    const p = await peer(socket);
    p.stop();
    await p.exited;
    expect(() => sendUnixDatagram(address(socket), 'READY=1')).toThrow('sendto failed: ECONNREFUSED');
    const capture = captureLogs();
    systemdNotifier({ NOTIFY_SOCKET: socket }, capture.logger).ready();
    expect(capture.logs.map((l) => [l.level, l.msg])).toEqual([['warn', `could not tell systemd READY=1 on ${socket}: sendto failed: ECONNREFUSED`]]);
  });
});

test('dist/router says READY=1 once it serves and STOPPING=1 when a stop begins, from its own PID', async () => {
  const binary = builtRouter();
  const backend = startBackend('notified');
  const run = shortTempDir('sdr');
  const manifests = join(run.path, 'm');
  const workingDir = join(run.path, 'w');
  mkdirSync(manifests);
  writeFileSync(join(manifests, 'app.yaml'), routeYaml({ name: 'app', host: 'app.example.com' }) + '---\n' + sliceYaml({ service: 'app', ports: [backend.port] }));
  const p = await peer(join(run.path, 'notify.sock'));
  const [httpPort, httpsPort] = await freePortPair();
  const proc = Bun.spawn(
    [binary, `--manifests=${manifests}`, `--working-dir=${workingDir}`, '--bind-address=127.0.0.1', `--http-port=${httpPort}`, `--https-port=${httpsPort}`, '--log-format=json', '--interval=100ms'],
    { cwd: run.path, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NOTIFY_SOCKET: p.socket }, stdout: 'ignore', stderr: 'pipe' },
  );
  try {
    const ready = await Promise.race([p.waitFor('READY=1'), proc.exited.then(async (code) => Promise.reject(new Error(`router exited ${code}: ${await new Response(proc.stderr).text()}`)))]);
    expect(ready.pid).toBe(proc.pid);
    // Ready means serving: the first request after READY=1 already reaches the backend.
    expect((await get(httpPort, 'app.example.com', '/')).body).toBe('notified /\n');
    expect(p.received.map((n) => n.message)).toEqual(['READY=1']);

    proc.kill('SIGTERM');
    expect(await p.waitFor('STOPPING=1')).toEqual({ pid: proc.pid, message: 'STOPPING=1' });
    expect(await proc.exited).toBe(0);
    expect(p.received.map((n) => n.message)).toEqual(['READY=1', 'STOPPING=1']);
  } finally {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    for (const pid of haproxyPidsUsing(join(workingDir, 'run'))) process.kill(pid, 'SIGKILL');
    await backend.stop();
    run.remove();
  }
});
