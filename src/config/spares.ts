import { backendName, routingKeyName } from '../domain/names.ts';
import { cookieFor } from './build-backend.ts';
import type { BackendModel, BackendTermination } from './model.ts';
import type { ConfigSettings } from './settings.ts';

/**
 * Spare backends let a new route go live without a reload: each is rendered
 * exactly as a single-service route of its termination would be, without
 * servers or map entries, and a route of that shape takes one over through
 * the runtime API. `_spare` cannot be a namespace (DNS-1123 has no `_`), so
 * the names never collide with a route's. The pool refills on the next
 * reload that happens anyway.
 *
 * A spare's sticky cookie keeps the spare's name (haproxy cannot rename a
 * cookie live) and takes the route's dynamic-cookie key, so server cookies
 * keep their values at the reload that gives the route its own backend;
 * only the name changes, and clients re-stick once. Edge routes that serve
 * plain HTTP too (Allow) have a cookie without `secure`: their own shape.
 */
const SPARE_SHAPES: readonly {
  termination: BackendTermination;
  insecurePolicy: string;
  prefix: 'be_http' | 'be_edge_http' | 'be_tcp';
  group: string;
}[] = [
  { termination: 'http', insecurePolicy: '', prefix: 'be_http', group: '_spare' },
  { termination: 'edge', insecurePolicy: 'None', prefix: 'be_edge_http', group: '_spare' },
  { termination: 'edge', insecurePolicy: 'Allow', prefix: 'be_edge_http', group: '_spare_allow' },
  { termination: 'passthrough', insecurePolicy: '', prefix: 'be_tcp', group: '_spare' },
];

export function spareBackends(settings: ConfigSettings): BackendModel[] {
  return SPARE_SHAPES.flatMap(({ termination, insecurePolicy, prefix, group }) =>
    Array.from({ length: settings.sparesPerShape }, (_, i) => {
      const tcp = termination === 'passthrough';
      const name = backendName(prefix, group, String(i + 1));
      return {
        name,
        routeKey: '',
        termination,
        mode: tcp ? ('tcp' as const) : ('http' as const),
        balance: tcp ? 'source' : settings.loadBalanceAlgorithm,
        checkIntervalMs: settings.checkIntervalMs,
        serverTls: undefined,
        cookie: cookieFor(termination, insecurePolicy, routingKeyName('_spare', name), settings),
        servers: [],
      };
    }),
  );
}

/** A backend no route uses: a spare, as rendered. */
export function isSpare(b: BackendModel): boolean {
  return b.routeKey === '';
}
