/**
 * Requests/s through haproxy at N routes against 10 routes (issue #12),
 * measured so the figure survives a shared machine:
 *   bun run build && bun run bench:rps
 * The router at N routes, a router at 10 routes and a minimal one-backend
 * haproxy all run at once over the same pods (bench/scale's pod processes;
 * both routers are dist/router with the same flags, each on its own fake API
 * server holding the same seeded mix at its size). wrk then asks each in
 * turn, round after round (the order rotated), plain and path routes over
 * HTTP and edge routes over HTTPS, a spread of hosts with a new path per
 * request; each run also reads the serving haproxy worker's CPU time from
 * /proc, so requests per CPU second compare even when other work takes the
 * cores. Medians over the rounds, with their spread. A fourth side is the
 * router at N routes asked for the 10-route router's hosts only: what the
 * size of the configuration costs, apart from what spreading the traffic
 * over many routes and pods costs.
 *
 * Environment (and bench/scale/settings.ts for the pods and the mix):
 *   SIZES=10000,50000   route counts, one router at a time beside the 10-route one
 *   ROUNDS=5   rounds per size; WRK_SECONDS=10 WRK_CONNECTIONS=50 WRK_THREADS=1 per run
 *   WRK_HOSTS=1000   hosts per scheme wrk spreads its requests over
 *   IDLE_S=5   seconds each haproxy's idle CPU (health checks) is measured over, subtracted in "net"
 *   COMPARE_BINARY=<path>   another build of the router serving the same N routes, one more side in the rounds
 *   PERF_DIR=<dir>   after the rounds, one more run per router side and scheme under `perf record -g` of its worker
 *   ROUTER_ARGS="..."   more flags for both routers; KEEP=1 keeps the temp dir
 * Loopback only; every process it starts is killed by PID at the end, on failure or on Ctrl-C.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { errorMessage } from '../src/errors.ts';
import { installExitHandlers, killAll } from './scale/children.ts';
import { makeMixCertificates } from './scale/cluster.ts';
import { openFileLimit } from './scale/file-limit.ts';
import { buildMix } from './scale/mix.ts';
import { startPods } from './scale/pod-fleet.ts';
import { loadAverage } from './scale/proc-stats.ts';
import { readSettings } from './scale/settings.ts';
import { sizeReport } from './rps/report.ts';
import { profiled } from './rps/perf.ts';
import { idleCpu, interleave, measure } from './rps/rounds.ts';
import { startMinimalSide, startRouterSide, type Side } from './rps/sides.ts';

const perfDir = process.env.PERF_DIR || undefined;
const compareBinary = process.env.COMPARE_BINARY ? resolve(process.env.COMPARE_BINARY) : undefined;

/** One more run of each side and scheme, its serving haproxy under perf; the reports say where their CPU went. */
async function profileSides(sides: readonly Side[], into: string, tag: string): Promise<void> {
  mkdirSync(into, { recursive: true });
  for (const side of sides) {
    const pid = side.servingPid();
    for (const [scheme, load] of [['http', side.http], ['https', side.https]] as const) {
      if (!load || pid === undefined) continue;
      const file = join(into, `${tag}-${side.name.replace(/[^a-z0-9]+/gi, '-')}-${scheme}.data`);
      const sample = await profiled(pid, file, () => measure(side, load, settings.wrk, dir));
      log(`perf: ${file}(.txt), ${side.name} ${scheme}: ${sample.rps.toFixed(0)} requests/s, ${((sample.cpuSeconds * 1e6) / sample.requests).toFixed(1)} µs CPU per request`);
    }
  }
}

const log = (line: string) => console.error(`[rps ${new Date().toISOString().slice(11, 19)}] ${line}`);

function whole(name: string, fallback: number): number {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of at least 1`);
  return n;
}

installExitHandlers();
const settings = readSettings('10000,50000');
const rounds = whole('ROUNDS', 5);
const idleSeconds = whole('IDLE_S', 5);
const root = resolve(import.meta.dir, '..');
const dir = mkdtempSync(join(tmpdir(), 'rps-'));
const limit = openFileLimit(settings.nofile);
const commit = Bun.spawnSync(['git', 'rev-parse', '--short', 'HEAD'], { cwd: root }).stdout.toString().trim();
const started: Side[] = [];
try {
  const { certs, pod } = makeMixCertificates();
  const pods = await startPods(dir, { processes: settings.podProcesses, httpPods: settings.httpPods, tlsPods: settings.tlsPods, tls: pod });
  log(`${pods.http.length} HTTP and ${pods.tls.length} TLS pods in ${pods.pids.length} processes; open files: ${limit.note}`);
  const mixOf = (routes: number) =>
    buildMix({ routes, namespaces: Math.max(1, Math.min(100, Math.ceil(routes / 100))), httpPods: pods.http, tlsPods: pods.tls, maxPodsPerService: settings.maxPodsPerService, seed: settings.seed });
  const routerSide = (name: string, routes: number, binary?: string) =>
    startRouterSide({ name, mix: mixOf(routes), certs, dir, limitPrefix: limit.prefix, extraArgs: settings.routerArgs, binary, perScheme: settings.wrk.hosts, startTimeoutMs: settings.startTimeoutMs, log });
  const small = await routerSide(`${settings.baselineRoutes} routes`, settings.baselineRoutes);
  started.push(small);
  const floor = await startMinimalSide(dir, pods.http[0] ?? 0, limit.limit, settings.wrk.hosts);
  started.push(floor);
  const cpu = (await Bun.file('/proc/cpuinfo').text()).match(/model name\s*:\s*(.*)/)?.[1] ?? '?';
  console.log(`## Requests/s at N routes vs ${settings.baselineRoutes} routes, interleaved (issue #12)\n`);
  console.log(`Commit ${commit}, ${new Date().toISOString()}; ${navigator.hardwareConcurrency} cores (${cpu}); ${Bun.spawnSync(['haproxy', '-v']).stdout.toString().split('\n')[0]}; bun ${Bun.version}; load average at the start ${loadAverage()}.`);
  console.log(`Open files: ${limit.note}. wrk ${settings.wrk.threads} thread(s), ${settings.wrk.connections} connections, ${settings.wrk.seconds} s a run, up to ${settings.wrk.hosts} hosts per scheme; ${rounds} rounds; pods: ${pods.http.length} HTTP + ${pods.tls.length} TLS, 1-${settings.maxPodsPerService} per service.\n`);
  for (const routes of settings.sizes) {
    log(`${routes} routes: starting the router`);
    const big = await routerSide(`${routes.toLocaleString('en')} routes`, routes);
    const others: Side[] = [];
    log(`${routes} routes: served ${big.startedMs.toFixed(0)} ms after spawn, settled`);
    try {
      // The other build not starting leaves the rounds of this one to run.
      if (compareBinary) {
        await routerSide(`${routes.toLocaleString('en')} routes (${basename(compareBinary)})`, routes, compareBinary).then(
          (side) => others.push(side),
          (err: unknown) => log(`${routes} routes: ${basename(compareBinary)} left out: ${errorMessage(err)}`),
        );
      }
      log(`${routes} routes: measuring idle CPU for ${idleSeconds} s`);
      const few: Side = { ...big, name: `${big.name}, ${small.name}' hosts`, http: { ...big.http, targets: small.http.targets }, https: big.https && small.https && { ...big.https, targets: small.https.targets } };
      const sides = [big, ...others, few, small, floor];
      const idle = await idleCpu(sides, idleSeconds);
      const result = await interleave(sides, rounds, settings.wrk, dir, log);
      console.log(`${sizeReport({ routes, rounds: result, idle, big: big.name, others: others.map((o) => o.name), few: few.name, small: small.name, floor: floor.name })}\n`);
      if (perfDir) await profileSides([big, ...others, few, small], perfDir, `${routes}`);
    } finally {
      for (const side of [big, ...others]) await side.stop();
    }
  }
  console.log(`Load average at the end: ${loadAverage()}.`);
  for (const side of started.splice(0)) await side.stop();
  await pods.stop();
} finally {
  killAll();
  if (process.env.KEEP) log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
