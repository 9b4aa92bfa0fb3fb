/**
 * The router's own view of Gateway API objects (gateway.networking.k8s.io):
 * GatewayClasses, Gateways, HTTPRoutes, TLSRoutes and ReferenceGrants, with
 * only the fields that decide what is served and what their status says.
 * Sources convert API objects into these at the edge; every string is still
 * untrusted tenant input. Secrets and Services are the Ingress ones
 * (`IngressSecret`, `ServicePorts`): Gateways read the same two keys and ports.
 */

/** The Gateway API group, the default group of every reference a Gateway API object makes. */
export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** What the router needs of every Gateway API object: identity, age and the generation its status observes. */
export interface GatewayObjectMeta {
  namespace: string;
  name: string;
  uid: string;
  /** RFC 3339: route precedence and ownership go by age. */
  creationTimestamp: string;
  /** metadata.generation, for observedGeneration. */
  generation: number;
}

export interface GatewayClass {
  name: string;
  generation: number;
  /** `spec.controllerName`. */
  controllerName: string;
  /** `spec.parametersRef` is set (the router takes no parameters). */
  hasParameters: boolean;
}

/** A reference to a Secret, a Service or another object, as written (group "" is the core group). */
export interface ObjectRef {
  group: string;
  kind: string;
  name: string;
  /** undefined: the referrer's namespace. */
  namespace: string | undefined;
}

/** `allowedRoutes.namespaces`. */
export type RouteNamespaces =
  | { from: 'Same' | 'All' | 'None' }
  | { from: 'Selector'; matchLabels: Readonly<Record<string, string>>; matchExpressions: readonly LabelExpression[] }
  /** A value the router does not know. */
  | { from: 'Unknown'; value: string };

export interface LabelExpression {
  key: string;
  operator: string;
  values: readonly string[];
}

export interface Listener {
  name: string;
  /** "" when unset: every host name. */
  hostname: string;
  port: number;
  protocol: string;
  /** `tls.mode`, "Terminate" when unset; undefined without `tls`. */
  tlsMode: string | undefined;
  certificateRefs: readonly ObjectRef[];
  namespaces: RouteNamespaces;
  /** `allowedRoutes.kinds` as written; empty: the kinds of the protocol. */
  kinds: readonly { group: string; kind: string }[];
}

export interface Gateway extends GatewayObjectMeta {
  className: string;
  listeners: readonly Listener[];
  /** `spec.addresses[].value`. */
  addresses: readonly string[];
}

export interface ParentRef {
  group: string;
  kind: string;
  /** undefined: the route's namespace. */
  namespace: string | undefined;
  name: string;
  /** "" when unset: every listener. */
  sectionName: string;
  port: number | undefined;
}

export interface BackendRef extends ObjectRef {
  port: number | undefined;
  /** 0-1,000,000; unset counts as 1. */
  weight: number;
  /** The backendRef carries filters of its own (not supported). */
  hasFilters: boolean;
}

export interface PathMatch {
  /** `Exact`, `PathPrefix`, `RegularExpression` or whatever was written. */
  type: string;
  value: string;
}

/** A header or query parameter match as written: `type` is `Exact` (the default), `RegularExpression` or whatever was written. */
export interface ValueMatch {
  type: string;
  name: string;
  value: string;
}

export interface HTTPRouteMatch {
  path: PathMatch;
  /** Unset: none. */
  headers?: readonly ValueMatch[];
  queryParams?: readonly ValueMatch[];
  /** Unset or "": any method. */
  method?: string;
}

/** `set` and `add` entries of a header modifier, as written. */
export interface HTTPHeaderEntry {
  name: string;
  value: string;
}

/** `requestHeaderModifier` / `responseHeaderModifier`, as written. */
export interface HTTPHeaderModifier {
  set: readonly HTTPHeaderEntry[];
  add: readonly HTTPHeaderEntry[];
  remove: readonly string[];
}

/** `path` of a redirect or a rewrite, as written: `type` and the value of the field it names (undefined when unset). */
export interface HTTPPathModifier {
  type: string;
  replaceFullPath: string | undefined;
  replacePrefixMatch: string | undefined;
}

/** `requestRedirect`, as written; unset fields undefined. */
export interface HTTPRequestRedirect {
  scheme: string | undefined;
  hostname: string | undefined;
  port: number | undefined;
  statusCode: number | undefined;
  path: HTTPPathModifier | undefined;
}

/** `urlRewrite`, as written. */
export interface HTTPURLRewrite {
  hostname: string | undefined;
  path: HTTPPathModifier | undefined;
}

/** One of a rule's `filters`: its type and, for the types the router serves, the field that type names (undefined when missing). */
export interface HTTPRouteFilter {
  type: string;
  requestHeaderModifier?: HTTPHeaderModifier | undefined;
  responseHeaderModifier?: HTTPHeaderModifier | undefined;
  requestRedirect?: HTTPRequestRedirect | undefined;
  urlRewrite?: HTTPURLRewrite | undefined;
}

export interface HTTPRouteRule {
  /** Never empty: a rule without matches matches every path (`PathPrefix /`). */
  matches: readonly HTTPRouteMatch[];
  /** In order. */
  filters: readonly HTTPRouteFilter[];
  backendRefs: readonly BackendRef[];
  /** Fields of the rule the router does not implement (timeouts, retry, session persistence). */
  unsupported: readonly string[];
}

export interface HTTPRoute extends GatewayObjectMeta {
  parentRefs: readonly ParentRef[];
  hostnames: readonly string[];
  rules: readonly HTTPRouteRule[];
}

export interface TLSRoute extends GatewayObjectMeta {
  parentRefs: readonly ParentRef[];
  hostnames: readonly string[];
  /** The backendRefs of its rule (TLSRoute has one). */
  backendRefs: readonly BackendRef[];
}

export interface ReferenceGrant {
  namespace: string;
  name: string;
  from: readonly { group: string; kind: string; namespace: string }[];
  /** `name` undefined: every object of the kind. */
  to: readonly { group: string; kind: string; name: string | undefined }[];
}

/** A route of a kind the router does not serve yet (GRPCRoute): only its parentRefs, for the status that says so. */
export interface UnservedRoute extends GatewayObjectMeta {
  parentRefs: readonly ParentRef[];
}

/** The kinds of route this router serves from Gateways. */
export type GatewayRouteKind = 'HTTPRoute' | 'TLSRoute';

/** A namespace's labels, for `allowedRoutes` selectors. */
export interface NamespaceLabels {
  name: string;
  labels: Readonly<Record<string, string>>;
}
