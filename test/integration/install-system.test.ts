import { afterAll, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fakeHost, type FakeHost } from '../support/fake-host.ts';
import { runInstaller } from '../support/installer.ts';
import { fakeRouterBinary, writeRelease } from '../support/release-server.ts';
import { listTree } from '../support/tree.ts';
import { shortTempDir } from '../support/workdir.ts';

/**
 * install.sh as on a real host (no --root), in a mount namespace whose /etc,
 * /usr/local and /var/lib are overlays and whose systemctl, useradd and
 * friends are stand-ins (test/support/fake-host.ts): what it asks systemd to
 * do, and in which order, is what these tests check.
 */

const tmp = shortTempDir('insys');
afterAll(() => tmp.remove());
const fresh = (name: string) => mkdtempSync(join(tmp.path, `${name}-`));
const packagedUnit = readFileSync(resolve(import.meta.dir, '../../packaging/router.service'), 'utf8');

const v1 = writeRelease(fresh('v1'), fakeRouterBinary('1.0.0-fake'));
const v2 = writeRelease(fresh('v2'), fakeRouterBinary('2.0.0-fake'));

/** `path` replaces the host's PATH after the stand-ins (to hide the real haproxy in /usr/sbin). */
function run(host: FakeHost, args: string[], path?: string) {
  return runInstaller(args, { scratchParent: tmp.path, pathFirst: [host.bin], env: { ...host.env, ...(path ? { PATH: `${host.bin}:${path}` } : {}) }, wrap: host.wrap });
}

/** The stand-in calls that change something; the questions (is-active, show, getent, haproxy -v) are left out. */
const changes = (calls: string[]) => calls.filter((c) => !/^(systemctl (is-active|is-enabled|show)|getent|haproxy) /.test(c));

/** Files the installer left on the host, without the directories the overlays copied up. */
const files = (host: FakeHost) => host.written().filter((e) => !e.startsWith('d '));

const INSTALLED = ['f 0600 /etc/router/router.env', 'f 0644 /etc/systemd/system/router.service', 'f 0755 /usr/local/bin/router'];

test('a fresh install creates the user, installs the files, enables and starts the unit', async () => {
  const host = fakeHost(fresh('host'));
  const r = await run(host, ['--base-url', v1]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(changes(host.takeCalls())).toEqual([
    'useradd --system --user-group --home-dir /var/lib/router --no-create-home --shell /usr/sbin/nologin router',
    'chown router:router /var/lib/router',
    'systemctl daemon-reload',
    'systemctl enable --quiet router.service',
    'systemctl start router.service',
  ]);
  expect(files(host)).toEqual(INSTALLED);
  expect(host.written()).toContain('d 0750 /var/lib/router');
  expect(host.written()).toContain('d 0755 /etc/router/manifests');
  expect(host.file('/etc/systemd/system/router.service')).toBe(packagedUnit);
  expect(host.file('/usr/local/bin/router')).toBe(fakeRouterBinary('1.0.0-fake'));
  for (const dir of r.scratch) expect(listTree(dir)).toEqual([]);
});

test('an upgrade of a running router replaces the binary and hands over with SIGUSR2 to the main process only', async () => {
  const host = fakeHost(fresh('host'));
  expect((await run(host, ['--base-url', v1])).code).toBe(0);
  host.takeCalls();
  const before = host.mainPid();

  const r = await run(host, ['--base-url', v2]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('handing over');
  expect(changes(host.takeCalls())).toEqual(['chown router:router /var/lib/router', 'systemctl daemon-reload', 'systemctl kill --kill-who=main -s SIGUSR2 router.service']);
  expect(host.mainPid()).not.toBe(before);
  expect(files(host)).toEqual(INSTALLED);
  expect(host.file('/usr/local/bin/router')).toBe(fakeRouterBinary('2.0.0-fake'));
});

test('an upgrade of a router the operator stopped and disabled (a standby host) leaves it stopped and disabled', async () => {
  const host = fakeHost(fresh('host'));
  expect((await run(host, ['--base-url', v1])).code).toBe(0);
  host.tool(['systemctl', 'disable', '--now', 'router.service']);
  host.takeCalls();
  const r = await run(host, ['--base-url', v2]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('the router was not running and is left so: systemctl start router');
  expect(changes(host.takeCalls())).toEqual(['chown router:router /var/lib/router', 'systemctl daemon-reload']);
  expect(host.mainPid()).toBeUndefined();
  expect(host.file('/usr/local/bin/router')).toBe(fakeRouterBinary('2.0.0-fake'));
});

test('--no-start installs and enables, but starts nothing', async () => {
  const host = fakeHost(fresh('host'));
  const r = await run(host, ['--base-url', v1, '--no-start']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('not started (--no-start)');
  expect(changes(host.takeCalls()).filter((c) => c.startsWith('systemctl '))).toEqual(['systemctl daemon-reload', 'systemctl enable --quiet router.service']);
  expect(host.mainPid()).toBeUndefined();
});

test('a unit that fails to start is undone with everything else: unit stopped and disabled, files and user removed', async () => {
  const host = fakeHost(fresh('host'));
  host.failStart();
  const r = await run(host, ['--base-url', v1]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('failed while starting router.service (journalctl -u router says why it did not)');
  expect(changes(host.takeCalls()).slice(-5)).toEqual([
    'systemctl start router.service',
    'systemctl stop router.service',
    'systemctl disable --quiet router.service',
    'systemctl daemon-reload',
    'userdel router',
  ]);
  expect(files(host)).toEqual([]);
  expect(host.written().filter((e) => /\/(router|manifests)$/.test(e))).toEqual([]);
});

test('--uninstall stops and disables the unit, removes the files and the user, and keeps the env file', async () => {
  const host = fakeHost(fresh('host'));
  expect((await run(host, ['--base-url', v1])).code).toBe(0);
  host.takeCalls();
  const r = await run(host, ['--uninstall']);
  expect(r.code).toBe(0);
  expect(changes(host.takeCalls())).toEqual([
    'systemctl disable --now --quiet router.service',
    'systemctl kill --kill-who=all -s SIGTERM router.service',
    'systemctl daemon-reload',
    'systemctl reset-failed router.service',
    'userdel router',
  ]);
  expect(files(host)).toEqual(['f 0600 /etc/router/router.env']);
  expect(host.written()).not.toContain('d 0750 /var/lib/router');
});

test('haproxy missing: installed with the package manager, and the distribution\'s haproxy.service disabled', async () => {
  const host = fakeHost(fresh('host'), { haproxy: null });
  const r = await run(host, ['--base-url', v1], '/usr/bin:/bin');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(changes(host.takeCalls()).slice(0, 3)).toEqual(['apt-get update -qq', 'apt-get install -y -qq haproxy', 'systemctl disable --now haproxy.service']);
  expect(files(host)).toEqual(INSTALLED);
});

test('a run while another holds the lock is refused before anything is installed', async () => {
  const host = fakeHost(fresh('host'));
  // The holder keeps its own descriptor on the lock file while the installer runs as its child.
  const holdingTheLock = (cmd: string[]) => host.wrap(['sh', '-c', 'exec 8>>/run/router-install.lock && flock 8 && exec "$@"', 'sh', ...cmd]);
  const r = await runInstaller(['--base-url', v1], { scratchParent: tmp.path, pathFirst: [host.bin], env: host.env, wrap: holdingTheLock });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('another install.sh run holds /run/router-install.lock: wait for it to finish');
  expect(changes(host.takeCalls())).toEqual([]);
  expect(files(host)).toEqual([]);
  expect((await run(host, ['--base-url', v1])).code).toBe(0);
});

test('haproxy older than 2.6 is refused before anything is installed', async () => {
  const host = fakeHost(fresh('host'), { haproxy: '2.2.9-2+deb11u6' });
  const r = await run(host, ['--base-url', v1]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('HAProxy version 2.2.9-2+deb11u6 2025/01/01 - https://haproxy.org/ is older than 2.6');
  expect(changes(host.takeCalls())).toEqual([]);
  expect(files(host)).toEqual([]);
});
