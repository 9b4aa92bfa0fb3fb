import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { closeSync, constants, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import { servingCertificateFile, servingPem } from '../../src/config/certificates.ts';
import { isCheckBackendName, isRouteBackendName } from '../../src/domain/names.ts';
import { checkConfig } from '../../src/haproxy/check-config.ts';
import { socketCommand } from '../../src/haproxy/runtime-api/socket-command.ts';
import { createRuntimeClient, type RuntimeClient } from '../../src/haproxy/runtime-api/runtime-client.ts';
import { startBackend, startTlsBackend, type TestBackend } from '../support/backend.ts';
import { startHeldBackend } from '../support/runtime/held-backend.ts';
import { untilNoServerWaits } from '../support/runtime/waiting-servers.ts';
import { makeCA, makeLeaf, makeSelfSignedLeaf } from '../support/certs.ts';
import { routeJson, routeYaml, sliceYaml } from '../support/manifests.ts';
import { tlsGet } from '../support/tls-client.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';
import { shortTempDir } from '../support/workdir.ts';

let a: TestBackend;
let b: TestBackend;
let t: TestRouter | undefined;

beforeAll(() => {
  a = startBackend('a');
  b = startBackend('b');
});
afterEach(async () => {
  await t?.stop();
  t = undefined;
});
afterAll(async () => {
  await a.stop();
  await b.stop();
});

const workerPids = async (tr: TestRouter) => (await tr.router.supervisor.procState())?.workerPids;

/** Which backends answer `requests` requests for a host (new connection each, so balancing is visible). */
async function spread(tr: TestRouter, host: string, requests = 30): Promise<Record<string, number>> {
  const seen: Record<string, number> = {};
  for (let i = 0; i < requests; i++) {
    const res = await tr.get(host);
    const key = res.backend ?? String(res.status);
    seen[key] = (seen[key] ?? 0) + 1;
  }
  return seen;
}

/** The edge route `e` of e.example.com on service r, with its own certificate or the default one. */
const edgeRoute = (cert?: { cert: string; key: string }) =>
  routeJson({ name: 'e', host: 'e.example.com', service: 'r', tls: { termination: 'edge', ...(cert ? { certificate: cert.cert, key: cert.key } : {}) } });

function weightedRoute(wa: number, wb: number, name = 'w'): string {
  return JSON.stringify({
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: { name, namespace: 'default' },
    spec: { host: `${name}.example.com`, to: { kind: 'Service', name: 'sa', weight: wa }, alternateBackends: [{ kind: 'Service', name: 'sb', weight: wb }] },
  });
}

describe('endpoint changes go through the runtime API', () => {
  test('scale up and down: traffic follows, the worker is never replaced', async () => {
    t = await startTestRouter({ manifests: { 'r.yaml': routeYaml({ name: 'r', host: 'r.example.com' }), 'eps.yaml': sliceYaml({ service: 'r', ports: [a.port] }) } });
    const pids = await workerPids(t);
    expect(await spread(t, 'r.example.com')).toEqual({ a: 30 });

    await t.write('eps.yaml', sliceYaml({ service: 'r', ports: [a.port, b.port] }));
    expect(t.router.lastCommit()?.result).toBe('runtime');
    expect(Object.keys(await spread(t, 'r.example.com')).sort()).toEqual(['a', 'b']);

    await t.write('eps.yaml', sliceYaml({ service: 'r', ports: [b.port] }));
    expect(t.router.lastCommit()?.result).toBe('runtime');
    expect(await spread(t, 'r.example.com')).toEqual({ b: 30 });

    await t.write('eps.yaml', sliceYaml({ service: 'r', ports: [] }));
    expect((await t.get('r.example.com')).status).toBe(503);
    await t.write('eps.yaml', sliceYaml({ service: 'r', ports: [a.port] }));
    expect(await spread(t, 'r.example.com', 5)).toEqual({ a: 5 });

    expect(await workerPids(t)).toEqual(pids);
    expect(t.router.reloadCounts.size).toBe(0);
  });

  test('a pod that comes back while its server still waits to be deleted is revived, not reloaded', async () => {
    const held = startHeldBackend('held');
    try {
      t = await startTestRouter({ manifests: { 'r.yaml': routeYaml({ name: 'r', host: 'r.example.com' }), 'eps.yaml': sliceYaml({ service: 'r', ports: [held.port] }) } });
      const inFlight = t.get('r.example.com', '/hold');
      const release = await held.nextHold();
      // The pod leaves while a request is open on it: its deletion has to wait.
      await t.write('eps.yaml', sliceYaml({ service: 'r', ports: [a.port] }));
      expect(t.router.lastCommit()?.result).toBe('runtime');
      await t.write('eps.yaml', sliceYaml({ service: 'r', ports: [held.port] }));
      expect(t.router.lastCommit()?.result).toBe('runtime');
      release();
      expect((await inFlight).status).toBe(200);
      expect(await spread(t, 'r.example.com', 5)).toEqual({ held: 5 });
      expect(t.router.reloadCounts.size).toBe(0);
    } finally {
      await held.stop();
    }
  });

  test("a pod revived alone follows its pod's check, which stops running, as for a lone server added", async () => {
    const held = startHeldBackend('held');
    try {
      t = await startTestRouter({ manifests: { 'r.yaml': routeYaml({ name: 'r', host: 'r.example.com' }), 'eps.yaml': sliceYaml({ service: 'r', ports: [held.port] }) } });
      await t.write('eps.yaml', sliceYaml({ service: 'r', ports: [held.port, a.port] }));
      const toHeld = await cookieFor(t, 'r.example.com', 'held');
      const inFlight = t.get('r.example.com', '/hold', { Cookie: toHeld });
      const release = await held.nextHold();
      await t.write('eps.yaml', sliceYaml({ service: 'r', ports: [a.port] }));
      await t.write('eps.yaml', sliceYaml({ service: 'r', ports: [held.port] }));
      expect(t.router.lastCommit()?.result).toBe('runtime');
      const client = createRuntimeClient(join(t.workingDir, 'run', 'haproxy.sock'));
      const state = await client.showServersState('be_http:default:r');
      // `a`'s server may still wait for its deletion (haproxy refuses it while idle connections to the pod close), in maintenance.
      expect(state.filter((s) => s.port !== held.port).every((s) => (s.adminState & 1) === 1)).toBe(true);
      expect(state.filter((s) => s.port === held.port).map((s) => [s.server.split(':')[0], s.port, s.healthCheck])).toEqual([['ept', held.port, 'none']]);
      const checks = (await client.showServersState()).filter((s) => isCheckBackendName(s.backend) && s.port === held.port);
      expect(checks.map((s) => [s.healthCheck, s.operState])).toEqual([['disabled', 2]]);
      release();
      expect((await inFlight).status).toBe(200);
      expect(t.router.reloadCounts.size).toBe(0);
    } finally {
      await held.stop();
    }
  });

  test('a pod that comes back while still being deleted, after its route changed CA, is added anew: a reload, not a revival with the old CA', async () => {
    const [oldCa, newCa] = [makeCA('old-ca'), makeCA('new-ca')];
    const held = startHeldBackend('held', makeLeaf(oldCa, { dnsNames: ['localhost'] }));
    const route = (ca: string) => routeJson({ name: 're', host: 're.example.com', service: 'secure', tls: { termination: 'reencrypt', destinationCACertificate: ca } });
    try {
      t = await startTestRouter({ manifests: { 'r.json': route(oldCa.cert), 'eps.yaml': sliceYaml({ service: 'secure', ports: [held.port] }) } });
      const inFlight = tlsGet(t.httpsPort, { servername: 're.example.com', host: 're.example.com', path: '/hold' });
      const release = await held.nextHold();
      await t.write('eps.yaml', sliceYaml({ service: 'secure', ports: [] }));
      await t.write('r.json', route(newCa.cert));
      await t.write('eps.yaml', sliceYaml({ service: 'secure', ports: [held.port] }));
      expect(t.router.lastCommit()?.result).toBe('reloaded');
      // The pod's certificate is not signed by the route's new CA: verification fails, as the config on disk says.
      expect((await reencrypted(t))[0]).toBe(503);
      release();
      expect((await inFlight).status).toBe(200);
    } finally {
      await held.stop();
    }
    // haproxy retries a server whose certificate it refuses for about 3 s before answering 503.
  }, 15_000);

  test('weight changes between a route\'s services apply live', async () => {
    t = await startTestRouter({
      manifests: {
        'w.json': weightedRoute(3, 1),
        'eps.yaml': `${sliceYaml({ service: 'sa', ports: [a.port] })}---\n${sliceYaml({ service: 'sb', ports: [b.port] })}`,
      },
    });
    const pids = await workerPids(t);
    const before = await spread(t, 'w.example.com', 40);
    expect(before.a).toBeGreaterThan(before.b ?? 0);

    await t.write('w.json', weightedRoute(1, 3));
    expect(t.router.lastCommit()?.result).toBe('runtime');
    const after = await spread(t, 'w.example.com', 40);
    expect(after.b).toBeGreaterThan(after.a ?? 0);
    expect(await workerPids(t)).toEqual(pids);

    // A route with alternate backends added while running takes a roundrobin spare.
    await t.write('v.json', weightedRoute(1, 3, 'v'));
    expect(t.router.lastCommit()?.result).toBe('runtime');
    const added = await spread(t, 'v.example.com', 40);
    expect(added.b).toBeGreaterThan(added.a ?? 0);
    expect(await workerPids(t)).toEqual(pids);
  });

  test('a refused runtime command falls back to a reload and converges', async () => {
    let failNext = true;
    const wrapRuntime = (client: RuntimeClient): RuntimeClient => ({
      ...client,
      async apply(commands) {
        const result = await client.apply(commands);
        if (!failNext || !commands.some((c) => c.kind === 'add-server')) return result;
        failNext = false;
        const refused = { ...result.results[0]!, status: 'failed' as const, reply: 'injected failure' };
        return { ...result, failed: [refused] };
      },
    });
    t = await startTestRouter({ wrapRuntime, manifests: { 'r.yaml': routeYaml({ name: 'r', host: 'r.example.com' }), 'eps.yaml': sliceYaml({ service: 'r', ports: [a.port] }) } });
    const pids = await workerPids(t);
    await t.write('eps.yaml', sliceYaml({ service: 'r', ports: [a.port, b.port] }));
    expect(t.router.lastCommit()?.result).toBe('reloaded');
    expect(t.router.lastCommit()?.reloadReasons?.map((r) => r.code)).toEqual(['runtime-update-failed']);
    // What haproxy answered is in the log, not only the reload's reason.
    expect(t.logs.some((r) => r.level === 'warn' && r.msg.startsWith('runtime update failed (') && r.msg.includes('injected failure') && r.msg.endsWith('; reloading instead'))).toBe(true);
    expect(await workerPids(t)).not.toEqual(pids);
    expect(Object.keys(await spread(t, 'r.example.com')).sort()).toEqual(['a', 'b']);
  });

  test('a worker found not to hold the expected servers after a load is reloaded from the model', async () => {
    // The restarted worker's answer, and only it, leaves the route servers out: the first worker's check may still
    // be under way when its master is killed.
    let killed: number | undefined;
    const wrapRuntime = (client: RuntimeClient): RuntimeClient => ({
      ...client,
      async showServersState(backend) {
        const state = await client.showServersState(backend);
        if (killed === undefined || t?.router.supervisor.masterPid === killed) return state;
        killed = undefined;
        return state.filter((s) => !isRouteBackendName(s.backend));
      },
    });
    t = await startTestRouter({ wrapRuntime, manifests: { 'r.yaml': routeYaml({ name: 'r', host: 'r.example.com' }), 'eps.yaml': sliceYaml({ service: 'r', ports: [a.port] }) } });
    killed = t.router.supervisor.masterPid;
    // The restart's commit asks the worker for its servers; the answer comes after it, and the commit after reloads.
    const router = t.router;
    const reloaded = (async () => {
      for (;;) {
        const outcome = await router.nextCommit();
        if (outcome?.result !== 'unchanged') return outcome;
      }
    })();
    const ready = t.router.supervisor.nextReady();
    process.kill(t.router.supervisor.masterPid as number, 'SIGKILL');
    await ready;
    expect((await reloaded)?.reloadReasons?.map((r) => r.code)).toEqual(['worker-out-of-step']);
    expect(await spread(t, 'r.example.com', 3)).toEqual({ a: 3 });
  });

  test('the config on disk after runtime changes brings back the same servers when haproxy restarts', async () => {
    t = await startTestRouter({ manifests: { 'r.yaml': routeYaml({ name: 'r', host: 'r.example.com' }), 'eps.yaml': sliceYaml({ service: 'r', ports: [a.port] }) } });
    await t.write('eps.yaml', sliceYaml({ service: 'r', ports: [a.port, b.port] }));
    await t.write('eps.yaml', sliceYaml({ service: 'r', ports: [b.port] }));
    expect(t.router.reloadCounts.size).toBe(0);
    const ready = t.router.supervisor.nextReady();
    process.kill(t.router.supervisor.masterPid as number, 'SIGKILL');
    await ready;
    expect(await spread(t, 'r.example.com', 10)).toEqual({ b: 10 });
  });

  test('after a series of runtime changes, haproxy restarted from disk holds exactly what the worker held', async () => {
    const ca = makeCA('disk-ca');
    // One certificate for several routes: one file on several crt-list lines, loaded ones and ones added live.
    const cert = makeLeaf(ca, { dnsNames: ['e.example.com', 'e2.example.com', 'e3.example.com', 'f1.example.com', 'f2.example.com'] });
    const other = makeLeaf(ca, { dnsNames: ['e2.example.com'] });
    const edge = (name: string, c = cert) => routeJson({ name, host: `${name}.example.com`, service: 'r', tls: { termination: 'edge', certificate: c.cert, key: c.key } });
    const eps = (r: number[], s: number[]) => `${sliceYaml({ service: 'r', ports: r })}---\n${sliceYaml({ service: 's', ports: s })}`;
    t = await startTestRouter({
      manifests: {
        'r.yaml': routeYaml({ name: 'r', host: 'r.example.com' }),
        's.yaml': routeYaml({ name: 's', host: 's.example.com' }),
        'f1.json': edge('f1'),
        'f2.json': edge('f2'),
        'eps.yaml': eps([a.port], [b.port]),
      },
    });
    const changes: [string, string | undefined][] = [
      ['eps.yaml', eps([a.port, b.port], [b.port])],
      ['u.yaml', routeYaml({ name: 'u', host: 'u.example.com', service: 's' })],
      ['s.yaml', routeYaml({ name: 's', host: 's.example.com', path: '/api' })],
      ['e.json', edge('e')],
      ['e2.json', edge('e2')],
      ['e3.json', edge('e3')],
      // A loaded line of a file on several lines, then one added live, each deleted by its number.
      ['f1.json', undefined],
      ['e.json', undefined],
      // A rotation moves its route's line to the new certificate's file; the shared file keeps the other lines.
      ['e2.json', edge('e2', other)],
      ['u.yaml', undefined],
      ['eps.yaml', eps([b.port], [a.port, b.port])],
    ];
    for (const [file, text] of changes) {
      if (text === undefined) await t.remove(file);
      else await t.write(file, text);
      expect([file, t.router.lastCommit()?.result]).toEqual([file, 'runtime']);
      // Written in place or as a new generation, what is on disk after each commit passes haproxy's own check.
      expect([file, (await checkConfig('haproxy', join(t.workingDir, 'conf', 'haproxy.config'))).output.filter((l) => l.startsWith('[ALERT]'))]).toEqual([file, []]);
    }
    const socket = join(t.workingDir, 'run', 'haproxy.sock');
    // Servers the changes took out are deleted once the worker is quiet; a restarted worker never had them.
    await untilNoServerWaits(socket);
    const snapshot = async () => {
      const servers = (await createRuntimeClient(socket).showServersState()).map((s) => [s.backend, s.server, s.addr, s.port, s.weight, s.adminState, s.healthCheck].join(' '));
      const maps: string[] = [];
      for (const map of ['os_http_be.map', 'os_http_be_prefix.map', 'os_edge_reencrypt_be.map', 'os_edge_reencrypt_be_prefix.map', 'os_sni_passthrough.map']) {
        // `show map` lines are `<pointer> <key> <value>`; the pointer differs between processes.
        for (const line of (await socketCommand(socket, `show map ${map}`)).split('\n')) if (line.trim() !== '') maps.push(`${map} ${line.split(' ').slice(1).join(' ')}`);
      }
      // Lines added live come last in the worker's list, a restarted one reads them in file order, and SNIs of one certificate share a
      // line there: neither the order of lines for different SNIs nor their grouping decides anything, so entries are compared one per SNI.
      const crtList = (await socketCommand(socket, 'show ssl crt-list cert_config.map'))
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.startsWith('#'))
        .flatMap((l) => {
          const [file = '', ...words] = l.split(' ');
          const options = words.filter((w) => !/^[a-z0-9*-]+(\.[a-z0-9-]+)+$/.test(w)).join(' ');
          return words.filter((w) => /^[a-z0-9*-]+(\.[a-z0-9-]+)+$/.test(w)).map((sni) => `${file} ${options} ${sni}`);
        });
      const served: Record<string, string | undefined> = {};
      for (const host of ['e.example.com', 'e2.example.com', 'e3.example.com', 'f1.example.com', 'f2.example.com']) served[host] = (await tlsGet(t!.httpsPort, { servername: host, host })).peerSAN;
      return { servers: servers.sort(), maps: maps.sort(), crtList: crtList.sort(), served };
    };
    const live = await snapshot();
    // Routes added live run on spares.
    expect(live.maps.filter((m) => m.startsWith('os_edge_reencrypt_be_prefix.map e3.example.com/ be_edge_http:_spare:'))).toHaveLength(1);
    expect(live.served).toEqual({
      'e.example.com': expect.stringContaining('router-default'),
      'e2.example.com': 'DNS:e2.example.com',
      'e3.example.com': expect.stringContaining('DNS:e3.example.com'),
      'f1.example.com': expect.stringContaining('router-default'),
      'f2.example.com': expect.stringContaining('DNS:f2.example.com'),
    });
    // One file serves e3 and f2; e2's new certificate has its own.
    const files = live.crtList.map((l) => l.split(' ')[0]);
    expect(new Set(files).size).toBe(2);
    // The restarted worker's health checks are set by the commit that follows its start.
    const ready = t.router.supervisor.nextReady().then(() => t?.router.nextCommit());
    process.kill(t.router.supervisor.masterPid as number, 'SIGKILL');
    await ready;
    expect(await snapshot()).toEqual(live);
  }, 30_000);

  test.each([
    ['on lines without options (HTTP/2 off) are added, rotated and removed live', { ROUTER_DISABLE_HTTP2: 'true' }, ['runtime', 'runtime'], []],
    [
      'offering h2 go in live, and are rotated and removed by a reload: haproxy 2.6 cannot delete their line under handshakes',
      {},
      ['reloaded', 'reloaded'],
      [['crt-list-line-options', 2]],
    ],
  ] as const)('route certificates %s', async (_, env, leaving, reloads) => {
    const ca = makeCA('rotation-ca');
    const v1 = makeLeaf(ca, { dnsNames: ['e.example.com'] });
    const v2 = makeLeaf(ca, { dnsNames: ['e.example.com', 'v2.example.com'] });
    t = await startTestRouter({ manifests: { 'e.json': edgeRoute(), 'eps.yaml': sliceYaml({ service: 'r', ports: [a.port] }) }, env });
    const pids = await workerPids(t);
    const served = async () => (await tlsGet(t!.httpsPort, { servername: 'e.example.com', host: 'e.example.com' })).peerSAN ?? '';
    expect(await served()).toContain('router-default');

    await t.write('e.json', edgeRoute(v1));
    expect(t.router.lastCommit()?.result).toBe('runtime');
    expect(await served()).toBe('DNS:e.example.com');

    await t.write('e.json', edgeRoute(v2));
    expect(t.router.lastCommit()?.result).toBe(leaving[0]);
    expect(await served()).toContain('DNS:v2.example.com');

    await t.write('e.json', edgeRoute());
    expect(t.router.lastCommit()?.result).toBe(leaving[1]);
    expect(await served()).toContain('router-default');
    expect([...t.router.reloadCounts]).toEqual(reloads.map(([reason, n]) => [reason, n]));
    if (reloads.length === 0) expect(await workerPids(t)).toEqual(pids);
  });

  test("a tenant that keeps rotating a certificate offering h2 spends its namespace's reload budget; other tenants' changes still go live", async () => {
    const ca = makeCA('budget-ca');
    const v1 = makeLeaf(ca, { dnsNames: ['e.example.com'] });
    const v2 = makeLeaf(ca, { dnsNames: ['e.example.com', 'v2.example.com'] });
    const v3 = makeLeaf(ca, { dnsNames: ['e.example.com', 'v3.example.com'] });
    t = await startTestRouter({
      args: ['--namespace-reload-burst=1', '--namespace-reload-refill=1h'],
      manifests: {
        'e.json': edgeRoute(v1),
        'eps.yaml': sliceYaml({ service: 'r', ports: [a.port] }),
        'o.yaml': routeYaml({ name: 'o', host: 'o.example.com', service: 'o', namespace: 'other' }),
        'o-eps.yaml': sliceYaml({ service: 'o', namespace: 'other', ports: [a.port] }),
      },
    });
    const served = async () => (await tlsGet(t!.httpsPort, { servername: 'e.example.com', host: 'e.example.com' })).peerSAN ?? '';

    await t.write('e.json', edgeRoute(v2));
    expect(t.router.lastCommit()?.result).toBe('reloaded');
    expect(await served()).toContain('DNS:v2.example.com');

    // A deferred commit is not done: write without waiting for one (t.write would wait for the retry).
    writeFileSync(join(t.manifestsDir, 'e.json'), edgeRoute(v3));
    const deferred = t.router.nextCommit();
    await t.source.rescan();
    expect(await deferred).toMatchObject({ result: 'deferred', overBudget: true, reloadReasons: [{ code: 'crt-list-line-options', route: 'default/e' }] });
    expect(await served()).toContain('DNS:v2.example.com');
    writeFileSync(join(t.manifestsDir, 'o-eps.yaml'), sliceYaml({ service: 'o', namespace: 'other', ports: [b.port] }));
    const other = t.router.nextCommit();
    await t.source.rescan();
    await other;
    expect(await spread(t, 'o.example.com', 5)).toEqual({ b: 5 });
    expect([...t.router.reloadCounts]).toEqual([['crt-list-line-options', 1]]);
  }, 30_000);

  test("a route's new certificate goes live without waiting for its file; the file is written before anything reads the files", async () => {
    const ca = makeCA('later-ca');
    const v1 = makeLeaf(ca, { dnsNames: ['e.example.com'] });
    t = await startTestRouter({ manifests: { 'e.json': edgeRoute(), 'eps.yaml': sliceYaml({ service: 'r', ports: [a.port] }) } });
    // Route keys are written in their own algorithm's form (src/tls/private-key.ts): an EC key as SEC1.
    const key = createPrivateKey(v1.key).export({ type: 'sec1', format: 'pem' }).toString();
    const file = servingCertificateFile(servingPem({ certificate: v1.cert, key, caCertificate: '' }));
    // A named pipe where the file's temporary copy goes: its write blocks until the test reads it, as a stalled disk would.
    const fifo = join(t.workingDir, 'certs', `${file.name}.tmp`);
    expect(Bun.spawnSync(['mkfifo', '-m', '600', fifo]).exitCode).toBe(0);
    await t.write('e.json', edgeRoute(v1));
    expect(t.router.lastCommit()?.result).toBe('runtime');
    // The write goes on, and a flush (as a check, a load or a start makes first) waits for it.
    let flushed = false;
    const flush = t.router.store.flush().then(() => (flushed = true));
    expect((await tlsGet(t.httpsPort, { servername: 'e.example.com', host: 'e.example.com' })).peerSAN).toBe('DNS:e.example.com');
    expect(flushed).toBe(false);
    // Its reader opened, the pipe takes the whole file and keeps it after the router has closed and renamed it.
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    await flush;
    const chunk = Buffer.alloc(65536);
    const written = chunk.subarray(0, readSync(reader, chunk)).toString();
    closeSync(reader);
    expect(written).toBe(file.pem);
    // The pipe was renamed into place; a real file takes its place before haproxy could read it.
    rmSync(join(t.workingDir, 'certs', file.name));
    writeFileSync(join(t.workingDir, 'certs', file.name), file.pem, { mode: 0o600 });
  });

  test.each([
    ['its own destination CA', 'own'],
    ["the operator's default destination CA (verifying the service name)", 'default'],
  ] as const)("a reencrypt route's first pod goes live without a reload: %s is loaded first", async (_, which) => {
    const ca = makeCA('pods-ca');
    const pod = startTlsBackend('pod', makeLeaf(ca, { dnsNames: ['secure.default.svc'] }));
    const caDir = shortTempDir('ca');
    writeFileSync(join(caDir.path, 'service-ca.crt'), ca.cert);
    try {
      t = await startTestRouter({
        args: which === 'default' ? [`--default-destination-ca-path=${join(caDir.path, 'service-ca.crt')}`] : [],
        manifests: {
          'r.json': routeJson({
            name: 're',
            host: 're.example.com',
            service: 'secure',
            tls: { termination: 'reencrypt', ...(which === 'own' ? { destinationCACertificate: ca.cert } : {}) },
          }),
          'eps.yaml': sliceYaml({ service: 'secure', ports: [] }),
        },
      });
      const pids = await workerPids(t);
      expect(await reencrypted(t)).toEqual([503, undefined]);
      await t.write('eps.yaml', sliceYaml({ service: 'secure', ports: [pod.port] }));
      expect(t.router.lastCommit()?.result).toBe('runtime');
      expect(await reencrypted(t)).toEqual([200, 'pod']);
      expect(await workerPids(t)).toEqual(pids);
    } finally {
      await pod.stop();
      caDir.remove();
    }
  });

  test('a rotated default destination CA is followed: pods with certificates from the new CA verify', async () => {
    const [oldCa, newCa] = [makeCA('service-ca-1'), makeCA('service-ca-2')];
    const oldPod = startTlsBackend('old-pod', makeLeaf(oldCa, { dnsNames: ['secure.default.svc'] }));
    const newPod = startTlsBackend('new-pod', makeLeaf(newCa, { dnsNames: ['secure.default.svc'] }));
    const caDir = shortTempDir('ca');
    const caFile = join(caDir.path, 'service-ca.crt');
    writeFileSync(caFile, oldCa.cert);
    try {
      t = await startTestRouter({
        args: [`--default-destination-ca-path=${caFile}`],
        manifests: {
          'r.json': routeJson({ name: 're', host: 're.example.com', service: 'secure', tls: { termination: 'reencrypt' } }),
          'eps.yaml': sliceYaml({ service: 'secure', ports: [oldPod.port] }),
        },
      });
      expect(await reencrypted(t)).toEqual([200, 'old-pod']);

      // During a rotation the bundle holds both CAs; its servers' CA file changes, which reloads.
      const rotated = t.router.nextCommit();
      writeFileSync(caFile, `${oldCa.cert}${newCa.cert}`);
      expect((await rotated)?.result).toBe('reloaded');
      expect(await reencrypted(t)).toEqual([200, 'old-pod']);
      await t.write('eps.yaml', sliceYaml({ service: 'secure', ports: [newPod.port] }));
      expect(await reencrypted(t)).toEqual([200, 'new-pod']);

      writeFileSync(caFile, 'not a certificate\n');
      await t.waitForLog((r) => r.level === 'error' && r.msg.startsWith(`default destination CA ${caFile}`));
      expect(await reencrypted(t)).toEqual([200, 'new-pod']);
    } finally {
      await oldPod.stop();
      await newPod.stop();
      caDir.remove();
    }
  });

  test('a new default certificate goes live without a reload; one whose key does not match is refused and the last good one stays', async () => {
    const secret = shortTempDir('dc');
    try {
      const [v1, v2, v3] = ['v1', 'v2', 'v3'].map((v) => makeSelfSignedLeaf({ dnsNames: [`${v}.default.example.com`] }));
      const install = (c: { cert: string; key: string } | undefined, key = c?.key) => {
        if (key !== undefined) writeFileSync(join(secret.path, 'tls.key'), key);
        if (c) writeFileSync(join(secret.path, 'tls.crt'), c.cert);
      };
      const served = async () => (await tlsGet(t?.httpsPort ?? 0, { host: 'any.example.com' })).peerSAN;
      install(v1);
      t = await startTestRouter({ args: [`--default-certificate-dir=${secret.path}`] });
      const pids = await workerPids(t);
      expect(await served()).toContain('v1.default.example.com');

      const rotated = t.router.nextCommit();
      install(v2);
      expect((await rotated)?.result).toBe('runtime');
      expect(await served()).toContain('v2.default.example.com');

      install(v3, v2?.key);
      await t.waitForLog((r) => r.level === 'error' && r.msg.includes('tls: private key does not match public key'));
      expect(await served()).toContain('v2.default.example.com');
      expect(await workerPids(t)).toEqual(pids);
      expect(t.router.reloadCounts.size).toBe(0);

      // The generation on disk holds the certificate the worker serves: a restart serves it too.
      const ready = t.router.supervisor.nextReady();
      process.kill(t.router.supervisor.masterPid as number, 'SIGKILL');
      await ready;
      expect(await served()).toContain('v2.default.example.com');
    } finally {
      secret.remove();
    }
  });

  test('while a reload waits for --interval, endpoint changes elsewhere go live at once', async () => {
    t = await startTestRouter({
      // No spares: the new route needs a reload, which --interval holds back.
      args: ['--interval=2s', '--blueprint-route-pool-size=0'],
      manifests: { 'r.yaml': routeYaml({ name: 'r', host: 'r.example.com' }), 'eps.yaml': sliceYaml({ service: 'r', ports: [a.port] }) },
    });
    writeFileSync(join(t.manifestsDir, 'new.yaml'), routeYaml({ name: 'new', host: 'new.example.com', service: 'r' }));
    writeFileSync(join(t.manifestsDir, 'eps.yaml'), sliceYaml({ service: 'r', ports: [b.port] }));
    const committed = t.router.nextCommit();
    await t.source.rescan();
    expect((await committed)?.result).toBe('deferred');
    expect(await spread(t, 'r.example.com', 5)).toEqual({ b: 5 });
    expect((await t.get('new.example.com')).status).toBe(503);
    await t.router.flush();
    expect((await t.get('new.example.com')).backend).toBe('b');
  });

  test('a change that comes while a reload waits for --interval goes live without waiting for the reload', async () => {
    t = await startTestRouter({
      args: ['--interval=1h', '--blueprint-route-pool-size=0'],
      manifests: { 'r.yaml': routeYaml({ name: 'r', host: 'r.example.com' }), 'eps.yaml': sliceYaml({ service: 'r', ports: [a.port] }) },
    });
    writeFileSync(join(t.manifestsDir, 'new.yaml'), routeYaml({ name: 'new', host: 'new.example.com', service: 'r' }));
    const deferred = t.router.nextCommit();
    await t.source.rescan();
    expect((await deferred)?.result).toBe('deferred');
    writeFileSync(join(t.manifestsDir, 'eps.yaml'), sliceYaml({ service: 'r', ports: [b.port] }));
    const next = t.router.nextCommit();
    await t.source.rescan();
    // The waiting route uses these endpoints too; it runs nowhere before its reload, so the change is route r's alone.
    expect(await next).toMatchObject({ result: 'runtime', runtime: { commands: expect.any(Number) }, retryAfterMs: expect.any(Number) });
    expect(await spread(t, 'r.example.com', 5)).toEqual({ b: 5 });
  }, 30_000);

  test('while a reload waits, changes are planned from themselves, the waiting route\'s endpoints and host included; what it carries waits; the reload comes', async () => {
    t = await startTestRouter({
      args: ['--interval=3s', '--blueprint-route-pool-size=0'],
      manifests: {
        'r.yaml': routeYaml({ name: 'r', host: 'r.example.com' }),
        'eps.yaml': sliceYaml({ service: 'r', ports: [a.port] }),
        'o.yaml': routeYaml({ name: 'o', host: 'o.example.com', service: 'o' }),
        'o-eps.yaml': sliceYaml({ service: 'o', ports: [a.port] }),
      },
    });
    // No spares: the new route needs a reload, which --interval holds back.
    writeFileSync(join(t.manifestsDir, 'new.yaml'), routeYaml({ name: 'new', host: 'new.example.com', service: 'r' }));
    const deferred = t.router.nextCommit();
    await t.source.rescan();
    expect(await deferred).toMatchObject({ result: 'deferred' });
    writeFileSync(join(t.manifestsDir, 'o-eps.yaml'), sliceYaml({ service: 'o', ports: [b.port] }));
    const elsewhere = t.router.nextCommit();
    await t.source.rescan();
    // The reload still waits, and the scheduler keeps its retry.
    expect(await elsewhere).toMatchObject({ result: 'runtime', retryAfterMs: expect.any(Number) });
    expect(await spread(t, 'o.example.com', 5)).toEqual({ b: 5 });
    // Service r's endpoints are the waiting route's too: route r takes them live, the waiting route waits for its reload
    // (it runs nowhere before), and the change is planned from itself all the same.
    writeFileSync(join(t.manifestsDir, 'eps.yaml'), sliceYaml({ service: 'r', ports: [b.port] }));
    const endpoints = t.router.nextCommit();
    await t.source.rescan();
    expect(await endpoints).toMatchObject({ result: 'runtime', retryAfterMs: expect.any(Number) });
    expect(await spread(t, 'r.example.com', 5)).toEqual({ b: 5 });
    expect((await t.get('new.example.com')).status).toBe(503);
    // The waiting route's new host is a map key the reload carries: planned from itself, it waits with the reload.
    writeFileSync(join(t.manifestsDir, 'new.yaml'), routeYaml({ name: 'new', host: 'new2.example.com', service: 'r' }));
    const touching = t.router.nextCommit();
    await t.source.rescan();
    expect(await touching).toMatchObject({ result: 'unchanged', retryAfterMs: expect.any(Number) });
    expect((await t.get('new2.example.com')).status).toBe(503);
    await t.router.flush();
    expect(t.router.lastCommit()?.result).toBe('reloaded');
    expect((await t.get('new2.example.com')).backend).toBe('b');
    expect((await t.get('new.example.com')).status).toBe(503);
    expect(await spread(t, 'o.example.com', 5)).toEqual({ b: 5 });
  }, 30_000);

  test("while a new route's reload waits with its certificate, another tenant's certificate rotation goes live; a change of the waiting line waits with it", async () => {
    const ca = makeCA('held-sni-ca');
    const b1 = makeLeaf(ca, { dnsNames: ['b.example.com'] });
    const b2 = makeLeaf(ca, { dnsNames: ['b.example.com', 'v2.example.com'] });
    const n1 = makeLeaf(ca, { dnsNames: ['new.example.com'] });
    const n2 = makeLeaf(ca, { dnsNames: ['new.example.com', 'v2.example.com'] });
    const edge = (name: string, namespace: string, cert: { cert: string; key: string }) =>
      routeJson({ name, namespace, host: `${name}.example.com`, service: 'r', tls: { termination: 'edge', certificate: cert.cert, key: cert.key } });
    t = await startTestRouter({
      // No spares: the new route needs a reload, which --interval holds back. HTTP/2 off: a rotation's line changes live.
      args: ['--interval=1h', '--blueprint-route-pool-size=0'],
      env: { ROUTER_DISABLE_HTTP2: 'true' },
      manifests: { 'b.json': edge('b', 'other', b1), 'b-eps.yaml': sliceYaml({ service: 'r', namespace: 'other', ports: [a.port] }), 'eps.yaml': sliceYaml({ service: 'r', ports: [a.port] }) },
    });
    const served = async (host: string) => (await tlsGet(t!.httpsPort, { servername: host, host })).peerSAN ?? '';
    expect(await served('b.example.com')).toBe('DNS:b.example.com');
    writeFileSync(join(t.manifestsDir, 'new.json'), edge('new', 'default', n1));
    const deferred = t.router.nextCommit();
    await t.source.rescan();
    expect(await deferred).toMatchObject({ result: 'deferred' });
    // Another tenant's line: planned from itself, live at once, while the reload keeps waiting.
    writeFileSync(join(t.manifestsDir, 'b.json'), edge('b', 'other', b2));
    const rotation = t.router.nextCommit();
    await t.source.rescan();
    expect(await rotation).toMatchObject({ result: 'runtime', retryAfterMs: expect.any(Number) });
    expect(await served('b.example.com')).toContain('DNS:v2.example.com');
    // The waiting route's own line waits with its reload: planned from itself, it stays as the worker runs it.
    writeFileSync(join(t.manifestsDir, 'new.json'), edge('new', 'default', n2));
    const waiting = t.router.nextCommit();
    await t.source.rescan();
    expect(await waiting).toMatchObject({ result: 'unchanged', retryAfterMs: expect.any(Number) });
    expect(await served('new.example.com')).toContain('router-default');
    expect([...t.router.reloadCounts]).toEqual([]);
  }, 30_000);

  test('while a reload waits for a namespace\'s budget, that namespace\'s new routes with no spare join it; another namespace\'s takes the full step and reloads after --interval', async () => {
    const ca = makeCA('join-ca');
    const v1 = makeLeaf(ca, { dnsNames: ['e.example.com'] });
    const v2 = makeLeaf(ca, { dnsNames: ['e.example.com', 'v2.example.com'] });
    const v3 = makeLeaf(ca, { dnsNames: ['e.example.com', 'v3.example.com'] });
    t = await startTestRouter({
      // No spares: every new route needs a reload.
      args: ['--namespace-reload-burst=1', '--namespace-reload-refill=1h', '--interval=2s', '--blueprint-route-pool-size=0'],
      manifests: { 'e.json': edgeRoute(v1), 'eps.yaml': sliceYaml({ service: 'r', ports: [a.port] }), 'o-eps.yaml': sliceYaml({ service: 'r', namespace: 'other', ports: [b.port] }) },
    });
    await t.write('e.json', edgeRoute(v2));
    expect(t.router.lastCommit()?.result).toBe('reloaded');
    // Namespace default spent its budget: its next reload waits an hour.
    writeFileSync(join(t.manifestsDir, 'e.json'), edgeRoute(v3));
    const deferred = t.router.nextCommit();
    await t.source.rescan();
    let outcome = await deferred;
    expect([outcome?.result, outcome?.overBudget]).toEqual(['deferred', true]);
    // The commits that send what of it can run live (the catch-up; here the line needs the reload, so the full step again).
    while (outcome?.again) outcome = await t.router.nextCommit();
    // Its new route would not reload any sooner: it joins the waiting reload, planned from itself.
    writeFileSync(join(t.manifestsDir, 'more.yaml'), routeYaml({ name: 'more', host: 'more.example.com', service: 'r' }));
    const joined = t.router.nextCommit();
    await t.source.rescan();
    const planned = await joined;
    expect(planned?.result).toBe('unchanged');
    expect(planned?.retryAfterMs).toBeGreaterThan(3_000_000);
    expect((await t.get('more.example.com')).status).toBe(503);
    // Another namespace's new route has budget left: the full step, which reloads after --interval and takes the waiting ones along.
    writeFileSync(join(t.manifestsDir, 'fresh.yaml'), routeYaml({ name: 'fresh', namespace: 'other', host: 'fresh.example.com', service: 'r' }));
    const fresh = t.router.nextCommit();
    await t.source.rescan();
    const full = await fresh;
    expect([full?.result, full?.overBudget]).toEqual(['deferred', false]);
    await t.router.flush();
    expect(t.router.lastCommit()?.result).toBe('reloaded');
    expect((await t.get('fresh.example.com')).backend).toBe('b');
    expect((await t.get('more.example.com')).backend).toBe('a');
  }, 30_000);

  test("while a running route's new backend shape waits for its namespace's budget, its owner's edits are planned from themselves and served by the backend it runs; other tenants' changes go live", async () => {
    t = await startTestRouter({
      args: ['--namespace-reload-burst=1', '--namespace-reload-refill=3s'],
      manifests: {
        'r.json': routeJson({ name: 'r', host: 'r.example.com', service: 'r' }),
        'eps.yaml': sliceYaml({ service: 'r', ports: [a.port] }),
        'o.yaml': routeYaml({ name: 'o', host: 'o.example.com', service: 'o', namespace: 'other' }),
        'o-eps.yaml': sliceYaml({ service: 'o', namespace: 'other', ports: [a.port] }),
      },
    });
    const balanced = (balance: string, host = 'r.example.com') => routeJson({ name: 'r', host, service: 'r', annotations: { 'haproxy.router.openshift.io/balance': balance } });
    await t.write('r.json', balanced('leastconn'));
    expect(t.router.lastCommit()?.result).toBe('reloaded');
    // Its namespace's budget spent, the next change of the backend's shape waits for it; its pods, moved in the same
    // batch, do not: the backend as it ran follows them.
    writeFileSync(join(t.manifestsDir, 'r.json'), balanced('source'));
    writeFileSync(join(t.manifestsDir, 'eps.yaml'), sliceYaml({ service: 'r', ports: [b.port] }));
    const deferred = t.router.nextCommit();
    await t.source.rescan();
    let outcome = await deferred;
    expect([outcome?.result, outcome?.overBudget]).toEqual(['deferred', true]);
    while (outcome?.again) outcome = await t.router.nextCommit();
    expect(await spread(t, 'r.example.com', 5)).toEqual({ b: 5 });
    // The owner moves the route to another host meanwhile: planned from itself, the route keeps running on its
    // backend as it ran, which serves the new host at once; the new shape waits for the reload.
    writeFileSync(join(t.manifestsDir, 'r.json'), balanced('source', 'r2.example.com'));
    const edit = t.router.nextCommit();
    await t.source.rescan();
    const planned = await edit;
    expect([planned?.result, planned?.retryAfterMs !== undefined]).toEqual(['runtime', true]);
    expect((await t.get('r2.example.com')).backend).toBe('b');
    expect((await t.get('r.example.com')).status).toBe(503);
    // Its pods move back, planned from themselves too, while the reload still waits.
    writeFileSync(join(t.manifestsDir, 'eps.yaml'), sliceYaml({ service: 'r', ports: [a.port] }));
    const back = t.router.nextCommit();
    await t.source.rescan();
    const moved = await back;
    expect([moved?.result, moved?.retryAfterMs !== undefined]).toEqual(['runtime', true]);
    expect(await spread(t, 'r2.example.com', 5)).toEqual({ a: 5 });
    // Another tenant's endpoint move goes live at once.
    writeFileSync(join(t.manifestsDir, 'o-eps.yaml'), sliceYaml({ service: 'o', namespace: 'other', ports: [b.port] }));
    const other = t.router.nextCommit();
    await t.source.rescan();
    expect((await other)?.result).toBe('runtime');
    expect(await spread(t, 'o.example.com', 5)).toEqual({ b: 5 });
    // The reload comes with the budget, and brings the route's new shape and host.
    await t.router.flush();
    expect(t.router.lastCommit()?.result).toBe('reloaded');
    expect((await t.get('r2.example.com')).backend).toBe('a');
    expect((await t.get('r.example.com')).status).toBe(503);
  }, 30_000);

  test('--runtime-updates=false reloads for every change, naming the reason', async () => {
    t = await startTestRouter({
      args: ['--runtime-updates=false'],
      manifests: { 'r.yaml': routeYaml({ name: 'r', host: 'r.example.com' }), 'eps.yaml': sliceYaml({ service: 'r', ports: [a.port] }) },
    });
    await t.write('eps.yaml', sliceYaml({ service: 'r', ports: [b.port] }));
    expect(t.router.lastCommit()?.result).toBe('reloaded');
    expect(t.router.reloadCounts.get('runtime-updates-disabled')).toBe(1);
    expect(await spread(t, 'r.example.com', 5)).toEqual({ b: 5 });
  });
});

/** Status and answering pod of a request for the reencrypt route `re.example.com`. */
async function reencrypted(tr: TestRouter): Promise<[number | undefined, string | undefined]> {
  const res = await tlsGet(tr.httpsPort, { servername: 're.example.com', host: 're.example.com' });
  return [res.status, res.headers['x-backend']];
}

/** The sticky cookie a response sets, as `name=value`. */
function stickyCookie(res: { headers: Headers }): string {
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('no sticky cookie set');
  return cookie;
}

/** A new client's first request until one lands on `backend`: the cookie that pins it there. */
async function cookieFor(tr: TestRouter, host: string, backend: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const res = await tr.get(host);
    if (res.backend === backend) return stickyCookie(res);
  }
  throw new Error(`no request landed on ${backend}`);
}

/** Backends that answer requests carrying `cookie`. */
async function stuckTo(tr: TestRouter, host: string, cookie: string, requests = 10): Promise<string[]> {
  const seen = new Set<string>();
  for (let i = 0; i < requests; i++) seen.add((await tr.get(host, '/', { Cookie: cookie })).backend ?? 'none');
  return [...seen];
}

describe('sticky sessions', () => {
  test('a server added at runtime gets its cookie at once, and every cookie keeps its server across a reload', async () => {
    t = await startTestRouter({
      args: ['--blueprint-route-pool-size=0'],
      manifests: { 'r.yaml': routeYaml({ name: 'r', host: 'r.example.com' }), 'eps.yaml': sliceYaml({ service: 'r', ports: [a.port] }) },
    });
    const pids = await workerPids(t);
    const toA = await cookieFor(t, 'r.example.com', 'a');

    await t.write('eps.yaml', sliceYaml({ service: 'r', ports: [a.port, b.port] }));
    expect(t.router.lastCommit()?.result).toBe('runtime');
    const toB = await cookieFor(t, 'r.example.com', 'b');
    expect(toB).toMatch(/^[0-9a-f]{32}=[0-9a-f]{16}$/);
    expect(toB).not.toBe(toA);
    expect(await stuckTo(t, 'r.example.com', toA)).toEqual(['a']);
    expect(await stuckTo(t, 'r.example.com', toB)).toEqual(['b']);
    expect(await workerPids(t)).toEqual(pids);

    await t.write('s.yaml', routeYaml({ name: 's', host: 's.example.com' }));
    expect(t.router.lastCommit()?.result).toBe('reloaded');
    expect(await stuckTo(t, 'r.example.com', toA)).toEqual(['a']);
    expect(await stuckTo(t, 'r.example.com', toB)).toEqual(['b']);
    expect(await cookieFor(t, 'r.example.com', 'b')).toBe(toB);
  });

  test("a route on a spare is sticky under the spare's cookie name; its servers keep their cookie values when it gets its own backend", async () => {
    t = await startTestRouter({ args: ['--blueprint-route-pool-size=1'], manifests: { 'eps.yaml': sliceYaml({ service: 's', ports: [a.port, b.port] }) } });
    await t.write('s.yaml', routeYaml({ name: 's', host: 's.example.com' }));
    expect(t.router.lastCommit()?.result).toBe('runtime');
    const onSpare = await cookieFor(t, 's.example.com', 'b');
    expect(await stuckTo(t, 's.example.com', onSpare)).toEqual(['b']);

    await t.write('u.yaml', routeYaml({ name: 'u', host: 'u.example.com', service: 's' }));
    expect(t.router.lastCommit()?.result).toBe('reloaded');
    const own = await cookieFor(t, 's.example.com', 'b');
    expect(own.split('=')[0]).not.toBe(onSpare.split('=')[0]);
    expect(own.split('=')[1]).toBe(onSpare.split('=')[1] ?? '');
    expect(await stuckTo(t, 's.example.com', own)).toEqual(['b']);
  });
});

describe('route changes go through the runtime API', () => {
  const eps = () => `${sliceYaml({ service: 'r', ports: [a.port] })}---\n${sliceYaml({ service: 's', ports: [b.port] })}`;

  test('routes added, moved and removed take over spare backends: no reload, traffic follows', async () => {
    t = await startTestRouter({ manifests: { 'r.yaml': routeYaml({ name: 'r', host: 'r.example.com' }), 'eps.yaml': eps() } });
    const pids = await workerPids(t);

    await t.write('s.yaml', routeYaml({ name: 's', host: 's.example.com' }));
    expect(t.router.lastCommit()?.result).toBe('runtime');
    expect(await spread(t, 's.example.com', 5)).toEqual({ b: 5 });

    await t.write('s.yaml', routeYaml({ name: 's', host: 's.example.com', path: '/api' }));
    expect(t.router.lastCommit()?.result).toBe('runtime');
    expect((await t.get('s.example.com', '/api/x')).backend).toBe('b');
    expect((await t.get('s.example.com', '/')).status).toBe(503);

    await t.remove('s.yaml');
    expect(t.router.lastCommit()?.result).toBe('runtime');
    expect((await t.get('s.example.com', '/api/x')).status).toBe(503);
    expect(await spread(t, 'r.example.com', 5)).toEqual({ a: 5 });

    await t.write('e.json', routeJson({ name: 'e', host: 'e.example.com', service: 's', tls: { termination: 'edge' } }));
    expect(t.router.lastCommit()?.result).toBe('runtime');
    expect((await tlsGet(t.httpsPort, { servername: 'e.example.com', host: 'e.example.com' })).status).toBe(200);

    expect(await workerPids(t)).toEqual(pids);
    expect(t.router.reloadCounts.size).toBe(0);

    // What the worker runs is on disk: a restart serves the same routes.
    const ready = t.router.supervisor.nextReady();
    process.kill(t.router.supervisor.masterPid as number, 'SIGKILL');
    await ready;
    expect((await tlsGet(t.httpsPort, { servername: 'e.example.com', host: 'e.example.com' })).status).toBe(200);
    expect((await t.get('s.example.com', '/api/x')).status).toBe(503);
  });

  test("a path with ';' (matrix parameters) is added, moved and removed live: escaped in the map commands, no reload", async () => {
    t = await startTestRouter({ manifests: { 'r.yaml': routeYaml({ name: 'r', host: 'r.example.com' }), 'eps.yaml': eps() } });
    const pids = await workerPids(t);
    for (const path of ['/a;v=1', '/a;v=2']) {
      await t.write('s.yaml', routeYaml({ name: 's', host: 's.example.com', path }));
      expect(t.router.lastCommit()?.result).toBe('runtime');
      expect((await t.get('s.example.com', `${path}/x`)).backend).toBe('b');
    }
    expect((await t.get('s.example.com', '/a;v=1/x')).status).toBe(503);
    await t.remove('s.yaml');
    expect(t.router.lastCommit()?.result).toBe('runtime');
    expect((await t.get('s.example.com', '/a;v=2/x')).status).toBe(503);
    expect(await workerPids(t)).toEqual(pids);
    expect(t.router.reloadCounts.size).toBe(0);
  });

  test.each([
    ['a plain route', false],
    ['an edge route with a certificate of its own, served with it', true],
  ])('%s that takes a spare in the commit that holds another route\'s reload back goes live with the next commit, not the reload', async (_, edge) => {
    const cert = makeLeaf(makeCA('catch-up-ca'), { dnsNames: ['s.example.com'] });
    t = await startTestRouter({ args: ['--interval=1h'], manifests: { 'r.yaml': routeYaml({ name: 'r', host: 'r.example.com' }), 'eps.yaml': eps() } });
    // In one batch: a route of a shape no spare has, whose reload waits for --interval, and one that takes a spare.
    const balanced = routeJson({ name: 'w', host: 'w.example.com', service: 'r', namespace: 'waiting', annotations: { 'haproxy.router.openshift.io/balance': 'leastconn' } });
    writeFileSync(join(t.manifestsDir, 'w.json'), balanced);
    const s = edge ? routeJson({ name: 's', host: 's.example.com', tls: { termination: 'edge', certificate: cert.cert, key: cert.key } }) : routeYaml({ name: 's', host: 's.example.com' });
    writeFileSync(join(t.manifestsDir, edge ? 's.json' : 's.yaml'), s);
    const deferred = t.router.nextCommit();
    await t.source.rescan();
    // The full step that held the reload back changed backends only: the spare has s's pod; its map entry and
    // certificate line wait for the next commit.
    expect(await deferred).toMatchObject({ result: 'deferred', again: true });
    expect(await t.router.nextCommit()).toMatchObject({ result: 'runtime', retryAfterMs: expect.any(Number) });
    if (edge) {
      const res = await tlsGet(t.httpsPort, { servername: 's.example.com', host: 's.example.com' });
      expect([res.status, res.headers['x-backend'], res.peerSAN]).toEqual([200, 'b', 'DNS:s.example.com']);
    } else expect(await spread(t, 's.example.com', 5)).toEqual({ b: 5 });
    expect((await t.get('w.example.com')).status).toBe(503);
    expect(t.router.reloadCounts.size).toBe(0);
    // What is on disk names only certificate files that are there: haproxy -c passes it, and a restart would load it.
    await t.router.store.flush();
    expect((await checkConfig('haproxy', join(t.workingDir, 'conf', 'haproxy.config'))).output.filter((l) => l.startsWith('[ALERT]'))).toEqual([]);
  });

  test('a reencrypt route added while running takes a spare; its destination CA is loaded live', async () => {
    const ca = makeCA('pods-ca');
    const pod = startTlsBackend('pod', makeLeaf(ca, { dnsNames: ['localhost'] }));
    try {
      t = await startTestRouter({ manifests: { 'eps.yaml': sliceYaml({ service: 'secure', ports: [pod.port] }) } });
      const pids = await workerPids(t);
      await t.write('r.json', routeJson({ name: 're', host: 're.example.com', service: 'secure', tls: { termination: 'reencrypt', destinationCACertificate: ca.cert } }));
      expect(t.router.lastCommit()?.result).toBe('runtime');
      expect(await reencrypted(t)).toEqual([200, 'pod']);
      expect(await workerPids(t)).toEqual(pids);
    } finally {
      await pod.stop();
    }
  });

  test('--commit-interval after a route took a spare, a reload gives it its own backend', async () => {
    t = await startTestRouter({ args: ['--commit-interval=1s'], manifests: { 'r.yaml': routeYaml({ name: 'r', host: 'r.example.com' }), 'eps.yaml': eps() } });
    const socket = join(t.workingDir, 'run', 'haproxy.sock');
    const served = async () => (await socketCommand(socket, 'show map os_http_be_prefix.map')).split('\n').map((l) => l.split(' ').slice(1).join(' '));
    const flushed = t.router.nextCommit().then(() => t?.router.nextCommit());
    await t.write('s.yaml', routeYaml({ name: 's', host: 's.example.com' }));
    expect(t.router.lastCommit()?.result).toBe('runtime');
    expect(await served()).toContain('s.example.com/ be_http:_spare:1');
    expect((await flushed)?.reloadReasons?.map((r) => r.code)).toEqual(['commit-interval']);
    expect(await served()).toContain('s.example.com/ be_http:default:s');
    expect((await t.get('s.example.com')).backend).toBe('b');
  });

  test('when the spares of a shape run out, the next route reloads and the pool refills', async () => {
    t = await startTestRouter({ args: ['--blueprint-route-pool-size=1'], manifests: { 'eps.yaml': eps() } });
    await t.write('r.yaml', routeYaml({ name: 'r', host: 'r.example.com' }));
    expect(t.router.lastCommit()?.result).toBe('runtime');
    await t.write('s.yaml', routeYaml({ name: 's', host: 's.example.com' }));
    expect(t.router.lastCommit()?.result).toBe('reloaded');
    expect(t.router.lastCommit()?.reloadReasons?.map((r) => r.code)).toContain('backend-added');
    await t.write('u.yaml', routeYaml({ name: 'u', host: 'u.example.com', service: 'r' }));
    expect(t.router.lastCommit()?.result).toBe('runtime');
    expect((await t.get('u.example.com')).backend).toBe('a');
    expect((await t.get('s.example.com')).backend).toBe('b');
  });
});
