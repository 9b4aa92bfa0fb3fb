import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCheckBackendName } from '../../src/domain/names.ts';
import { createRuntimeClient } from '../../src/haproxy/runtime-api/runtime-client.ts';
import { checkConfig } from '../../src/haproxy/check-config.ts';
import { socketCommand } from '../../src/haproxy/runtime-api/socket-command.ts';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { killBinaryRouter, logSays, spawnBinaryRouter, type BinaryRouter } from '../support/binary-router.ts';
import { KubeTestbed, routeObject, serviceObject, sliceObject, storedIngress } from '../support/kube-harness.ts';
import { freePortPair, get } from '../support/net.ts';
import { builtRouter, haproxyPidsUsing } from '../support/processes.ts';
import { readConfigText } from '../support/config-text.ts';
import { shortTempDir } from '../support/workdir.ts';

// About 10 s on an idle 2-core host; starting 10,000 routes takes several times that when the host is busy.
setDefaultTimeout(90_000);

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Checks run on haproxy's clock and report nothing: this polls until `cond` holds. */
async function until(what: string, cond: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  for (const started = Date.now(); Date.now() - started < timeoutMs; await Bun.sleep(50)) if (await cond()) return;
  throw new Error(`timed out waiting for ${what}`);
}

/** `count` routes, each to its own service whose slice holds both pods, as manifests of 1000 routes each. */
function writeRoutes(dir: string, count: number, pods: readonly TestBackend[]): void {
  for (let file = 0; file * 1000 < count; file++) {
    const docs: string[] = [];
    for (let i = file * 1000; i < Math.min(count, (file + 1) * 1000); i++) {
      docs.push(
        JSON.stringify({ apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: `r${i}`, namespace: 'default' }, spec: { host: `r${i}.example.com`, to: { kind: 'Service', name: `s${i}` } } }),
        JSON.stringify({
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { name: `s${i}-1`, namespace: 'default', labels: { 'kubernetes.io/service-name': `s${i}` } },
          addressType: 'IPv4',
          endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
          ports: pods.map((p, k) => ({ name: `http${k}`, port: p.port, protocol: 'TCP' })),
        }),
      );
    }
    writeFileSync(join(dir, `routes-${file}.yaml`), docs.join('\n---\n'));
  }
}

/** Two pods and an empty manifest directory, each removed in teardown. */
function podsAndManifests(prefix: string): { pods: TestBackend[]; dir: ReturnType<typeof shortTempDir>; manifestsDir: string } {
  const pods = [startBackend('a'), startBackend('b')];
  cleanups.push(() => Promise.all(pods.map((p) => p.stop())));
  const dir = shortTempDir(prefix);
  cleanups.push(() => dir.remove());
  const manifestsDir = join(dir.path, 'm');
  mkdirSync(manifestsDir);
  return { pods, dir, manifestsDir };
}

/** One route whose slice has one address and a port per pod, then `idle` more ports nobody listens on (checked all the same). */
function writeWidePorts(dir: string, pods: readonly TestBackend[], idle: number): void {
  // Below the kernel's ephemeral range, where the pods' ports are: two ports alike would be one endpoint twice.
  const ports = [...pods.map((p) => p.port), ...Array.from({ length: idle }, (_, i) => 20_000 + i)];
  const docs = [
    { apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'wide', namespace: 'default' }, spec: { host: 'wide.example.com', to: { kind: 'Service', name: 'wide' } } },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'wide-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'wide' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
      ports: ports.map((port, k) => ({ name: `p${k}`, port, protocol: 'TCP' })),
    },
  ];
  writeFileSync(join(dir, '.next'), docs.map((d) => JSON.stringify(d)).join('\n---\n'));
  renameSync(join(dir, '.next'), join(dir, 'wide.yaml'));
}

/** The worker's `show info` fields that say which worker runs, and with which connection limits. */
async function workerLimits(socket: string): Promise<{ pid: number; maxconn: number; hard: number }> {
  const info = await socketCommand(socket, 'show info');
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(info)?.[1]);
  return { pid: field('Pid'), maxconn: field('Maxconn'), hard: field('Hard_maxconn') };
}

describe('health checks under a lowered open-file limit', () => {
  test('checks that cross a step of the descriptor budget lower maxconn live, and fewer raise it back, without a reload', async () => {
    const { pods, dir, manifestsDir } = podsAndManifests('fdm');
    // 900 checked endpoints and 121 free check slots: 1,021 checks, in the budget's first step of 1,024.
    writeWidePorts(manifestsDir, pods, 898);
    const [httpPort, httpsPort] = await freePortPair();
    const router = spawnBinaryRouter({
      manifestsDir,
      workingDir: join(dir.path, 'w'),
      httpPort,
      httpsPort,
      openFileLimit: 8192,
      // The idle ports' checks fail; an interval this long keeps their servers up for the test's length.
      env: { ROUTER_BACKEND_CHECK_INTERVAL: '600s' },
      args: ['--loglevel=debug'],
    });
    cleanups.push(() => killBinaryRouter(router));
    await router.ready();
    const socket = join(router.runDir, 'haproxy.sock');
    const before = await workerLimits(socket);
    expect(before).toEqual({ pid: before.pid, maxconn: Math.floor((8192 - 1000 - 1024) / 2), hard: before.maxconn });
    const fullCommits = () => router.lines.filter(logSays('full commit:')).length;
    const fullAtStart = fullCommits();

    // Five more: 1,027 checks take the next step, 1,024 more descriptors, 512 fewer connections.
    writeWidePorts(manifestsDir, pods, 903);
    const lowered = before.maxconn - 512;
    await until('maxconn lowered', async () => (await workerLimits(socket)).maxconn === lowered);
    expect(await workerLimits(socket)).toEqual({ ...before, maxconn: lowered });
    const config = join(dir.path, 'w', 'conf', 'haproxy.config');
    await until('the configuration on disk to say so', async () => readConfigText(config).includes(`maxconn ${lowered}\n`));
    expect(await checkConfig('haproxy', config)).toEqual({ ok: true, output: [] });

    writeWidePorts(manifestsDir, pods, 898);
    await until('maxconn raised back', async () => (await workerLimits(socket)).maxconn === before.maxconn);
    expect(await workerLimits(socket)).toEqual(before);
    // Each change was planned from itself, not by the whole configuration's step.
    expect(fullCommits()).toBe(fullAtStart);
  });


  test('10,000 routes x 2 endpoints serve with health checks on under 8192 descriptors; a pod failing its check leaves every route', async () => {
    const { pods, dir, manifestsDir } = podsAndManifests('fdl');
    writeRoutes(manifestsDir, 10_000, pods);
    const [httpPort, httpsPort] = await freePortPair();
    const router: BinaryRouter = spawnBinaryRouter({
      manifestsDir,
      workingDir: join(dir.path, 'w'),
      httpPort,
      httpsPort,
      openFileLimit: 8192,
      env: { ROUTER_BACKEND_CHECK_INTERVAL: '200ms' },
    });
    cleanups.push(() => killBinaryRouter(router));
    await router.ready();
    await router.waitForLine(logSays('the open-file limit is 8192'));

    const socket = join(router.runDir, 'haproxy.sock');
    const checkRows = async () => (await createRuntimeClient(socket).showServersState()).filter((s) => isCheckBackendName(s.backend));
    const checks = (await checkRows()).filter((s) => s.healthCheck === 'enabled' && s.adminState === 0);
    expect(checks.map((s) => s.port).sort()).toEqual(pods.map((p) => p.port).sort());
    const maxsock = Number(/^Maxsock: (\d+)$/m.exec(await socketCommand(socket, 'show info'))?.[1]);
    expect(maxsock).toBeLessThanOrEqual(8192);

    const sample = [0, 1234, 5000, 9999].map((i) => `r${i}.example.com`);
    for (const host of sample) {
      const seen = new Set<string | null>();
      for (let i = 0; i < 12; i++) seen.add((await get(httpPort, host)).backend);
      expect([host, [...seen].sort()]).toEqual([host, ['a', 'b']]);
    }

    await pods[0]?.stop();
    await until("pod a's check to fail", async () => (await checkRows()).some((s) => s.port === pods[0]?.port && s.operState === 0));
    for (const i of [0, 17, 4242, 9999]) {
      for (let k = 0; k < 4; k++) expect((await get(httpPort, `r${i}.example.com`)).backend).toBe('b');
    }
  });

  test('when descriptors run out, the newest routes are refused with a reason in their status and the log; the others serve', async () => {
    const bed = new KubeTestbed();
    cleanups.push(() => bed.teardown());
    const api = await bed.startApi();
    const names = ['r1', 'r2', 'r3', 'r4', 'r5'];
    const pods = names.map((n) => bed.startBackend(n));
    names.forEach((name, i) => {
      api.server.create(serviceObject(name));
      api.server.create(sliceObject({ service: name, port: pods[i]?.port ?? 0 }));
      api.server.create(routeObject({ name, host: `${name}.example.com`, creationTimestamp: `2026-01-0${i + 1}T00:00:00Z` }));
    });
    const dir = shortTempDir('fdx');
    const runDir = join(dir.path, 'w', 'run');
    cleanups.push(() => dir.remove());
    const [httpPort, httpsPort] = await freePortPair();
    // 1000 reserved, 2 x 100 connections, 16 free check slots, and 3 checks: room for three routes' pods.
    const limit = 1000 + 200 + 16 + 3;
    const proc = Bun.spawn(
      [
        ...['prlimit', `--nofile=${limit}:${limit}`, '--', builtRouter()],
        `--master=${api.server.url}`,
        `--token=${api.token}`,
        `--certificate-authority=${api.caFile}`,
        '--allow-loopback-endpoints',
        '--bind-address=127.0.0.1',
        `--http-port=${httpPort}`,
        `--https-port=${httpsPort}`,
        `--working-dir=${join(dir.path, 'w')}`,
        '--log-format=json',
        '--interval=0s',
      ],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin:/usr/sbin:/sbin', ROUTER_GRACEFUL_SHUTDOWN_DELAY: '0s' }, stdout: 'pipe', stderr: 'ignore' },
    );
    cleanups.push(() => {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      for (const pid of haproxyPidsUsing(runDir)) process.kill(pid, 'SIGKILL');
    });
    const log = new Response(proc.stdout).text();

    const condition = (name: string) => storedIngress(api.server, 'default', name)[0]?.conditions?.[0];
    await until('the status of r4 and r5', async () => condition('r4') !== undefined && condition('r5') !== undefined);
    for (const name of ['r4', 'r5']) {
      expect(condition(name)).toMatchObject({ type: 'Admitted', status: 'False', reason: 'RouteNotAdmitted', message: expect.stringContaining(`open-file limit (${limit})`) });
    }
    for (const name of ['r1', 'r2', 'r3']) expect((await get(httpPort, `${name}.example.com`)).backend).toBe(name);
    for (const name of ['r4', 'r5']) expect((await get(httpPort, `${name}.example.com`)).status).toBe(503);

    // The oldest route leaves: its pod's check makes room for the next-oldest refused route.
    api.server.remove('Route', 'default', 'r1');
    await until('r4 to serve', async () => (await get(httpPort, 'r4.example.com')).backend === 'r4');
    await until('the status of r4', async () => condition('r4')?.status === 'True');
    expect((await get(httpPort, 'r5.example.com')).status).toBe(503);

    proc.kill('SIGTERM');
    await proc.exited;
    expect(await log).toMatch(/route default\/r5 rejected: RouteNotAdmitted: not served: the health checks of its endpoints/);
  });
});
