import type { RequestMatch } from './request-match.ts';
import { objectMemo } from './object-memo.ts';

/**
 * The router's own view of an OpenShift Route (route.openshift.io/v1).
 *
 * Sources convert API objects into this shape at the edge so the core never
 * sees managedFields, unknown fields or optional-vs-empty ambiguity. Every
 * string here is still untrusted user input: admission validates it before
 * anything reaches haproxy.config, a map or a file name.
 */
import type { RouteFilters } from './route-filters.ts';

export interface RouteTarget {
  /** Always "Service" for admitted routes; kept so admission can reject others. */
  kind: string;
  name: string;
  /** As written; `undefined` means unset (treated as 1 by weight calculation, as upstream). */
  weight: number | undefined;
}

export interface RouteTLS {
  termination: string;
  insecureEdgeTerminationPolicy: string;
  certificate: string;
  key: string;
  caCertificate: string;
  destinationCACertificate: string;
  /**
   * `externalCertificate.name`: a `kubernetes.io/tls` Secret of the route's
   * namespace whose `tls.crt` and `tls.key` the source puts into
   * `certificate` and `key`; unset when the route names none.
   */
  externalCertificate?: string;
}

/** One entry of `spec.httpHeaders.actions.request[]` / `response[]` as written: untrusted, checked at admission. */
export interface RouteHeaderActionSpec {
  name: string;
  /** `action.type`: `Set` or `Delete` when valid. */
  type: string;
  /** `action.set.value`; empty when unset. */
  value: string;
}

export interface RouteHttpHeaders {
  request: readonly RouteHeaderActionSpec[];
  response: readonly RouteHeaderActionSpec[];
}

export interface Route {
  namespace: string;
  name: string;
  uid: string;
  /** RFC 3339, used with uid to process routes oldest first. */
  creationTimestamp: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  /** spec.host as written (may be empty). */
  host: string;
  subdomain: string;
  /** spec.path as written ("" when unset). */
  path: string;
  to: RouteTarget;
  alternateBackends: readonly RouteTarget[];
  /** spec.port.targetPort: a port number or a port name; undefined selects every port. */
  targetPort: number | string | undefined;
  tls: RouteTLS | undefined;
  wildcardPolicy: string;
  /**
   * The path matches only itself, not the paths below it: an Ingress path of
   * type `Exact`. Routes have no such field; unset is the segment-boundary
   * prefix every Route path is.
   */
  exactPath?: boolean;
  /**
   * A wildcard (policy `Subdomain`) that serves names any number of labels
   * deep, as Gateway API's do (`*.example.com`: `a.example.com` and
   * `a.b.example.com`); a Route's wildcard serves one label.
   */
  deepWildcard?: boolean;
  /**
   * Who owns hosts with this route instead of its namespace: routes of the
   * same scope share a host (on different paths), as a namespace's routes
   * do. Routes from Gateway API routes share one scope, since a Gateway's
   * listeners let several namespaces' routes serve one host; Routes have none.
   */
  hostScope?: string;
  /**
   * The namespace of the object the route was made from, when it is not the
   * route's own (a Gateway API route lives in its backends' namespace): whose
   * route it is, for messages that name routes only to their own namespace.
   */
  sourceNamespace?: string;
  /**
   * Set by a source that reads the Secret `tls.externalCertificate` names:
   * read (its certificate and key are in `tls`), or why not (not found, not
   * of type kubernetes.io/tls, not readable with the router's credentials),
   * which admission rejects the route with. Unset: no source read it.
   */
  externalCertificateStatus?: { ok: true } | { ok: false; problem: string };
  /** spec.httpHeaders.actions; unset when the route has none. */
  httpHeaders?: RouteHttpHeaders;
  /** A Gateway API route rule's filters, checked; unset when it has none. */
  filters?: RouteFilters;
  /**
   * What a request must carry besides host and path (a Gateway API match's
   * method, headers, query parameters); unset: host and path alone. Such a
   * route is served by rules in the frontends rather than the maps.
   */
  requestMatch?: RequestMatch;
  /**
   * The host names of the listeners of the Gateways the route is served
   * through, as map key hosts (`*.example.com`; `*.0` for a listener that
   * names none), by the port they are on: the names such a listener
   * accepts answer 404 when no route serves them (config/host-kinds.ts).
   */
  listenerHosts?: { http: readonly string[]; https: readonly string[] };
}

/**
 * Each object's key, made once: the state, admission, the desired index and
 * the commit outcome key the same route object, and a string made per call
 * was a copy of every route's key per stage (55,000 copies at 10,000 routes).
 * Domain objects are never changed, so a key never goes stale.
 */
const keys = objectMemo<object, string>('objectKey');

/** `namespace/name`, the key every map in the router uses for namespaced objects. */
export function objectKey(o: { namespace: string; name: string }): string {
  return keys.get(o) ?? keys.set(o, `${o.namespace}/${o.name}`);
}

/**
 * Gives `o` the key its source made already, when it is that text, so the
 * source's tables and every stage share one string rather than two
 * (100,000 copies of each kind at 100,000 routes). Returns `o`.
 */
export function withObjectKey<T extends { namespace: string; name: string }>(o: T, key: string): T {
  const { namespace, name } = o;
  if (keys.get(o) === undefined && key.length === namespace.length + 1 + name.length && key.startsWith(namespace) && key.charCodeAt(namespace.length) === 0x2f && key.endsWith(name)) keys.set(o, key);
  return o;
}

/** The namespace whose route this is (the one its status names other routes to). */
export function ownerNamespace(route: Pick<Route, 'namespace' | 'sourceNamespace'>): string {
  return route.sourceNamespace ?? route.namespace;
}
