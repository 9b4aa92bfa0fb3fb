/**
 * Changes made through the API, one at a time, each timed from the API write
 * (the watch event leaves the fake at once) to the first answer from the
 * expected pod through haproxy. A phase stops at its count or its time
 * budget, whichever comes first, and says which.
 */
import type { FakeApiServer } from '../../test/support/fake-api/fake-api-server.ts';
import { pickService, podNames, routeAt, type Mix, type RouteSpec } from './mix.ts';
import { routeObject, sliceObject, type MixCertificates } from './objects.ts';
import { stickyCookie, untilServed, type Ports } from './probe.ts';
import { cpuSeconds } from './proc-stats.ts';
import { masterReloads, untilReloaded, type RouterRun } from './router-run.ts';

export interface PhaseResult {
  /** ms from API write to served, for the changes that were served. */
  latencies: number[];
  /** Every change attempted: when its API write was made (ms since the epoch), its latency (undefined: not served) and what the probe asked for (kind, host, awaited pods), to join with the router's log and haproxy's access log. */
  changes: { writtenAt: number; ms: number | undefined; subject: string }[];
  attempted: number;
  /** Changes not served within the per-change deadline. */
  timedOut: number;
  reloads: number;
  /** Set when the time budget ended the phase before its count. */
  budgetHit: boolean;
  seconds: number;
  /** The router's CPU time (user + system) over the phase, per change attempted: what a change costs whatever else runs on the machine. */
  routerCpuMsPerChange: number;
  /** Changes whose probe could only draw among the pods (moves on services served by passthrough routes alone). */
  drawn: number;
}

export interface PhaseContext {
  api: FakeApiServer;
  run: RouterRun;
  mix: Mix;
  certs: MixCertificates;
  pods: { http: readonly number[]; tls: readonly number[] };
  random: () => number;
  /** ms one change may take before it counts as not served. */
  changeDeadlineMs: number;
}

/** The time base of performance.now() as ms since the epoch: each change's t0 as the router's log can be compared with. */
const epoch = (t: number) => performance.timeOrigin + t;

async function phase(ctx: PhaseContext, count: number, budgetMs: number, change: (i: number) => Promise<{ t0: number; ms: number | undefined; subject: string; drawn?: boolean }>): Promise<PhaseResult> {
  const before = await masterReloads(ctx.run);
  const cpuBefore = cpuSeconds(ctx.run.proc.pid);
  const start = performance.now();
  const result: PhaseResult = { latencies: [], changes: [], attempted: 0, timedOut: 0, reloads: 0, budgetHit: false, seconds: 0, routerCpuMsPerChange: Number.NaN, drawn: 0 };
  for (let i = 0; i < count; i++) {
    if (performance.now() - start > budgetMs) {
      result.budgetHit = true;
      break;
    }
    result.attempted++;
    const { t0, ms, subject, drawn } = await change(i);
    result.changes.push({ writtenAt: epoch(t0), ms, subject });
    if (drawn) result.drawn++;
    if (ms === undefined) result.timedOut++;
    else result.latencies.push(ms);
  }
  result.seconds = (performance.now() - start) / 1000;
  result.reloads = (await masterReloads(ctx.run)) - before;
  result.routerCpuMsPerChange = ((cpuSeconds(ctx.run.proc.pid) - cpuBefore) * 1000) / Math.max(1, result.attempted);
  return result;
}

const ports = (ctx: PhaseContext): Ports => ctx.run.ports;

/** What a change's probe asks for, one word each: the route's kind, `namespace/name` (as haproxy's access log names it), host, the awaited pods (`p<port>` joined by commas). */
export const probeSubject = (route: Pick<RouteSpec, 'kind' | 'namespace' | 'name' | 'host'>, pods: readonly number[]): string =>
  `${route.kind} ${route.namespace}/${route.name} ${route.host} ${pods.map((p) => `p${p}`).join(',')}`;

/**
 * The route a move of `route`'s service is probed through: the route itself,
 * unless it is a passthrough route and a route haproxy terminates serves the
 * same service. A passthrough route has no sticky cookie to ask for the new
 * pod by, so its probe draws among the pods, a new connection each time,
 * until it lands on the new one: luck, not the change's latency (the two
 * slowest moves of a quiet 10,000-route run, 152 and 195 ms, were such draws;
 * BENCHMARKS.md). The move changes every route of the service in one commit.
 */
export function moveProbeRoute(route: RouteSpec, routes: readonly RouteSpec[]): RouteSpec {
  if (route.kind !== 'passthrough') return route;
  return routes.find((r) => r.service === route.service && r.kind !== 'passthrough') ?? route;
}

/**
 * One pod of a routed service replaced by another (a pod rescheduled): its
 * slice gets the new port. Served once the new pod answers; the probe asks
 * for it by its sticky cookie, through another route of the service when
 * the moved one is passthrough (moveProbeRoute); a service served by
 * passthrough routes alone is probed by drawing, and counted as drawn.
 */
export function endpointMoves(ctx: PhaseContext, count: number, budgetMs: number): Promise<PhaseResult> {
  return phase(ctx, count, budgetMs, async () => {
    const route = ctx.mix.routes[Math.floor(ctx.random() * ctx.mix.routes.length)] as RouteSpec;
    const service = route.service;
    const pool = service.tls ? ctx.pods.tls : ctx.pods.http;
    const slot = Math.floor(ctx.random() * service.pods.length);
    let next = service.pods[slot] ?? 0;
    while (service.pods.includes(next)) next = pool[Math.floor(ctx.random() * pool.length)] ?? 0;
    service.pods[slot] = next;
    const t0 = performance.now();
    ctx.api.update(sliceObject(service, slot, next));
    const probed = moveProbeRoute(route, ctx.mix.routes);
    const cookie = stickyCookie(probed, next);
    const subject = probeSubject(probed, [next]);
    return { t0, ms: await untilServed(ports(ctx), probed, new Set([`p${next}`]), t0, ctx.changeDeadlineMs, cookie), subject, drawn: cookie === undefined };
  });
}

/** New routes of the mix's kinds on existing services, numbered after `firstIndex`; each waits for the previous one to be served. */
export function routeAdds(ctx: PhaseContext, firstIndex: number, count: number, budgetMs: number): Promise<PhaseResult> {
  const http = ctx.mix.services.filter((s) => !s.tls);
  const tls = ctx.mix.services.filter((s) => s.tls);
  const serviceFor = pickService(ctx.random, { http, tls });
  return phase(ctx, count, budgetMs, async (i) => {
    const route = routeAt(firstIndex + i, serviceFor);
    ctx.mix.routes.push(route);
    const t0 = performance.now();
    ctx.api.create(routeObject(route, ctx.certs));
    return { t0, ms: await untilServed(ports(ctx), route, podNames(route.service), t0, ctx.changeDeadlineMs), subject: probeSubject(route, route.service.pods) };
  });
}

/**
 * A reencrypt route's destination CA changed back and forth (the CA, then
 * the CA bundled with another one) while pods are behind it: haproxy reads
 * CA files only when it loads its configuration, so each change reloads.
 * Timed from the API write until the master has counted the reload and a
 * plain route answers (new connections go to the new worker once the master
 * counted it). The reencrypt route itself is not the probe: right after a
 * load its servers' TLS health checks all start at once, and it can be down
 * for a while for reasons other than the reload. `gapMs` apart so the reload
 * interval never delays one.
 */
export function reloadToggles(ctx: PhaseContext, count: number, gapMs: number): Promise<PhaseResult> {
  const route = ctx.mix.routes.find((r) => r.kind === 'reencrypt');
  const plain = ctx.mix.routes.find((r) => r.kind === 'plain');
  if (!route || !plain) throw new Error('the mix has no reencrypt or no plain route');
  const bundled: MixCertificates = { ...ctx.certs, destinationCA: ctx.certs.destinationCA + ctx.certs.extraCA };
  return phase(ctx, count, Number.POSITIVE_INFINITY, async (i) => {
    await Bun.sleep(gapMs);
    const before = await masterReloads(ctx.run);
    const t0 = performance.now();
    ctx.api.update(routeObject(route, i % 2 === 0 ? bundled : ctx.certs));
    const subject = probeSubject(plain, plain.service.pods);
    if (!(await untilReloaded(ctx.run, before, t0, ctx.changeDeadlineMs))) return { t0, ms: undefined, subject };
    return { t0, ms: await untilServed(ports(ctx), plain, podNames(plain.service), t0, ctx.changeDeadlineMs), subject };
  });
}
