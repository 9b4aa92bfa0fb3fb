/**
 * Asking haproxy for a route the way its clients would: plain and path
 * routes over HTTP (keep-alive), edge, reencrypt and passthrough routes over
 * TLS with the route's host as SNI. The answer is the pod that served it.
 */
import { tlsGet } from '../../test/support/tls-client.ts';
import type { RouteSpec } from './mix.ts';

export interface Ports {
  http: number;
  https: number;
}

const PROBE_TIMEOUT_MS = 2000;

/** The pod (`p<port>`) that answered 200, or undefined for anything else (503, refused, timed out). */
export async function probe(ports: Ports, route: Pick<RouteSpec, 'host' | 'kind' | 'path'>): Promise<string | undefined> {
  const path = route.path ? `${route.path}/x` : '/';
  if (route.kind === 'plain' || route.kind === 'path') {
    try {
      const res = await fetch(`http://127.0.0.1:${ports.http}${path}`, { headers: { Host: route.host }, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      await res.arrayBuffer();
      return res.status === 200 ? (res.headers.get('x-backend') ?? undefined) : undefined;
    } catch {
      return undefined;
    }
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), PROBE_TIMEOUT_MS)));
  const answer = tlsGet(ports.https, { servername: route.host, host: route.host, path }).then((a) => (a.status === 200 ? a.headers['x-backend'] : undefined));
  return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Milliseconds from `t0` (performance.now()) until the route is answered by
 * one of `pods`, polling every millisecond or so; undefined after `deadlineMs`.
 */
export async function untilServed(ports: Ports, route: Pick<RouteSpec, 'host' | 'kind' | 'path'>, pods: ReadonlySet<string>, t0: number, deadlineMs: number): Promise<number | undefined> {
  for (;;) {
    const pod = await probe(ports, route);
    const now = performance.now();
    if (pod !== undefined && pods.has(pod)) return now - t0;
    if (now - t0 > deadlineMs) return undefined;
    await Bun.sleep(1);
  }
}
