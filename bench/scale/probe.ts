/**
 * Asking haproxy for a route the way its clients would: plain and path
 * routes over HTTP (keep-alive), edge, reencrypt and passthrough routes over
 * TLS with the route's host as SNI. The answer is the pod that served it.
 */
import { routingKeyName } from '../../src/domain/names.ts';
import { tlsGet } from '../../test/support/tls-client.ts';
import type { RouteSpec } from './mix.ts';

export interface Ports {
  http: number;
  https: number;
}

const PROBE_TIMEOUT_MS = 2000;

/**
 * The sticky cookie (`Cookie` header) that sends a request of an HTTP route
 * to the pod at 127.0.0.1:`port` once haproxy serves it there, as haproxy
 * derives it (`cookie ... dynamic`): XXH64 of the backend's
 * dynamic-cookie-key (the route's routing key), the IPv4 address and the
 * port, under the route's cookie name (the routing key too, the mix naming
 * none). Before that server serves, haproxy balances the request as it
 * would any other. Undefined for passthrough routes: no HTTP, no cookie.
 */
export function stickyCookie(route: Pick<RouteSpec, 'namespace' | 'name' | 'kind'>, port: number): string | undefined {
  if (route.kind === 'passthrough') return undefined;
  const key = routingKeyName(route.namespace, route.name);
  const data = Buffer.alloc(key.length + 8);
  data.write(key, 0, 'latin1');
  data.set([127, 0, 0, 1], key.length);
  data.writeUInt32BE(port, key.length + 4);
  return `${key}=${Bun.hash.xxHash64(data, 0n).toString(16).padStart(16, '0')}`;
}

/** The pod (`p<port>`) that answered 200, or undefined for anything else (503, refused, timed out). */
export async function probe(ports: Ports, route: Pick<RouteSpec, 'host' | 'kind' | 'path'>, cookie?: string): Promise<string | undefined> {
  const path = route.path ? `${route.path}/x` : '/';
  const headers: Record<string, string> = cookie === undefined ? {} : { Cookie: cookie };
  if (route.kind === 'plain' || route.kind === 'path') {
    try {
      const res = await fetch(`http://127.0.0.1:${ports.http}${path}`, { headers: { Host: route.host, ...headers }, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      await res.arrayBuffer();
      return res.status === 200 ? (res.headers.get('x-backend') ?? undefined) : undefined;
    } catch {
      return undefined;
    }
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), PROBE_TIMEOUT_MS)));
  const answer = tlsGet(ports.https, { servername: route.host, host: route.host, path, headers }).then((a) => (a.status === 200 ? a.headers['x-backend'] : undefined));
  return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Milliseconds from `t0` (performance.now()) until the route is answered by
 * one of `pods`, polling every millisecond or so; undefined after
 * `deadlineMs`. `cookie` (stickyCookie) asks for the one pod awaited, so
 * the time is not that of drawing it among the route's others.
 */
export async function untilServed(ports: Ports, route: Pick<RouteSpec, 'host' | 'kind' | 'path'>, pods: ReadonlySet<string>, t0: number, deadlineMs: number, cookie?: string): Promise<number | undefined> {
  for (;;) {
    const pod = await probe(ports, route, cookie);
    const now = performance.now();
    if (pod !== undefined && pods.has(pod)) return now - t0;
    if (now - t0 > deadlineMs) return undefined;
    await Bun.sleep(1);
  }
}
