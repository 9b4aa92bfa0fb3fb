/**
 * What the health and metrics server answers. The health paths answer
 * anyone (load balancers and probes carry no credentials); every other
 * path, /metrics included, asks for the stats credentials first, so an
 * unauthenticated client learns nothing, not even which paths exist.
 */
import type { StatsAuth } from '../config/stats-page.ts';
import { authorized } from './credentials.ts';
import { healthAnswer, type HealthCheck } from './health.ts';

export interface EndpointDeps {
  /** /healthz: is the router alive. */
  live: readonly HealthCheck[];
  /** /healthz/ready: should traffic come here. */
  ready: readonly HealthCheck[];
  /** The exposition text of every metric. */
  metrics(): Promise<string>;
  /** undefined: no credentials are asked (the CLI allows that on loopback addresses only). */
  auth: StatsAuth | undefined;
}

const TEXT = { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' };
const EXPOSITION = { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' };

function health(path: string): { root: string; checks: 'live' | 'ready'; subpath: string } | undefined {
  for (const [root, checks] of [['healthz/ready', 'ready'], ['healthz', 'live']] as const) {
    if (path === `/${root}`) return { root, checks, subpath: '' };
    if (path.startsWith(`/${root}/`)) return { root, checks, subpath: path.slice(root.length + 2) };
  }
  return undefined;
}

/** The request's URL, or undefined for one Bun cannot make a URL of (it builds it from the Host header: `[::1`, `a%zz`). */
function urlOf(req: Request): URL | undefined {
  try {
    return new URL(req.url);
  } catch {
    return undefined;
  }
}

export function endpointHandler(deps: EndpointDeps): (req: Request) => Promise<Response> {
  return async (req) => {
    const url = urlOf(req);
    // Thrown, it was Bun's 500 and a stack trace on the router's output for every such request, credentials or not.
    if (url === undefined) return new Response('400 bad request\n', { status: 400, headers: TEXT });
    const asked = health(url.pathname);
    if (asked) {
      const answer = await healthAnswer(asked.root, deps[asked.checks], asked.subpath, url.searchParams.has('verbose'));
      return answer ? new Response(answer.body, { status: answer.status, headers: TEXT }) : new Response('404 page not found\n', { status: 404, headers: TEXT });
    }
    if (deps.auth && !authorized(req.headers.get('authorization'), deps.auth)) {
      return new Response('Unauthorized\n', { status: 401, headers: { ...TEXT, 'www-authenticate': 'Basic realm="router"' } });
    }
    if (url.pathname === '/metrics') return new Response(await deps.metrics(), { headers: EXPOSITION });
    return new Response('404 page not found\n', { status: 404, headers: TEXT });
  };
}
