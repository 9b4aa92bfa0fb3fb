/**
 * Everything measured at one size, in one router's life: start, memory,
 * requests/s, endpoint moves, route adds, reloads, sequential adds; then the
 * same routes in openshift-router's regex-map shape under haproxy alone.
 */
import { configArgs } from '../../src/haproxy/config-args.ts';
import { join } from 'node:path';
import { errorMessage } from '../../src/errors.ts';
import { freePort } from '../../test/support/net.ts';
import { endpointMoves, movesDuringReloads, reloadToggles, routeAdds, type PhaseContext, type PhaseResult } from './changes.ts';
import { within } from './children.ts';
import { startCluster } from './cluster.ts';
import { startStandalone, timeCheck, writeReference } from './haproxy-alone.ts';
import { buildMix, podNames, seededRandom, type Mix, type RouteSpec } from './mix.ts';
import type { MixCertificates } from './objects.ts';
import type { PodFleet } from './pod-fleet.ts';
import { probe, untilServed } from './probe.ts';
import { cpuSeconds, haproxyMemory, loadAverage, peakRssMiB, rssMiB, untilIdle, untilIdleFor, type HaproxyMemory } from './proc-stats.ts';
import { upstreamShapeConfig } from './reference-configs.ts';
import { logLines, masterReloads, startRouter, untilListening, type RouterRun } from './router-run.ts';
import type { Settings } from './settings.ts';
import { runWrk, type WrkResult } from './wrk.ts';

export interface SizeResult {
  routes: number;
  loadBefore: string;
  /** Why the router never served, when it did not. */
  failed?: string;
  firstAnswerMs?: number;
  sampleServedMs?: number;
  sweep?: { probed: number; served: number };
  memoryStart?: { routerMiB: number; haproxy: HaproxyMemory };
  /** Once the router has been idle for IDLE_SECONDS more: after its collection of the start's garbage. */
  memoryIdle?: { routerMiB: number; haproxy: HaproxyMemory };
  /** Once the changes have passed: the router quiet, no reload or check in flight. */
  memoryEnd?: { routerMiB: number; haproxy: HaproxyMemory };
  /** The router's VmHWM at the end: its peak over the whole run (start, full renders of reloads). */
  routerPeakMiB?: number;
  routerCpuStartS?: number;
  /** At the first answer: the router's part of the start, before anything that runs once it is ready (status writes). */
  routerCpuFirstAnswerS?: number;
  /** From spawn until the router used under 5% of a core for a second (its start's work, status writes included, done). */
  settledMs?: number;
  wrk?: WrkResult;
  upstreamWrk?: WrkResult | string;
  upstreamCheckMs?: number;
  upstreamCheckCpuMs?: number;
  moves?: PhaseResult;
  adds?: PhaseResult;
  reloads?: PhaseResult;
  /** Endpoint moves made while a reload runs. */
  reloadMoves?: PhaseResult;
  sequential?: PhaseResult;
  checkMs?: number;
  checkCpuMs?: number;
  /** The router's own warnings and errors, and haproxy's alerts. */
  warnings: string[];
}

export interface SizeInput {
  routes: number;
  settings: Settings;
  dir: string;
  certs: MixCertificates;
  pods: PodFleet;
  limitPrefix: string[];
  fdLimit: number;
  /** Only start, memory and requests/s (the 10-route baseline, the certificate-heavy start). */
  light?: boolean;
  /** Replaces the generated mix (the certificate-heavy start gives every route its own certificate). */
  reshape?: (mix: Mix) => { mix: Mix; ownCerts?: ReadonlyMap<string, { cert: string; key: string }> };
  log: (line: string) => void;
}

/** `count` items evenly spaced over `items` (all of them when there are fewer). */
export function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * (items.length - 1)) / Math.max(1, count - 1))] as T);
}

/** Requests/s hosts: plain routes without a path, the ones every generator can ask for on port 80. */
export const wrkHosts = (mix: Mix, count: number): string[] => spread(mix.routes.filter((r) => r.kind === 'plain'), count).map((r) => r.host);

async function servedTimes(run: RouterRun, routes: readonly RouteSpec[], deadlineMs: number): Promise<number | undefined> {
  let latest = 0;
  for (let i = 0; i < routes.length; i += 10) {
    const times = await Promise.all(routes.slice(i, i + 10).map((r) => untilServed(run.ports, r, podNames(r.service), run.spawnedAt, deadlineMs)));
    for (const t of times) {
      if (t === undefined) return undefined;
      latest = Math.max(latest, t);
    }
  }
  return latest;
}

async function sweep(run: RouterRun, routes: readonly RouteSpec[]): Promise<{ probed: number; served: number }> {
  let served = 0;
  for (let i = 0; i < routes.length; i += 20) {
    const answers = await Promise.all(routes.slice(i, i + 20).map(async (r) => podNames(r.service).has((await probe(run.ports, r)) ?? '')));
    served += answers.filter(Boolean).length;
  }
  return { probed: routes.length, served };
}

/** Seconds of quiet after the start before memory is read again: the router collects once its JS thread has been idle 1.5 s (src/commit/idle-collection.ts). */
const IDLE_SECONDS = 3;

const memory = (run: RouterRun) => ({ routerMiB: rssMiB(run.proc.pid), haproxy: haproxyMemory(run.runDir) });

const checking = (pid: number): boolean => Bun.spawnSync(['pgrep', '-P', String(pid), '-f', 'haproxy -c']).stdout.toString().trim() !== '';

/**
 * Until the router is quiet with no reload in flight. The router waits idle
 * while `haproxy -c` or a new worker loads, holding a reload's full render:
 * memory sampled then is that peak, not what the changes left.
 */
async function untilSettled(run: RouterRun, deadlineMs: number): Promise<void> {
  const t0 = performance.now();
  while (performance.now() - t0 < deadlineMs) {
    const before = await masterReloads(run);
    if ((await untilIdle(run.proc.pid, deadlineMs)) === undefined) return;
    if (!checking(run.proc.pid) && (await masterReloads(run)) === before) return;
  }
}

export async function measureSize(input: SizeInput): Promise<SizeResult> {
  const { settings: s, routes } = input;
  const result: SizeResult = { routes, loadBefore: loadAverage(), warnings: [] };
  const built = buildMix({ routes, namespaces: Math.max(1, Math.min(100, Math.ceil(routes / 100))), httpPods: input.pods.http, tlsPods: input.pods.tls, maxPodsPerService: s.maxPodsPerService, seed: s.seed });
  const { mix, ownCerts } = input.reshape ? input.reshape(built) : { mix: built, ownCerts: undefined };
  const cluster = await startCluster();
  await cluster.api.loadMix(mix, input.certs, ownCerts);
  input.log(`${routes} routes: ${mix.services.length} services, ${mix.services.reduce((n, x) => n + x.pods.length, 0)} endpoint slices loaded; starting the router`);
  const dir = join(input.dir, `size-${routes}${input.reshape ? '-certs' : ''}`);
  const run = await startRouter({ api: cluster.access, dir, limitPrefix: input.limitPrefix, profileDir: s.profileDir, binary: s.binary, extraArgs: s.routerArgs });
  try {
    result.firstAnswerMs = await untilListening(run, s.startTimeoutMs);
    result.routerCpuFirstAnswerS = cpuSeconds(run.proc.pid);
    if (result.firstAnswerMs === undefined) {
      const last = logLines(run, /"level":"(error|fatal)"|ALERT/).at(-1);
      const why = last === undefined ? 'nothing logged' : String((JSON.parse(last) as { msg?: unknown }).msg ?? last);
      result.failed = `${run.proc.exitCode === null ? 'no answer within the start deadline' : `exited ${run.proc.exitCode}`}: "${why.slice(0, 300)}"`;
      return result;
    }
    // Every route is in the first configuration haproxy binds with: a route not served soon after is not served at all.
    result.sampleServedMs = await servedTimes(run, spread(mix.routes, s.startSample), result.firstAnswerMs + s.changeDeadlineMs);
    result.routerCpuStartS = cpuSeconds(run.proc.pid);
    input.log(`${routes} routes: first answer ${result.firstAnswerMs.toFixed(0)} ms, sample served ${result.sampleServedMs?.toFixed(0)} ms`);
    result.sweep = await sweep(run, spread(mix.routes, s.sweep));
    // Memory and requests/s once the router has finished starting (route status writes included), so wrk does not share the CPU with it.
    const settled = await untilIdle(run.proc.pid, s.startTimeoutMs);
    result.settledMs = settled === undefined ? undefined : performance.now() - run.spawnedAt - 1000;
    result.memoryStart = memory(run);
    if ((await untilIdleFor(run.proc.pid, IDLE_SECONDS, s.startTimeoutMs)) !== undefined) result.memoryIdle = memory(run);
    if (!input.reshape) {
      result.wrk = await runWrk(dir, run.ports.http, wrkHosts(mix, s.wrk.hosts), s.wrk);
      input.log(`${routes} routes: ${result.wrk.rps.toFixed(0)} requests/s`);
    }
    if (!input.light) {
      const ctx: PhaseContext = { api: cluster.api, run, mix, certs: input.certs, pods: input.pods, random: seededRandom(s.seed + routes), changeDeadlineMs: s.changeDeadlineMs, ownCertAdds: s.ownCertAdds };
      result.moves = await endpointMoves(ctx, s.moves, s.phaseBudgetMs);
      input.log(`${routes} routes: ${result.moves.latencies.length} endpoint moves`);
      result.adds = await routeAdds(ctx, routes, s.adds, s.phaseBudgetMs);
      input.log(`${routes} routes: ${result.adds.latencies.length} route adds`);
      result.reloads = await reloadToggles(ctx, s.reloads, s.reloadGapMs, s.reloadDeadlineMs);
      input.log(`${routes} routes: ${result.reloads.latencies.length} reloads timed`);
      result.reloadMoves = await movesDuringReloads(ctx, s.reloadMoves, s.reloadGapMs, s.reloadDeadlineMs, s.reloadMoveAfterMs);
      input.log(`${routes} routes: ${result.reloadMoves.latencies.length} endpoint moves during a reload`);
      result.sequential = await routeAdds(ctx, routes + s.adds, s.sequentialAdds, s.sequentialBudgetMs);
      input.log(`${routes} routes: ${result.sequential.latencies.length} sequential adds, ${result.sequential.reloads} reloads`);
    }
    await untilSettled(run, s.startTimeoutMs);
    // As haproxy loads it: haproxy.config and the backend files beside it.
    const liveConfig = join(run.workDir, 'conf', 'haproxy.config');
    const check = timeCheck(liveConfig, configArgs(liveConfig));
    result.checkMs = check.ok ? check.ms : undefined;
    result.checkCpuMs = check.ok ? check.cpuMs : undefined;
    result.memoryEnd = memory(run);
    result.routerPeakMiB = peakRssMiB(run.proc.pid);
    // haproxy's own lines (tag "haproxy") narrate every runtime change; the router's own warnings and haproxy's alerts are what count.
    result.warnings = logLines(run, /"level":"(warn|error|fatal)"/).filter((l) => !l.includes('"tag":"haproxy"') || l.includes('ALERT'));
  } finally {
    await run.stop();
    // The fake's TLS listener can wait on a connection the router left half-open; the next size starts a fresh one anyway.
    await within('stopping the fake API server', 30_000, cluster.stop()).catch((err: unknown) => input.log(errorMessage(err)));
  }
  if (input.reshape === undefined) await upstreamShape(input, mix, result, dir);
  return result;
}

async function upstreamShape(input: SizeInput, mix: Mix, result: SizeResult, dir: string): Promise<void> {
  const port = await freePort();
  const refDir = join(dir, 'upstream-shape');
  const ref = upstreamShapeConfig(mix.routes, { listenPort: port, fdLimit: input.fdLimit, dir: refDir });
  const file = writeReference(refDir, ref);
  const check = timeCheck(file);
  result.upstreamCheckMs = check.ok ? check.ms : undefined;
  result.upstreamCheckCpuMs = check.ok ? check.cpuMs : undefined;
  const haproxy = await startStandalone(file, port, input.settings.startTimeoutMs);
  if (typeof haproxy.ready === 'string') {
    result.upstreamWrk = haproxy.ready;
    return;
  }
  try {
    result.upstreamWrk = await runWrk(refDir, port, wrkHosts(mix, input.settings.wrk.hosts), input.settings.wrk);
  } finally {
    await haproxy.stop();
  }
}
