/**
 * Changes made through the API, one at a time, each timed from the moment
 * the fake API server (a process of its own) wrote the change's watch event
 * to the first answer from the expected pod through haproxy: "event to
 * served". The time from the bench's request is kept beside it, so the IPC
 * hop to the server's process shows. A phase stops at its count or its time
 * budget, whichever comes first, and says which.
 */
import type { ClusterApi, WriteTimes } from './api-client.ts';
import { generateSelfSignedCertificate } from '../../src/tls/self-signed.ts';
import { pickService, podNames, routeAt, type Mix, type RouteSpec } from './mix.ts';
import { routeObject, sliceObject, type MixCertificates } from './objects.ts';
import { stickyCookie, untilServed, type Ports } from './probe.ts';
import { cpuSeconds } from './proc-stats.ts';
import { masterReloads, untilReloaded, type RouterRun } from './router-run.ts';

/** One change attempted. Times are ms since the epoch, as the router's log can be compared with. */
export interface ChangeRecord {
  /** The bench sent the API write. */
  requestedAt: number;
  /** The fake API server's process received it. */
  receivedAt: number;
  /** The server wrote the watch event: the change's t0. */
  writtenAt: number;
  /** ms from the event to served; undefined: not served. */
  ms: number | undefined;
  /** What the probe asked for (kind, host, awaited pods), to join with the router's log and haproxy's access log. */
  subject: string;
}

export interface PhaseResult {
  /** ms from the watch event to served, for the changes that were served. */
  latencies: number[];
  /** ms from the bench's request to served (the t0 before the API server had a process of its own), the same changes. */
  fromRequest: number[];
  changes: ChangeRecord[];
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
  api: ClusterApi;
  run: RouterRun;
  mix: Mix;
  certs: MixCertificates;
  pods: { http: readonly number[]; tls: readonly number[] };
  random: () => number;
  /** ms one change may take before it counts as not served. */
  changeDeadlineMs: number;
  /** Routes added with TLS get a certificate of their own, made before the change is timed. */
  ownCertAdds?: boolean;
  /** The reencrypt route whose CA the reload phases toggle has the bundled CA now. */
  caBundled?: boolean;
}

/** The time base of performance.now() as ms since the epoch. */
const epoch = (t: number) => performance.timeOrigin + t;

/** A change as it went: when it was requested (performance.now()), its write's times, and when the awaited pod answered (undefined: not in time). */
interface Timed {
  requestedAt: number;
  write: WriteTimes;
  servedAt: number | undefined;
  subject: string;
  drawn?: boolean;
}

/**
 * Sends a write and probes from that moment, not from the reply: the event
 * may reach the router before the server's reply reaches the bench.
 * `served` gets the request's time and returns the ms from it to served.
 */
async function timed(send: () => Promise<WriteTimes>, served: (requestedAt: number) => Promise<number | undefined>): Promise<Omit<Timed, 'subject' | 'drawn'>> {
  const requestedAt = performance.now();
  const [write, ms] = await Promise.all([send(), served(requestedAt)]);
  return { requestedAt, write, servedAt: ms === undefined ? undefined : requestedAt + ms };
}

async function phase(ctx: PhaseContext, count: number, budgetMs: number, change: (i: number) => Promise<Timed>): Promise<PhaseResult> {
  const before = await masterReloads(ctx.run);
  const cpuBefore = cpuSeconds(ctx.run.proc.pid);
  const start = performance.now();
  const result: PhaseResult = { latencies: [], fromRequest: [], changes: [], attempted: 0, timedOut: 0, reloads: 0, budgetHit: false, seconds: 0, routerCpuMsPerChange: Number.NaN, drawn: 0 };
  for (let i = 0; i < count; i++) {
    if (performance.now() - start > budgetMs) {
      result.budgetHit = true;
      break;
    }
    result.attempted++;
    const { requestedAt, write, servedAt, subject, drawn } = await change(i);
    const ms = servedAt === undefined ? undefined : servedAt - write.writtenAt;
    result.changes.push({ requestedAt: epoch(requestedAt), receivedAt: epoch(write.receivedAt), writtenAt: epoch(write.writtenAt), ms, subject });
    if (drawn) result.drawn++;
    if (ms === undefined || servedAt === undefined) result.timedOut++;
    else {
      result.latencies.push(ms);
      result.fromRequest.push(servedAt - requestedAt);
    }
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
  return phase(ctx, count, budgetMs, () => moveOne(ctx, () => true));
}

/** One pod of the service of a random route `eligible` accepts replaced by another, timed until the new pod answers within `deadlineMs` (endpointMoves). */
async function moveOne(ctx: PhaseContext, eligible: (route: RouteSpec) => boolean, deadlineMs = ctx.changeDeadlineMs): Promise<Timed> {
  let route = ctx.mix.routes[Math.floor(ctx.random() * ctx.mix.routes.length)] as RouteSpec;
  while (!eligible(route)) route = ctx.mix.routes[Math.floor(ctx.random() * ctx.mix.routes.length)] as RouteSpec;
  const service = route.service;
  const pool = service.tls ? ctx.pods.tls : ctx.pods.http;
  const slot = Math.floor(ctx.random() * service.pods.length);
  let next = service.pods[slot] ?? 0;
  while (service.pods.includes(next)) next = pool[Math.floor(ctx.random() * pool.length)] ?? 0;
  service.pods[slot] = next;
  const probed = moveProbeRoute(route, ctx.mix.routes);
  const cookie = stickyCookie(probed, next);
  const went = await timed(
    () => ctx.api.update(sliceObject(service, slot, next)),
    (t0) => untilServed(ports(ctx), probed, new Set([`p${next}`]), t0, deadlineMs, cookie),
  );
  return { ...went, subject: probeSubject(probed, [next]), drawn: cookie === undefined };
}

/** A certificate and key for `host` alone: the router writes its file and haproxy loads it over the runtime API as the route is added. */
function ownCertificate(host: string): { cert: string; key: string } {
  const { certPem, keyPem } = generateSelfSignedCertificate({ commonName: host, dnsNames: [host], days: 30 });
  return { cert: certPem, key: keyPem };
}

/** New routes of the mix's kinds on existing services, numbered after `firstIndex`; each waits for the previous one to be served. */
export function routeAdds(ctx: PhaseContext, firstIndex: number, count: number, budgetMs: number): Promise<PhaseResult> {
  const http = ctx.mix.services.filter((s) => !s.tls);
  const tls = ctx.mix.services.filter((s) => s.tls);
  const serviceFor = pickService(ctx.random, { http, tls });
  return phase(ctx, count, budgetMs, async (i) => {
    const route = routeAt(firstIndex + i, serviceFor);
    ctx.mix.routes.push(route);
    const own = ctx.ownCertAdds && (route.kind === 'edge' || route.kind === 'reencrypt') ? ownCertificate(route.host) : undefined;
    const went = await timed(
      () => ctx.api.create(routeObject(route, ctx.certs, own)),
      (t0) => untilServed(ports(ctx), route, podNames(route.service), t0, ctx.changeDeadlineMs),
    );
    return { ...went, subject: probeSubject(route, route.service.pods) };
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
export function reloadToggles(ctx: PhaseContext, count: number, gapMs: number, deadlineMs: number): Promise<PhaseResult> {
  const { toggle } = destinationCaToggle(ctx);
  const plain = ctx.mix.routes.find((r) => r.kind === 'plain');
  if (!plain) throw new Error('the mix has no plain route');
  return phase(ctx, count, Number.POSITIVE_INFINITY, async () => {
    await Bun.sleep(gapMs);
    const before = await masterReloads(ctx.run);
    const went = await timed(
      () => ctx.api.update(toggle()),
      async (t0) => ((await untilReloaded(ctx.run, before, t0, deadlineMs)) ? untilServed(ports(ctx), plain, podNames(plain.service), t0, deadlineMs) : undefined),
    );
    return { ...went, subject: probeSubject(plain, plain.service.pods) };
  });
}

/**
 * An endpoint moved while a reload runs: the reencrypt route's destination
 * CA changed (reloadToggles' change), then, `afterMs` later, a pod of
 * another service moved, timed as endpointMoves times a move. Commits run
 * one at a time, so what this shows beyond a move's usual latency is the
 * wait for the reload in flight. Each waits for its reload before the next.
 */
export function movesDuringReloads(ctx: PhaseContext, count: number, gapMs: number, deadlineMs: number, afterMs = 100): Promise<PhaseResult> {
  const { route, toggle } = destinationCaToggle(ctx);
  return phase(ctx, count, Number.POSITIVE_INFINITY, async () => {
    await Bun.sleep(gapMs);
    const before = await masterReloads(ctx.run);
    await ctx.api.update(toggle());
    await Bun.sleep(afterMs);
    // It waits for the reload: the reload's deadline, not a change's.
    const moved = await moveOne(ctx, (r) => r.service !== route.service, deadlineMs);
    await untilReloaded(ctx.run, before, performance.now(), deadlineMs);
    return moved;
  });
}

/** The mix's first reencrypt route, and its next version with the other destination CA (the CA alone, or bundled with another). */
function destinationCaToggle(ctx: PhaseContext): { route: RouteSpec; toggle: () => ReturnType<typeof routeObject> } {
  const route = ctx.mix.routes.find((r) => r.kind === 'reencrypt');
  if (!route) throw new Error('the mix has no reencrypt route');
  const bundled: MixCertificates = { ...ctx.certs, destinationCA: ctx.certs.destinationCA + ctx.certs.extraCA };
  return {
    route,
    toggle: () => {
      ctx.caBundled = !ctx.caBundled;
      return routeObject(route, ctx.caBundled ? bundled : ctx.certs);
    },
  };
}
