import { isRecord } from './json.ts';
import type { KubeObject, StoredKind } from './types.ts';

/** One served resource, with what discovery advertises about it and where its objects live. */
export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: readonly string[];
  /** Subresources served (and advertised) under `<plural>/<name>/<sub>`. */
  subresources: readonly string[];
  /** The stored kind whose objects back this resource. */
  storedKind: StoredKind;
  /** Field selector labels beyond metadata.name/metadata.namespace, with how to read each. */
  fields: Readonly<Record<string, (obj: KubeObject) => string>>;
  /** Turns a stored object into what this resource serves (identity except for derived resources). */
  present(obj: KubeObject): KubeObject;
  /** Clients may create objects of it over HTTP (Events); tests make every other kind through the programmatic controls. */
  createdOverHttp?: boolean;
}

const readWrite = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

function specString(obj: KubeObject, ...path: string[]): string {
  let cur: unknown = obj.spec;
  for (const key of path) cur = isRecord(cur) ? cur[key] : undefined;
  return typeof cur === 'string' ? cur : '';
}

const identity = (obj: KubeObject): KubeObject => obj;

/** OpenShift serves a Project for every Namespace the user can see; the fake shows all of them. */
function projectOf(ns: KubeObject): KubeObject {
  return { kind: 'Project', apiVersion: 'project.openshift.io/v1', metadata: ns.metadata, spec: ns.spec, status: ns.status };
}

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** Gateway API CRDs at the versions the router reads (a real cluster may serve more). */
const GATEWAY_API_RESOURCES: readonly ResourceType[] = [
  ['v1', 'gatewayclasses', 'gatewayclass', 'GatewayClass', false],
  ['v1', 'gateways', 'gateway', 'Gateway', true],
  ['v1', 'httproutes', 'httproute', 'HTTPRoute', true],
  ['v1beta1', 'referencegrants', 'referencegrant', 'ReferenceGrant', true],
  ['v1alpha2', 'tlsroutes', 'tlsroute', 'TLSRoute', true],
  ['v1', 'grpcroutes', 'grpcroute', 'GRPCRoute', true],
].map(([version, plural, singular, kind, namespaced]) => ({
  group: GATEWAY_GROUP, version: version as string, plural: plural as string, singular: singular as string, kind: kind as string,
  namespaced: namespaced as boolean, verbs: readWrite, subresources: kind === 'ReferenceGrant' ? [] : ['status'],
  storedKind: kind as StoredKind, present: identity, fields: {},
}));

/** Every resource the fake serves, in discovery order. */
export const RESOURCES: readonly ResourceType[] = [
  {
    group: 'route.openshift.io', version: 'v1', plural: 'routes', singular: 'route', kind: 'Route', namespaced: true,
    verbs: readWrite, subresources: ['status'], storedKind: 'Route', present: identity,
    // OpenShift's route field label conversion accepts exactly these.
    fields: {
      'spec.host': (o) => specString(o, 'host'),
      'spec.path': (o) => specString(o, 'path'),
      'spec.to.name': (o) => specString(o, 'to', 'name'),
    },
  },
  {
    group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', singular: 'endpointslice', kind: 'EndpointSlice',
    namespaced: true, verbs: readWrite, subresources: [], storedKind: 'EndpointSlice', present: identity, fields: {},
  },
  {
    group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', singular: 'ingress', kind: 'Ingress', namespaced: true,
    verbs: readWrite, subresources: ['status'], storedKind: 'Ingress', present: identity, fields: {},
  },
  {
    group: 'networking.k8s.io', version: 'v1', plural: 'ingressclasses', singular: 'ingressclass', kind: 'IngressClass', namespaced: false,
    verbs: readWrite, subresources: [], storedKind: 'IngressClass', present: identity, fields: {},
  },
  {
    group: '', version: 'v1', plural: 'secrets', singular: 'secret', kind: 'Secret', namespaced: true,
    verbs: readWrite, subresources: [], storedKind: 'Secret', present: identity,
    // The field selector the API server accepts on Secrets beyond name and namespace.
    fields: { type: (o) => (typeof o.type === 'string' ? o.type : '') },
  },
  {
    group: '', version: 'v1', plural: 'endpoints', singular: 'endpoints', kind: 'Endpoints', namespaced: true,
    verbs: readWrite, subresources: [], storedKind: 'Endpoints', present: identity, fields: {},
  },
  {
    group: '', version: 'v1', plural: 'services', singular: 'service', kind: 'Service', namespaced: true,
    verbs: readWrite, subresources: ['status'], storedKind: 'Service', present: identity, fields: {},
  },
  {
    group: '', version: 'v1', plural: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['status'], storedKind: 'Namespace',
    present: identity, fields: {},
  },
  {
    group: '', version: 'v1', plural: 'events', singular: 'event', kind: 'Event', namespaced: true,
    verbs: readWrite, subresources: [], storedKind: 'Event', present: identity, fields: {}, createdOverHttp: true,
  },
  ...GATEWAY_API_RESOURCES,
  {
    group: 'project.openshift.io', version: 'v1', plural: 'projects', singular: 'project', kind: 'Project', namespaced: false,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: [], storedKind: 'Namespace',
    present: projectOf, fields: {},
  },
];

/** Where each stored kind lives in the API, for stamping apiVersion on created objects. */
export const STORED_API_VERSION: Readonly<Record<StoredKind, string>> = {
  Route: 'route.openshift.io/v1',
  EndpointSlice: 'discovery.k8s.io/v1',
  Endpoints: 'v1',
  Service: 'v1',
  Namespace: 'v1',
  Ingress: 'networking.k8s.io/v1',
  IngressClass: 'networking.k8s.io/v1',
  Secret: 'v1',
  GatewayClass: `${GATEWAY_GROUP}/v1`,
  Gateway: `${GATEWAY_GROUP}/v1`,
  HTTPRoute: `${GATEWAY_GROUP}/v1`,
  ReferenceGrant: `${GATEWAY_GROUP}/v1beta1`,
  TLSRoute: `${GATEWAY_GROUP}/v1alpha2`,
  GRPCRoute: `${GATEWAY_GROUP}/v1`,
  Event: 'v1',
};

/** Which stored kinds are namespaced. */
export const STORED_NAMESPACED: Readonly<Record<StoredKind, boolean>> = {
  Route: true, EndpointSlice: true, Endpoints: true, Service: true, Namespace: false, Ingress: true, IngressClass: false, Secret: true,
  GatewayClass: false, Gateway: true, HTTPRoute: true, ReferenceGrant: true, TLSRoute: true, GRPCRoute: true, Event: true,
};

/** `group/version`, or bare `version` for the core group, as in apiVersion. */
export function groupVersion(r: { group: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** `plural.group` (bare plural for core), the form API error messages use. */
export function qualifiedName(r: ResourceType): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

/** Whether a kind can be created (Projects cannot: they are derived). */
export function isStoredKind(kind: string): kind is StoredKind {
  return Object.hasOwn(STORED_API_VERSION, kind);
}
