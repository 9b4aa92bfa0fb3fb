import { backendName } from '../domain/names.ts';
import type { BackendModel, BackendTermination } from './model.ts';
import type { ConfigSettings } from './settings.ts';

/**
 * Spare backends let a new route go live without a reload: each is rendered
 * exactly as a single-service route of its termination would be, without
 * servers or map entries, and a route of that shape takes one over through
 * the runtime API. `_spare` cannot be a namespace (DNS-1123 has no `_`), so
 * the names never collide with a route's. The pool refills on the next
 * reload that happens anyway.
 */
const SPARE_SHAPES: readonly { termination: BackendTermination; prefix: 'be_http' | 'be_edge_http' | 'be_tcp' }[] = [
  { termination: 'http', prefix: 'be_http' },
  { termination: 'edge', prefix: 'be_edge_http' },
  { termination: 'passthrough', prefix: 'be_tcp' },
];

export function spareBackends(settings: ConfigSettings): BackendModel[] {
  return SPARE_SHAPES.flatMap(({ termination, prefix }) =>
    Array.from({ length: settings.sparesPerShape }, (_, i) => {
      const tcp = termination === 'passthrough';
      return {
        name: backendName(prefix, '_spare', String(i + 1)),
        routeKey: '',
        termination,
        mode: tcp ? ('tcp' as const) : ('http' as const),
        balance: tcp ? 'source' : settings.loadBalanceAlgorithm,
        checkIntervalMs: settings.checkIntervalMs,
        serverTls: undefined,
        servers: [],
      };
    }),
  );
}

/** A backend no route uses: a spare, as rendered. */
export function isSpare(b: BackendModel): boolean {
  return b.routeKey === '';
}
