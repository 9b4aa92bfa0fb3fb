/**
 * Endpoint and route churn against a real haproxy under steady load, in the
 * router's default mode and in reload-for-everything mode (what
 * openshift-router does by default), side by side:
 *   bun run build && bun run bench:updates
 * Environment: CHANGES (default 100), MIXED (default 1000), SPARES (spare
 * backends per shape for the default-mode router; default 10), RELOAD_INTERVAL
 * for the reload-mode router (default 5s, upstream's default), RELOAD_CHANGES
 * (default 20: each waits for a reload), ONLY=default or ONLY=reload to run
 * one mode (e.g. to repeat the default-mode churn), ROUTER_BINARY to measure
 * another build (default dist/router), ANNOTATED (default 20; 0 skips the
 * annotated routes, for builds that predate them), PROFILE=DIR to profile
 * the router's CPU (see `program`).
 * Prints Markdown for BENCHMARKS.md. Loopback only; every process is stopped.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { socketCommand } from '../src/haproxy/runtime-api/socket-command.ts';
import { startFakeApiServer, type FakeApiServer } from '../test/support/fake-api/fake-api-server.ts';
import { freePortPair } from '../test/support/net.ts';
import { annotatedChurn } from './annotated-routes.ts';
import { cpuSeconds, reapedChildrenCpuSeconds } from './scale/proc-stats.ts';

const root = resolve(import.meta.dir, '..');
const binary = resolve(process.env.ROUTER_BINARY ?? join(root, 'dist/router'));
/** With PROFILE=DIR, the router's source (ROUTER_SOURCE, default this checkout's) under `bun --cpu-prof`, profiles in DIR. */
const program = process.env.PROFILE
  ? ['bun', '--cpu-prof', '--cpu-prof-md', `--cpu-prof-dir=${resolve(process.env.PROFILE)}`, resolve(process.env.ROUTER_SOURCE ?? join(root, 'src/main.ts'))]
  : [binary];
const ROUTES = 50;
const LOADED = 10;
const BACKENDS = 20;

interface Mode {
  name: string;
  env: Record<string, string>;
  interval: string;
  changes: number;
  mixed: number;
}

const allModes: (Mode & { key: string })[] = [
  {
    key: 'default',
    name: 'router (default)',
    env: process.env.SPARES ? { ROUTER_BLUEPRINT_ROUTE_POOL_SIZE: process.env.SPARES } : {},
    interval: '0s',
    changes: Number(process.env.CHANGES ?? 100),
    mixed: Number(process.env.MIXED ?? 1000),
  },
  {
    key: 'reload',
    name: 'reload for everything',
    env: { ROUTER_RUNTIME_UPDATES: 'false' },
    interval: process.env.RELOAD_INTERVAL ?? '5s',
    changes: Number(process.env.RELOAD_CHANGES ?? 20),
    mixed: Number(process.env.RELOAD_MIXED ?? 100),
  },
];
const modes: Mode[] = allModes.filter((m) => process.env.ONLY === undefined || m.key === process.env.ONLY);

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

function startBackends(): { name: string; port: number; stop(): void }[] {
  return Array.from({ length: BACKENDS }, (_, i) => {
    const name = `b${i}`;
    const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response(name, { headers: { 'x-backend': name } }) });
    return { name, port: server.port as number, stop: () => server.stop(true) };
  });
}

const route = (i: number) => ({
  apiVersion: 'route.openshift.io/v1',
  kind: 'Route',
  metadata: { name: `r${i}`, namespace: 'bench' },
  spec: { host: `r${i}.bench.example.com`, to: { kind: 'Service', name: `s${i}` } },
});

const slice = (i: number, port: number) => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: `s${i}-1`, namespace: 'bench', labels: { 'kubernetes.io/service-name': `s${i}` } },
  addressType: 'IPv4',
  endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
  ports: [{ name: 'http', port, protocol: 'TCP' }],
});

/** Lines from a child's stdout, with a way to wait for one that matches. */
function lineReader(stream: ReadableStream<Uint8Array>) {
  const waiters: { match: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  const lines: string[] = [];
  void (async () => {
    let buf = '';
    for await (const chunk of stream) {
      buf += new TextDecoder().decode(chunk);
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        for (const w of waiters.filter((w) => w.match(line))) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  })();
  return {
    lines,
    next(match: (l: string) => boolean, timeoutMs: number): Promise<string | undefined> {
      return new Promise((res) => {
        const timer = setTimeout(() => res(undefined), timeoutMs);
        waiters.push({ match, resolve: (l) => (clearTimeout(timer), res(l)) });
      });
    },
  };
}

function haproxyProcesses(runDir: string): number {
  let n = 0;
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const cmd = readFileSync(`/proc/${e}/cmdline`, 'utf8');
      if (cmd.includes('haproxy') && cmd.includes(runDir)) n++;
    } catch {
      // gone
    }
  }
  return n;
}

/** The master's reload counter; the socket is briefly gone while the master re-executes, so retry. */
async function masterReloads(runDir: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const reply = await socketCommand(join(runDir, 'master.sock'), 'show proc', 2000).catch(() => '');
    const n = Number(/master\s+(\d+)/.exec(reply)?.[1]);
    if (Number.isFinite(n)) return n;
    await Bun.sleep(100);
  }
  return Number.NaN;
}

async function runMode(mode: Mode, api: FakeApiServer, backends: ReturnType<typeof startBackends>) {
  const dir = mkdtempSync(join(tmpdir(), 'rbu-'));
  const [httpPort, httpsPort] = await freePortPair();
  const router = Bun.spawn(
    [...program, `--master=${api.url}`, '--allow-loopback-endpoints', '--bind-address=127.0.0.1', `--http-port=${httpPort}`, `--https-port=${httpsPort}`, `--working-dir=${dir}`, `--interval=${mode.interval}`, '--log-format=json', '--loglevel=warn'],
    { env: { PATH: process.env.PATH ?? '', ROUTER_GRACEFUL_SHUTDOWN_DELAY: '0s', ...mode.env }, stdout: 'pipe', stderr: 'inherit' },
  );
  // Warnings and errors only (--loglevel=warn): kept to count reload failures, if any.
  const routerOut = lineReader(router.stdout);
  let stopping = false;
  void router.exited.then((code) => {
    if (stopping) return;
    console.error(`[${mode.name}] the router exited (${code}) before the bench ended:\n${routerOut.lines.slice(-10).join('\n')}`);
    process.exit(1);
  });
  const runDir = join(dir, 'run');
  // Ready = haproxy answers for the first route.
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(`http://127.0.0.1:${httpPort}/`, { headers: { Host: 'r0.bench.example.com' } }).then((r) => r.status === 200, () => false);
    if (ok) break;
    await Bun.sleep(50);
  }
  const hosts = Array.from({ length: LOADED }, (_, i) => `r${i}.bench.example.com`);
  const load = Bun.spawn(['bun', join(root, 'bench/load.ts'), String(httpPort), '8', ...hosts], { stdout: 'pipe', stderr: 'inherit' });
  const loadOut = lineReader(load.stdout);
  const current = new Map<number, number>(Array.from({ length: ROUTES }, (_, i) => [i, i % BACKENDS]));
  for (let i = 0; i < LOADED; i++) await loadOut.next((l) => l.includes(` r${i}.bench.example.com `), 10_000);
  const reloadsBefore = await masterReloads(runDir);
  const cpuBefore = { router: cpuSeconds(router.pid), checks: reapedChildrenCpuSeconds(router.pid) };

  // 1. Endpoint change -> first request served by the new endpoint.
  const endpointLatency: number[] = [];
  for (let c = 0; c < mode.changes; c++) {
    const i = c % LOADED;
    const next = ((current.get(i) ?? 0) + 1 + (c % 3)) % BACKENDS;
    current.set(i, next);
    const target = backends[next];
    if (!target) continue;
    const t0 = Date.now();
    const seen = loadOut.next((l) => l.startsWith('serve ') && l.endsWith(` r${i}.bench.example.com ${target.name}`), 30_000);
    api.update(slice(i, target.port));
    const line = await seen;
    if (line) endpointLatency.push(Number(line.split(' ')[1]) - t0);
  }
  const reloadsAfterEndpoints = await masterReloads(runDir);
  // Per change: the router's own CPU, and that of the children it reaped meanwhile (the background `haproxy -c` runs).
  const endpointCpu = {
    routerMs: ((cpuSeconds(router.pid) - cpuBefore.router) * 1000) / Math.max(1, endpointLatency.length),
    checksMs: ((reapedChildrenCpuSeconds(router.pid) - cpuBefore.checks) * 1000) / Math.max(1, endpointLatency.length),
  };

  // 2. Route of an existing shape added -> first 200 for its host.
  const routeLatency: number[] = [];
  for (let c = 0; c < Math.min(mode.changes, 50); c++) {
    const i = ROUTES + c;
    api.create(slice(i, backends[c % BACKENDS]?.port ?? 0));
    const t0 = Date.now();
    api.create(route(i));
    for (let k = 0; k < 20_000; k++) {
      const res = await fetch(`http://127.0.0.1:${httpPort}/`, { headers: { Host: `r${i}.bench.example.com` } }).catch(() => undefined);
      if (res?.status === 200) {
        routeLatency.push(Date.now() - t0);
        break;
      }
      await Bun.sleep(2);
    }
  }
  const reloadsAfterRoutes = await masterReloads(runDir);

  // 2b. Routes added with timeout, allowlist and HSTS annotations, then those changed (issue #13).
  const annotatedCount = Math.min(mode.changes, Number(process.env.ANNOTATED ?? 20));
  for (let c = 0; c < annotatedCount; c++) api.create(slice(ROUTES + 60 + c, backends[c % BACKENDS]?.port ?? 0));
  const annotated = await annotatedChurn(api, httpPort, ROUTES + 60, annotatedCount);
  const reloadsAfterAnnotated = await masterReloads(runDir);

  // 3. Mixed churn: endpoint moves, scale up/down, route add/remove.
  for (let c = 0; c < mode.mixed; c++) {
    const i = c % ROUTES;
    const kind = c % 4;
    if (kind < 2) api.update(slice(i, backends[(c * 7) % BACKENDS]?.port ?? 0));
    else if (kind === 2) {
      const extra = ROUTES + 100 + (c % 20);
      if (api.get('Route', 'bench', `r${extra}`)) {
        api.remove('Route', 'bench', `r${extra}`);
      } else {
        if (!api.get('EndpointSlice', 'bench', `s${extra}-1`)) api.create(slice(extra, backends[c % BACKENDS]?.port ?? 0));
        api.create(route(extra));
      }
    } else {
      const s = slice(i, backends[(c * 3) % BACKENDS]?.port ?? 0);
      s.endpoints = [...s.endpoints, { addresses: ['127.0.0.2'], conditions: { ready: c % 8 === 3 } }];
      api.update(s);
    }
    if (c % 50 === 49) await Bun.sleep(mode.interval === '0s' ? 20 : 200);
  }
  // Let the last changes settle, then read the counters.
  await Bun.sleep(mode.interval === '0s' ? 1000 : 7000);
  const reloadsAfterMixed = await masterReloads(runDir);
  const live = haproxyProcesses(runDir);

  const totalLine = loadOut.next((l) => l.startsWith('total '), 10_000);
  load.kill('SIGTERM');
  const total = await totalLine;
  await load.exited;
  stopping = true;
  router.kill('SIGTERM');
  await router.exited;
  rmSync(dir, { recursive: true, force: true });
  for (const l of loadOut.lines.filter((l) => l.startsWith('fail ')).slice(0, 10)) console.error(`[${mode.name}] load: ${l}`);
  for (const l of routerOut.lines.filter((l) => /exited|ALERT|restart/.test(l)).slice(0, 10)) console.error(`[${mode.name}] router: ${l}`);
  const reloadWarnings = routerOut.lines.filter((l) => l.includes('reload'));
  for (const l of reloadWarnings) console.error(`[${mode.name}] ${l}`);
  const reloadLines = reloadWarnings.length;
  const [, requests = '0', failures = '0'] = (total ?? 'total 0 0').split(' ');
  return {
    endpointLatency,
    endpointCpu,
    routeLatency,
    annotated,
    reloads: {
      endpoints: reloadsAfterEndpoints - reloadsBefore,
      routes: reloadsAfterRoutes - reloadsAfterEndpoints,
      annotated: reloadsAfterAnnotated - reloadsAfterRoutes,
      mixed: reloadsAfterMixed - reloadsAfterAnnotated,
    },
    live,
    reloadLines,
    requests: Number(requests),
    failures: Number(failures),
  };
}

type ModeResult = { mode: Mode } & Awaited<ReturnType<typeof runMode>>;
const backends = startBackends();
const results: ModeResult[] = [];
for (const mode of modes) {
  const api = await startFakeApiServer();
  for (let i = 0; i < ROUTES; i++) {
    api.create(slice(i, backends[i % BACKENDS]?.port ?? 0));
    api.create(route(i));
  }
  results.push({ mode, ...(await runMode(mode, api, backends)) });
  await api.stop();
}
for (const b of backends) b.stop();

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : 'n/a');
console.log('| measurement | ' + results.map((r) => r.mode.name).join(' | ') + ' |');
console.log('|---|' + results.map(() => '---').join('|') + '|');
const row = (name: string, f: (r: ModeResult) => string) => console.log(`| ${name} | ${results.map(f).join(' | ')} |`);
row('--interval', (r) => r.mode.interval);
row('endpoint change -> served, p50 ms', (r) => `${fmt(percentile(r.endpointLatency, 50))} (n=${r.endpointLatency.length})`);
row('endpoint change -> served, p99 ms', (r) => fmt(percentile(r.endpointLatency, 99)));
row('CPU per endpoint change, ms: router / its haproxy -c children', (r) => `${r.endpointCpu.routerMs.toFixed(1)} / ${r.endpointCpu.checksMs.toFixed(1)}`);
row('reloads during endpoint changes', (r) => String(r.reloads.endpoints));
row('route add -> served, p50 ms', (r) => `${fmt(percentile(r.routeLatency, 50))} (n=${r.routeLatency.length})`);
row('route add -> served, p99 ms', (r) => fmt(percentile(r.routeLatency, 99)));
row('reloads during route adds', (r) => String(r.reloads.routes));
row('annotated route add (timeout, allowlist, HSTS) -> served, p50 ms', (r) => `${fmt(percentile(r.annotated.added, 50))} (n=${r.annotated.added.length})`);
row('annotated route add -> served, p99 ms', (r) => fmt(percentile(r.annotated.added, 99)));
row('annotations changed on a live route -> seen, p50 ms', (r) => `${fmt(percentile(r.annotated.changed, 50))} (n=${r.annotated.changed.length})`);
row('annotations changed -> seen, p99 ms', (r) => fmt(percentile(r.annotated.changed, 99)));
row('reloads during annotated adds and changes', (r) => String(r.reloads.annotated));
row('mixed changes', (r) => String(r.mode.mixed));
row('reloads during mixed changes', (r) => String(r.reloads.mixed));
row('live haproxy processes after', (r) => String(r.live));
row('requests / failed under load', (r) => `${r.requests} / ${r.failures}`);
row('warning lines mentioning reloads', (r) => String(r.reloadLines));
