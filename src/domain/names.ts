/**
 * Naming rules in one place. Every name that reaches haproxy.config, a map
 * or a file name is built here from parts that admission has already checked
 * against these patterns, so no user text can smuggle in whitespace, quotes
 * or haproxy syntax.
 */

/** Kubernetes DNS-1123 label: namespaces, Service names, port names' superset. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Kubernetes DNS-1123 subdomain: object names (Routes, Pods, slices). */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** IANA service name as used by EndpointSlice port names (may be empty). */
const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function isDns1123Label(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}

export function isDns1123Subdomain(s: string): boolean {
  return s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

export function isSafePortName(s: string): boolean {
  return s === '' || (s.length <= 63 && PORT_NAME.test(s));
}

/** openshift-router's backend name prefix for each way a route terminates TLS. */
const BACKEND_PREFIX = { http: 'be_http', edge: 'be_edge_http', reencrypt: 'be_secure', passthrough: 'be_tcp' } as const;
const BACKEND_PREFIXES: ReadonlySet<string> = new Set(Object.values(BACKEND_PREFIX));

/** Where a route's TLS ends: `http` for none, the route's termination otherwise. Its backend is named and rendered by it. */
export type BackendTermination = keyof typeof BACKEND_PREFIX;

/** openshift-router's backend naming, so operators recognise `be_http:<namespace>:<name>`. */
export function backendName(termination: BackendTermination, namespace: string, name: string): string {
  return `${BACKEND_PREFIX[termination]}:${namespace}:${name}`;
}

/** Whether a backend haproxy reports is one `backendName` names (a route's or a spare), not one of the frontends' own. */
export function isRouteBackendName(name: string): boolean {
  const parts = name.split(':');
  return parts.length === 3 && BACKEND_PREFIXES.has(parts[0] ?? '');
}

/**
 * openshift-router's RoutingKeyName: md5 hex of `" <namespace>:<name>"` (the
 * termination it is built with is still empty at that point upstream). It
 * names a route's sticky cookie and keys its dynamic cookies, so clients
 * keep their sessions when they move from an openshift-router to this one.
 */
export function routingKeyName(namespace: string, name: string): string {
  return Bun.MD5.hash(` ${namespace}:${name}`, 'hex');
}

/** The backends that hold the health checks route servers follow (`track`); see checkServerRef. */
export const CHECK_BACKEND_PREFIX = 'be_checks_';
/**
 * Check slots per check backend. haproxy resolves each `track` by walking
 * the servers of the backend named (backends it finds through a tree): 100,000
 * trackers of 5,000 slots in one backend take three times as long to load
 * as in backends of 64.
 */
export const CHECK_SLOTS_PER_BACKEND = 64;

/** The name of the n-th check slot, which any endpoint may take over live (`set server addr`). */
export function checkServerName(n: number): string {
  return `chk${n}`;
}

/** Where a check slot lives: `be_checks_<k>`, 64 slots each, in slot order. No frontend routes there, and no route's backend name can be one (they hold `:`). */
export function checkServerRef(slot: string): ServerRef {
  const n = Number(slot.slice(3));
  return { backend: `${CHECK_BACKEND_PREFIX}${Math.floor((n - 1) / CHECK_SLOTS_PER_BACKEND)}`, server: slot };
}

export function isCheckBackendName(name: string): boolean {
  return name.startsWith(CHECK_BACKEND_PREFIX) && /^\d+$/.test(name.slice(CHECK_BACKEND_PREFIX.length));
}

/** One server of one backend, as the runtime API addresses it. */
export interface ServerRef {
  backend: string;
  server: string;
}

/** `backend/server`: how a server is named on haproxy's CLI, and the key of every per-server record. */
export function serverKey(ref: ServerRef): string {
  return `${ref.backend}/${ref.server}`;
}

/**
 * openshift-router's endpoint ID (`pod:<pod>:<service>:<port>:<ip>:<port>` or
 * `ept:...` without a pod), used as the haproxy server name so a server keeps
 * its identity across commits and runtime updates. Only characters haproxy
 * accepts in names appear: IPv6 colons are fine, brackets are not.
 */
export function serverName(e: { podName: string; serviceName: string; portName: string; ip: string; port: number }): string {
  const tail = `${e.serviceName}:${e.portName}:${e.ip}:${e.port}`;
  return e.podName ? `pod:${e.podName}:${tail}` : `ept:${tail}`;
}

/** `<Ingress name, cut>_ingress_<16 hex>`: the `_` is what no DNS-1123 name, and so no Route admitted here, can hold. */
const INGRESS_ROUTE_NAME = /^[a-z0-9.-]{1,63}_ingress_[0-9a-f]{16}$/;

/**
 * The name of a route generated from an Ingress. Its key (`namespace/name`)
 * can be no Route's (sources refuse Routes so named), it is the same after
 * every restart, since it derives from what the route serves (`what`: the
 * Ingress's host, path and path type), and it stays under 90 characters
 * however long the Ingress's name, host and path are; the readable part
 * tells log readers which Ingress it came from.
 */
export function ingressRouteName(ingressName: string, what: string): string {
  const readable = ingressName.replace(/[^a-z0-9.-]/g, '-').slice(0, 63) || '-';
  const digest = Bun.SHA256.hash(`${ingressName}\n${what}`, 'hex').slice(0, 16);
  return `${readable}_ingress_${digest}`;
}

/** Whether `name` is one `ingressRouteName` makes. */
export function isIngressRouteName(name: string): boolean {
  return INGRESS_ROUTE_NAME.test(name);
}

/** `<route name, cut>_httproute_<16 hex>` or `_tlsroute_`: as an Ingress's routes, no Route can have such a name. */
const GATEWAY_ROUTE_NAME = /^[a-z0-9.-]{1,63}_(httproute|tlsroute)_[0-9a-f]{16}$/;

/**
 * The name of a route generated from an HTTPRoute or a TLSRoute, under the
 * same rules as `ingressRouteName`. The generated route lives in the
 * namespace of its backends, which may not be the Gateway API route's, so
 * the digest covers that route's namespace too.
 */
export function gatewayRouteName(kind: 'HTTPRoute' | 'TLSRoute', namespace: string, name: string, what: string): string {
  const readable = name.replace(/[^a-z0-9.-]/g, '-').slice(0, 63) || '-';
  const digest = Bun.SHA256.hash(`${kind}\n${namespace}\n${name}\n${what}`, 'hex').slice(0, 16);
  return `${readable}_${kind.toLowerCase()}_${digest}`;
}

/** Whether `name` is one `gatewayRouteName` makes. */
export function isGatewayRouteName(name: string): boolean {
  return GATEWAY_ROUTE_NAME.test(name);
}

/** Whether `name` is one the router generates (from an Ingress, an HTTPRoute or a TLSRoute), which no Route may take. */
export function isGeneratedRouteName(name: string): boolean {
  return isIngressRouteName(name) || isGatewayRouteName(name);
}
