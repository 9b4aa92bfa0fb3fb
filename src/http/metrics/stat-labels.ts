/**
 * openshift-router's labels for haproxy's proxies and servers. A backend
 * is labelled with the route it serves: its name says so for a route's own
 * backend (`be_http:<namespace>:<name>`), while a spare backend a route took
 * over at runtime (`be_http:_spare:3`) is named after its pool, so the
 * running model, which knows which route each backend serves, comes first.
 */
import type { Labels } from './exposition.ts';

/** The route (`namespace/name`) a backend serves: "" for a free spare, undefined when the running model does not have it. */
export type RouteOfBackend = (backend: string) => string | undefined;

/** openshift-router's backend label for each name prefix. */
const BACKEND_KIND: Readonly<Record<string, string>> = { be_http: 'http', be_edge_http: 'https-edge', be_secure: 'https', be_tcp: 'tcp' };

/** `namespace/name`, or `namespace:name` as backend names write it. */
function routeParts(key: string, separator: string): { namespace: string; route: string } | undefined {
  const i = key.indexOf(separator);
  return i === -1 ? undefined : { namespace: key.slice(0, i), route: key.slice(i + 1) };
}

/**
 * Labels of a backend row, or undefined for a spare no route uses: it
 * serves nothing, and a pool of them would only add empty series.
 */
export function backendLabels(proxy: string, routeOf: RouteOfBackend): Labels | undefined {
  const other = { backend: `other/${proxy}`, namespace: '', route: '' };
  const i = proxy.indexOf(':');
  const kind = i === -1 ? undefined : BACKEND_KIND[proxy.slice(0, i)];
  if (kind === undefined) return other;
  const served = routeOf(proxy);
  if (served === '') return undefined;
  const parts = served === undefined ? routeParts(proxy.slice(i + 1), ':') : routeParts(served, '/');
  if (!parts) return other;
  // Read from the name, a namespace starting with '_' (never DNS-1123) is a spare pool the model does not have.
  return served === undefined && parts.namespace.startsWith('_') ? undefined : { backend: kind, ...parts };
}

/**
 * Labels of a server row: `server` is the endpoint's `ip:port` from the
 * server name (`pod:<pod>:<service>:<port name>:<ip>:<port>` or
 * `ept:<service>:<port name>:<ip>:<port>`), else the name itself.
 */
export function serverLabels(server: string, backend: Labels): Labels {
  const namespace = backend.namespace ?? '';
  const route = backend.route ?? '';
  const parts = server.split(':');
  if (parts[0] === 'pod' && parts.length >= 6) {
    return { server: parts.slice(4).join(':'), namespace, route, pod: parts[1] ?? '', service: parts[2] ?? '' };
  }
  if (parts[0] === 'ept' && parts.length >= 5) return { server: parts.slice(3).join(':'), namespace, route, pod: '', service: parts[1] ?? '' };
  return { server, namespace, route, pod: '', service: '' };
}
