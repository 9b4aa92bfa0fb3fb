/** What wrk asks a router for (pure): a spread of the mix's routes, plain and path ones over HTTP, edge ones over HTTPS. */
import { spread } from '../scale/measure-size.ts';
import type { Mix } from '../scale/mix.ts';
import type { WrkTarget } from '../scale/wrk.ts';

export interface Targets {
  http: WrkTarget[];
  https: WrkTarget[];
}

export function targetsOf(mix: Mix, perScheme: number): Targets {
  const http = spread(mix.routes.filter((r) => r.kind === 'plain' || r.kind === 'path'), perScheme);
  const https = spread(mix.routes.filter((r) => r.kind === 'edge'), perScheme);
  return {
    http: http.map((r) => ({ host: r.host, prefix: r.path ? `${r.path}/` : '/' })),
    // Every insecure policy serves over HTTPS; the request's Host picks the route, as for a client that sends no SNI.
    https: https.map((r) => ({ host: r.host, prefix: '/' })),
  };
}
