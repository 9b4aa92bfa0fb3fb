/**
 * Scale benchmark (issue #12): the built dist/router against the fake
 * Kubernetes API server, at several numbers of routes, side by side:
 *   bun run build && bun run bench:scale
 * Each size starts a fresh API server holding a seeded mix (plain, path,
 * edge with each insecure policy, reencrypt, passthrough; services shared by
 * several routes; 1-3 pods per service, each pod a real listener on
 * 127.0.0.1 in separate pod processes), starts the router on it and
 * measures: start to served, memory, requests/s with wrk (against 10 routes,
 * openshift-router's regex-map shape of the same routes under haproxy alone,
 * and a minimal one-backend haproxy), endpoint moves and route adds one at a
 * time, reloads, endpoint moves during a reload, and sequential adds. A certificate-heavy start (every edge
 * route its own certificate) is measured once.
 *
 * Environment (defaults in bench/scale/settings.ts):
 *   SIZES=1000,10000,50000,100000   route counts
 *   MOVES=200 ADDS=200 SEQ_ADDS=3000 RELOADS=4 RELOAD_MOVES=<RELOADS>   changes per phase (RELOAD_MOVES: moves during a reload)
 *   RELOAD_MOVE_AFTER_MS=100            how long after the reload's change each of those moves comes (100: in its plan)
 *   PHASE_BUDGET_S=150 SEQ_BUDGET_S=300   a phase stops at its count or its budget (said in the table)
 *   CHANGE_DEADLINE_S=30 RELOAD_DEADLINE_S=180 START_TIMEOUT_S=600   per change / per reload / per start
 *   WRK_SECONDS=10 WRK_CONNECTIONS=50 WRK_THREADS=1 WRK_HOSTS=1000
 *   HTTP_PODS=4000 TLS_PODS=1000 POD_PROCS=2   pod listeners and the processes that hold them
 *   MAX_PODS=3   pods per service: 1 to this many
 *   CERT_ROUTES=5000 (0: skip the certificate-heavy start)   NOFILE=1048576 (the unit's LimitNOFILE)
 *   OWN_CERTS=1 (each edge and reencrypt route added gets a certificate of its own)
 *   ROUTER_BINARY=<path>   another build instead of dist/router (e.g. a "before" binary kept aside)
 *   PROFILE=<dir>   run src/main.ts under `bun --cpu-prof --heap-prof` (Markdown summaries too) instead of dist/router
 *   ROUTER_ARGS="--interval=0s ..."   more router flags; KEEP=1 keeps the temp dir (router logs, configs)
 * Loopback only. Every process it starts is killed by PID at the end, on
 * failure or on Ctrl-C.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateSelfSignedCertificate } from '../src/tls/self-signed.ts';
import { freePort } from '../test/support/net.ts';
import { installExitHandlers, killAll } from './scale/children.ts';
import { makeMixCertificates } from './scale/cluster.ts';
import { startStandalone, writeReference } from './scale/haproxy-alone.ts';
import { measureSize, type SizeInput } from './scale/measure-size.ts';
import type { Mix } from './scale/mix.ts';
import { startPods } from './scale/pod-fleet.ts';
import { openFileLimit } from './scale/file-limit.ts';
import { loadAverage } from './scale/proc-stats.ts';
import { minimalConfig } from './scale/reference-configs.ts';
import { sideBySide, sizeTable, type References } from './scale/report.ts';
import { readSettings } from './scale/settings.ts';
import { runWrk, type WrkResult } from './scale/wrk.ts';

const log = (line: string) => console.error(`[scale ${new Date().toISOString().slice(11, 19)}] ${line}`);

/** Every edge route its own certificate (distinct keys), over HTTP services, for the certificate-heavy start. */
function certificateHeavy(count: number): (mix: Mix) => { mix: Mix; ownCerts: Map<string, { cert: string; key: string }> } {
  return (mix) => {
    const http = mix.services.filter((s) => !s.tls);
    const routes = mix.routes.slice(0, count).map((r, i) => {
      const service = http[i % http.length] ?? r.service;
      return { ...r, kind: 'edge' as const, policy: 'None' as const, path: undefined, service, namespace: service.namespace };
    });
    const ownCerts = new Map(routes.map((r) => {
      const { certPem, keyPem } = generateSelfSignedCertificate({ commonName: r.host, dnsNames: [r.host], days: 30 });
      return [r.name, { cert: certPem, key: keyPem }] as const;
    }));
    return { mix: { services: mix.services, routes }, ownCerts };
  };
}

async function minimalFigure(dir: string, pod: number, fdLimit: number, wrk: SizeInput['settings']['wrk']): Promise<WrkResult | string> {
  const port = await freePort();
  const refDir = join(dir, 'minimal');
  const haproxy = await startStandalone(writeReference(refDir, minimalConfig(pod, { listenPort: port, fdLimit, dir: refDir })), port, 30_000);
  if (typeof haproxy.ready === 'string') return haproxy.ready;
  try {
    return await runWrk(refDir, port, ['minimal.bench.test'], wrk);
  } finally {
    await haproxy.stop();
  }
}

installExitHandlers();
const settings = readSettings();
const root = resolve(import.meta.dir, '..');
const dir = mkdtempSync(join(tmpdir(), 'rsc-'));
const limit = openFileLimit(settings.nofile);
const commit = Bun.spawnSync(['git', 'rev-parse', '--short', 'HEAD'], { cwd: root }).stdout.toString().trim();
try {
  const { certs, pod } = makeMixCertificates();
  const pods = await startPods(dir, { processes: settings.podProcesses, httpPods: settings.httpPods, tlsPods: settings.tlsPods, tls: pod });
  log(`${pods.http.length} HTTP and ${pods.tls.length} TLS pods listening in ${pods.pids.length} processes; open files: ${limit.note}`);
  const base = { settings, dir, certs, pods, limitPrefix: limit.prefix, fdLimit: limit.limit, log };
  const firstPod = pods.http[0] ?? 0;
  const podDirect = await runWrk(dir, firstPod, ['pod.bench.test'], settings.wrk);
  const minimal = await minimalFigure(dir, firstPod, limit.limit, settings.wrk);
  const baseline = await measureSize({ ...base, routes: settings.baselineRoutes, light: true });
  const refs: References = { minimal, podDirect, baseline };
  const counts = { moves: settings.moves, adds: settings.adds, sequential: settings.sequentialAdds };
  const cpu = (await Bun.file('/proc/cpuinfo').text()).match(/model name\s*:\s*(.*)/)?.[1] ?? '?';
  console.log(`## Scale (issue #12)\n`);
  console.log(`Commit ${commit}, ${new Date().toISOString()}; ${navigator.hardwareConcurrency} cores (${cpu}); ${Bun.spawnSync(['haproxy', '-v']).stdout.toString().split('\n')[0]}; bun ${Bun.version}.`);
  console.log(`Open files for the router and haproxy: ${limit.note}.`);
  console.log(`Settings: ${JSON.stringify({ ...settings, profileDir: settings.profileDir ?? null })}\n`);
  console.log(`Reference figures: wrk straight to one pod ${podDirect.rps.toFixed(0)} requests/s (the pod side's ceiling); minimal one-backend haproxy ${typeof minimal === 'string' ? minimal : minimal.rps.toFixed(0)} requests/s; router with ${baseline.routes} routes ${baseline.wrk?.rps.toFixed(0) ?? baseline.failed} requests/s.\n`);
  // Each size's table as soon as it is measured: a long run cut short keeps what it had.
  const results = [];
  for (const routes of settings.sizes) {
    const result = await measureSize({ ...base, routes });
    results.push(result);
    console.log(`${sizeTable(result, refs, counts)}\n`);
  }
  if (settings.certRoutes > 0) {
    const certHeavy = await measureSize({ ...base, routes: settings.certRoutes, light: true, reshape: certificateHeavy(settings.certRoutes) });
    console.log(`${sizeTable(certHeavy, refs, counts).replace('routes', 'edge routes, each with its own certificate')}\n`);
  }
  console.log(`### Side by side\n\n${sideBySide(results, refs, counts)}\n\nLoad average at the end: ${loadAverage()}.`);
  await pods.stop();
} finally {
  killAll();
  if (process.env.KEEP) log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
