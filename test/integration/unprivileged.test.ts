import { afterAll, expect, test } from 'bun:test';
import { chmodSync, chownSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeYaml } from '../support/manifests.ts';
import { builtRouter, haproxyPidsUsing } from '../support/processes.ts';
import { shortTempDir } from '../support/workdir.ts';

/** nobody: a user without any privilege, as the unit's `router` user is. */
const UID = 65534;
const GID = 65534;

const dir = shortTempDir('unpriv');
afterAll(() => dir.remove());

/** Real and effective UID of a process, from /proc. */
function uidOf(pid: number): string {
  return /^Uid:\s+(\d+)\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))!.slice(1, 3).join(' ');
}

// What router.service relies on: User=router with AmbientCapabilities=CAP_NET_BIND_SERVICE and nothing else is
// enough for haproxy, the router's child, to bind 80 and 443. In its own network namespace, so those ports are free.
test('as an unprivileged user with only CAP_NET_BIND_SERVICE, as the unit runs it, haproxy binds 80 and 443', async () => {
  chmodSync(dir.path, 0o755);
  const binary = join(dir.path, 'router');
  copyFileSync(builtRouter(), binary);
  const manifests = join(dir.path, 'm');
  const workingDir = join(dir.path, 'w');
  mkdirSync(manifests);
  mkdirSync(workingDir);
  chownSync(workingDir, UID, GID);
  writeFileSync(join(manifests, 'app.yaml'), routeYaml({ name: 'app', host: 'app.example.com' }));

  const router = [binary, `--manifests=${manifests}`, `--working-dir=${workingDir}`, '--log-format=json', '--interval=100ms'];
  const setpriv = ['setpriv', `--reuid=${UID}`, `--regid=${GID}`, '--clear-groups', '--inh-caps=+net_bind_service', '--ambient-caps=+net_bind_service'];
  // unshare and sh exec into setpriv, which execs the router: the PID is the router's.
  const proc = Bun.spawn(['unshare', '-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...setpriv, ...router], {
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  try {
    let out = '';
    for await (const chunk of proc.stdout.pipeThrough(new TextDecoderStream())) {
      out += chunk;
      if (out.includes('router ready')) break;
    }
    expect(out).toContain('router ready: serving 1 routes on port 80');
    expect(uidOf(proc.pid)).toBe(`${UID} ${UID}`);
    const master = Number(readFileSync(join(workingDir, 'run/haproxy.pid'), 'utf8'));
    expect(uidOf(master)).toBe(`${UID} ${UID}`);

    // From inside the router's network namespace: no route has endpoints, so haproxy answers 503 on both ports.
    const inside = (args: string[]) => Bun.spawnSync(['nsenter', `--net=/proc/${proc.pid}/ns/net`, 'curl', '-sk', '-o', '/dev/null', '-w', '%{http_code}', ...args]).stdout.toString();
    expect(inside(['-H', 'Host: app.example.com', 'http://127.0.0.1:80/'])).toBe('503');
    expect(inside(['--resolve', 'app.example.com:443:127.0.0.1', 'https://app.example.com:443/'])).toBe('503');

    proc.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  } finally {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    for (const pid of haproxyPidsUsing(join(workingDir, 'run'))) process.kill(pid, 'SIGKILL');
  }
});
