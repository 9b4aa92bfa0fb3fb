/**
 * haproxy configurations to compare the router's against, for the same
 * routes and pods (pure):
 * - openshift-router's shape: its `public` frontend picks the backend with
 *   `map_reg` over `base` (Host + path), a regular expression per route
 *   scanned in order for every request, after the same kind of scan of the
 *   redirect map; backends and servers as upstream writes them (balance
 *   random, cookies, `check` only when a backend has more than one server);
 * - a minimal one: one frontend, one backend, one server, no lookup at all.
 */
import type { RouteSpec } from './mix.ts';

/** Descriptors haproxy keeps for itself besides two per connection and one per checked server (as the router reserves). */
const FD_RESERVE = 1000;

export interface ReferenceConfig {
  config: string;
  /** File name -> contents, written beside the config. */
  files: Record<string, string>;
}

function quoteMeta(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** openshift-router's GenerateRouteRegexp for a non-wildcard route. */
export function routeRegexp(host: string, path: string | undefined): string {
  const pathPart = !path || /^\/*$/.test(path) ? '(/.*)?' : path.endsWith('/') ? `${quoteMeta(path)}(.*)?` : `${quoteMeta(path)}(/.*)?`;
  return `^${quoteMeta(host)}\\.?(:[0-9]+)?${pathPart}$`;
}

/** Upstream's SortMapPaths without wildcards: whole lines, descending byte order (longest path first per host). */
function sortedLines(lines: string[]): string {
  return `${lines.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)).join('\n')}\n`;
}

const servedOnPort80 = (r: RouteSpec) => r.kind === 'plain' || r.kind === 'path' || (r.kind === 'edge' && r.policy === 'Allow');

const backendName = (r: RouteSpec) => `${r.kind === 'edge' ? 'be_edge_http' : 'be_http'}:${r.namespace}:${r.name}`;

function globals(listenPort: number, fdLimit: number, checked: number, dir: string): string[] {
  const maxconn = Math.max(1, Math.floor((fdLimit - FD_RESERVE - checked) / 2));
  return [
    'global',
    `  maxconn ${maxconn}`,
    `  stats socket ${dir}/admin.sock mode 600 level admin`,
    'defaults',
    '  mode http',
    `  maxconn ${maxconn}`,
    '  timeout connect 5s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  timeout http-keep-alive 300s',
    'frontend public',
    `  bind 127.0.0.1:${listenPort}`,
    '  http-request del-header Proxy',
    '  http-request set-header X-Forwarded-Host %[req.hdr(host)]',
    '  http-request set-header X-Forwarded-Port %[dst_port]',
    '  http-request set-header X-Forwarded-Proto http',
  ];
}

export function upstreamShapeConfig(routes: readonly RouteSpec[], opts: { listenPort: number; fdLimit: number; dir: string }): ReferenceConfig {
  const http = routes.filter(servedOnPort80);
  const checked = http.reduce((n, r) => n + (r.service.pods.length > 1 ? r.service.pods.length : 0), 0);
  const lines = [
    ...globals(opts.listenPort, opts.fdLimit, checked, opts.dir),
    `  acl secure_redirect base,map_reg_int(${opts.dir}/os_route_http_redirect.map) -m bool`,
    '  redirect scheme https if secure_redirect',
    `  use_backend %[base,map_reg(${opts.dir}/os_http_be.map)]`,
    '  default_backend openshift_default',
    'backend openshift_default',
    '  mode http',
  ];
  for (const r of http) {
    const check = r.service.pods.length > 1 ? ' check inter 5000ms' : '';
    lines.push(
      `backend ${backendName(r)}`,
      '  mode http',
      '  option redispatch',
      '  option forwardfor',
      // Upstream's default (ROUTER_LOAD_BALANCE_ALGORITHM=random) for a route with one service, as the router writes it too.
      '  balance random',
      '  timeout check 5000ms',
      `  cookie c${r.index} insert indirect nocache httponly`,
      ...r.service.pods.map((port, k) => `  server ept:${r.service.name}:${k}:127.0.0.1:${port} 127.0.0.1:${port} cookie s${k} weight 1${check}`),
    );
  }
  return {
    config: `${lines.join('\n')}\n`,
    files: {
      'os_http_be.map': sortedLines(http.map((r) => `${routeRegexp(r.host, r.path)} ${backendName(r)}`)),
      'os_route_http_redirect.map': sortedLines(routes.map((r) => `${routeRegexp(r.host, r.path)} ${r.kind === 'edge' && r.policy === 'Redirect' ? 1 : 0}`)),
    },
  };
}

export function minimalConfig(pod: number, opts: { listenPort: number; fdLimit: number; dir: string }): ReferenceConfig {
  const lines = [...globals(opts.listenPort, opts.fdLimit, 0, opts.dir), '  default_backend be', 'backend be', '  mode http', `  server pod 127.0.0.1:${pod}`];
  return { config: `${lines.join('\n')}\n`, files: {} };
}
