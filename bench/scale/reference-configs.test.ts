import { describe, expect, test } from 'bun:test';
import type { RouteSpec } from './mix.ts';
import { minimalConfig, routeRegexp, upstreamShapeConfig } from './reference-configs.ts';

describe('routeRegexp (openshift-router GenerateRouteRegexp, non-wildcard)', () => {
  test.each([
    ['www.ex.com', undefined, '^www\\.ex\\.com\\.?(:[0-9]+)?(/.*)?$'],
    ['www.ex.com', '/', '^www\\.ex\\.com\\.?(:[0-9]+)?(/.*)?$'],
    ['www.ex.com', '/p', '^www\\.ex\\.com\\.?(:[0-9]+)?/p(/.*)?$'],
    ['www.ex.com', '/p/', '^www\\.ex\\.com\\.?(:[0-9]+)?/p/(.*)?$'],
    ['a.b', '/x.y', '^a\\.b\\.?(:[0-9]+)?/x\\.y(/.*)?$'],
  ])('%s %s', (host, path, want) => {
    expect(routeRegexp(host, path)).toBe(want);
  });

  test.each([
    ['www.ex.com', '/p', 'www.ex.com/p', true],
    ['www.ex.com', '/p', 'www.ex.com:80/p/x', true],
    ['www.ex.com', '/p', 'www.ex.com/px', false],
    ['www.ex.com', undefined, 'wwwXex.com/', false],
  ])('%s%s matches base %s: %p', (host, path, base, matches) => {
    expect(new RegExp(routeRegexp(host, path)).test(base)).toBe(matches);
  });
});

const service = (pods: number[]) => ({ namespace: 'ns0', name: 'hs0', tls: false, pods });
const route = (index: number, kind: RouteSpec['kind'], extra: Partial<RouteSpec> = {}): RouteSpec => ({
  index,
  namespace: 'ns0',
  name: `r${index}`,
  host: `r${index}.bench.test`,
  kind,
  service: service([30000]),
  ...extra,
});

describe('upstreamShapeConfig', () => {
  const routes = [
    route(0, 'plain'),
    route(1, 'path', { path: '/v1', service: service([30001, 30002]) }),
    route(2, 'edge', { policy: 'Allow' }),
    route(3, 'edge', { policy: 'Redirect' }),
    route(4, 'passthrough'),
  ];
  const ref = upstreamShapeConfig(routes, { listenPort: 8080, fdLimit: 20000, dir: '/d' });

  test('routes served on port 80 get a backend and a regex map line, most specific first', () => {
    expect(ref.files['os_http_be.map']?.trim().split('\n')).toEqual([
      '^r2\\.bench\\.test\\.?(:[0-9]+)?(/.*)?$ be_edge_http:ns0:r2',
      '^r1\\.bench\\.test\\.?(:[0-9]+)?/v1(/.*)?$ be_http:ns0:r1',
      '^r0\\.bench\\.test\\.?(:[0-9]+)?(/.*)?$ be_http:ns0:r0',
    ]);
    expect(ref.config).toContain('use_backend %[base,map_reg(/d/os_http_be.map)]');
    expect(ref.config).not.toContain('backend be_edge_http:ns0:r3');
    expect(ref.config).not.toContain(':r4');
  });

  test('every route is in the redirect map, 1 for Redirect', () => {
    const lines = ref.files['os_route_http_redirect.map']?.trim().split('\n') ?? [];
    expect(lines).toHaveLength(5);
    expect(lines.filter((l) => l.endsWith(' 1'))).toEqual(['^r3\\.bench\\.test\\.?(:[0-9]+)?(/.*)?$ 1']);
  });

  test('servers are checked only in backends with more than one, and maxconn leaves room for the checks', () => {
    expect(ref.config).toContain('server ept:hs0:0:127.0.0.1:30001 127.0.0.1:30001 cookie s0 weight 1 check inter 5000ms');
    expect(ref.config).toContain('server ept:hs0:0:127.0.0.1:30000 127.0.0.1:30000 cookie s0 weight 1\n');
    expect(ref.config).toContain('maxconn 9499\n');
  });
});

test('minimalConfig: one backend with one server, no lookup', () => {
  const ref = minimalConfig(30000, { listenPort: 8080, fdLimit: 20000, dir: '/d' });
  expect(ref.config).toContain('  default_backend be\nbackend be\n  mode http\n  server pod 127.0.0.1:30000\n');
  expect(ref.config).not.toContain('map');
  expect(ref.files).toEqual({});
});
