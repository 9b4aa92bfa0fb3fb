/**
 * install.sh and packaging/router.service under a real systemd (a host made
 * of namespaces and an overlay: test/support/systemd-host.ts): the unit's
 * readiness, user and capabilities, an upgrade by install.sh and a router
 * SIGKILLed, both under steady load with a request in flight, and a stop.
 * Skipped, with the reason, where this machine cannot make such a host.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { routeYaml, sliceYaml } from '../support/manifests.ts';
import { builtRouter } from '../support/processes.ts';
import { writeRelease } from '../support/release-server.ts';
import { bootSystemdHost, systemdHostUnavailable, type SystemdHost } from '../support/systemd-host.ts';
import { startTrafficAgent, type TrafficAgent } from '../support/systemd/traffic-client.ts';
import { shortTempDir } from '../support/workdir.ts';

const HOST = 'app.example.com';
const UNIT = 'router';
const unavailable = systemdHostUnavailable();
if (unavailable) console.warn(`systemd host tests skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('a router host run by systemd', () => {
  const share = shortTempDir('sdshare');
  let host: SystemdHost;
  let traffic: TrafficAgent;

  const inside = async (...cmd: string[]) => {
    const r = await host.run(cmd);
    if (r.code !== 0) {
      const journal = await host.run(['journalctl', '-u', UNIT, '-n', '40', '--no-pager']);
      throw new Error(`${cmd.join(' ')} exited ${r.code}: ${r.stdout}${r.stderr}\n${journal.stdout}`);
    }
    return r.stdout;
  };
  const install = (...args: string[]) => inside('sh', '/srv/test/install.sh', '--base-url', '/srv/test/release', ...args);
  const mainPid = async () => Number(await host.unitProperty(UNIT, 'MainPID'));
  /** The unit active again under a main process other than `old`. */
  const restartedFrom = async (old: number) => {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await Bun.sleep(100)) {
      const pid = await mainPid();
      if (pid !== 0 && pid !== old && (await host.unitProperty(UNIT, 'ActiveState')) === 'active') return pid;
    }
    throw new Error(`${UNIT} did not come back after main pid ${old}`);
  };
  /** The masters inside once the old one has finished its connections. */
  const mastersSettled = async () => {
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await Bun.sleep(100)) {
      const masters = await host.haproxyMasters();
      if (masters.length <= 1) return masters;
    }
    return host.haproxyMasters();
  };

  /**
   * After a router was replaced under load: the held request completes, the
   * old master leaves, the one master left is the new router's child, and no
   * request failed.
   */
  const expectNothingLost = async (oldMaster: number, newMain: number) => {
    expect(await traffic.ask('release')).toMatchObject({ status: 200, backend: 'app' });
    const masters = await mastersSettled();
    expect(masters).toHaveLength(1);
    expect(masters).not.toContain(oldMaster);
    expect((await inside('ps', '-o', 'ppid=', '-p', String(masters[0]))).trim()).toBe(String(newMain));
    const result = await traffic.ask<{ ok: number; failures: string[]; retried: string[] }>('stop');
    if (result.failures.length > 0) {
      // What the routers and haproxy said around the failure: a lost request at a takeover is rare and timing-bound.
      const journal = await host.run(['journalctl', '-u', UNIT, '-n', '200', '--no-pager', '-o', 'short-iso-precise']);
      console.warn(`requests failed; the unit's journal:\n${journal.stdout}`);
    }
    expect(result.failures).toEqual([]);
    // The keep-alive connection at most once met haproxy closing it as idle, and its request went again (load.ts).
    expect(result.retried.length).toBeLessThanOrEqual(1);
    expect(result.ok).toBeGreaterThan(30);
  };

  beforeAll(async () => {
    // The router's user reads the manifests.
    chmodSync(share.path, 0o755);
    const release = join(share.path, 'release');
    mkdirSync(release);
    writeRelease(release, readFileSync(builtRouter()));
    copyFileSync(resolve(import.meta.dir, '../../install.sh'), join(share.path, 'install.sh'));
    mkdirSync(join(share.path, 'm'));
    host = await bootSystemdHost(share.path);
    traffic = await startTrafficAgent(host, HOST);
    writeFileSync(join(share.path, 'm', 'app.yaml'), `${routeYaml({ name: 'app', host: HOST })}---\n${sliceYaml({ service: 'app', ports: [traffic.backendPort] })}`);
  }, 120_000);

  afterAll(async () => {
    await traffic?.close();
    await host?.stop();
    share.remove();
  });

  test('install.sh installs and starts the unit: the router runs as its user, haproxy binds port 80, and serves once systemctl start returns', async () => {
    expect(await install('--no-start')).toContain('not started (--no-start)');
    await inside(
      'sh',
      '-c',
      'printf "%s\\n" ROUTER_MANIFESTS_DIR=/srv/test/m ROUTER_ARGS=--allow-loopback-endpoints ROUTER_GRACEFUL_SHUTDOWN_DELAY=1s >>/etc/router/router.env',
    );
    // Type=notify: start returns once the router said READY=1, after its first configuration serves.
    await inside('systemctl', 'start', UNIT);
    expect(await traffic.ask('get')).toMatchObject({ status: 200, backend: 'app' });
    const pid = await mainPid();
    expect((await inside('ps', '-o', 'user=', '-p', String(pid))).trim()).toBe('router');
    const masters = await host.haproxyMasters();
    expect(masters).toHaveLength(1);
    expect((await inside('ps', '-o', 'user=,ppid=', '-p', String(masters[0]))).trim().split(/\s+/)).toEqual(['router', String(pid)]);
    // WatchdogSec: systemd has heard WATCHDOG=1 from the router (it stamps each one).
    expect((await inside('systemctl', 'show', '-p', 'WatchdogUSec', '-p', 'WatchdogTimestampMonotonic', UNIT)).trim().split('\n').sort()).toEqual([
      expect.stringMatching(/^WatchdogTimestampMonotonic=[1-9]\d*$/),
      'WatchdogUSec=1min',
    ]);
  }, 120_000);

  test('an upgrade by install.sh under load: the new router takes haproxy over, no request fails, the one in flight completes', async () => {
    await traffic.ask('load');
    await traffic.ask('hold');
    const before = await mainPid();
    const oldMaster = (await host.haproxyMasters())[0] as number;

    const out = await install();
    expect(out).toContain('keeping /etc/router/router.env');
    expect(out).toContain('handing over');
    const after = await restartedFrom(before);
    await traffic.ask('progressed');
    expect(await host.haproxyMasters()).toContain(oldMaster);

    await expectNothingLost(oldMaster, after);
  }, 180_000);

  test('a router SIGKILLed: systemd starts another, which takes haproxy over; no request fails', async () => {
    await traffic.ask('load');
    await traffic.ask('hold');
    const before = await mainPid();
    const oldMaster = (await host.haproxyMasters())[0] as number;

    await inside('systemctl', 'kill', '--kill-who=main', '-s', 'SIGKILL', UNIT);
    const after = await restartedFrom(before);
    await traffic.ask('progressed');

    await expectNothingLost(oldMaster, after);
  }, 180_000);

  test('systemctl stop stops haproxy with the router; --uninstall removes the binary and the unit and keeps the env file; installed again, it runs', async () => {
    await inside('systemctl', 'stop', UNIT);
    expect(await host.haproxyMasters()).toEqual([]);
    // A kubeconfig the README has the operator give the router's group: the group must outlive the uninstall.
    await inside('sh', '-c', 'echo token >/etc/router/kubeconfig && chgrp router /etc/router/kubeconfig && chmod 0640 /etc/router/kubeconfig');
    const removed = await install('--uninstall');
    expect(removed).toContain('kept the router user and group: /etc/router/kubeconfig');
    expect(await inside('getent', 'group', 'router')).toStartWith('router:');
    const left = await inside('sh', '-c', 'ls /usr/local/bin/router /etc/systemd/system/router.service /etc/router/router.env 2>&1; true');
    expect(left).toContain("cannot access '/usr/local/bin/router'");
    expect(left).toContain("cannot access '/etc/systemd/system/router.service'");
    expect(left).toMatch(/^\/etc\/router\/router\.env$/m);

    // The kept env file names the manifest directory the uninstall removed (empty): the install makes it again.
    await install();
    expect(await host.unitProperty(UNIT, 'ActiveState')).toBe('active');
  }, 120_000);
});
