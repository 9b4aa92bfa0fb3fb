/** Object metadata as the fake stores it; unknown fields pass through untouched. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
  uid?: string;
  creationTimestamp?: string;
  generation?: number;
  [field: string]: unknown;
}

/** Any API object: the fake needs only kind and metadata, everything else is opaque JSON. */
export interface KubeObject {
  apiVersion?: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** The kinds a test can create; Project is derived from Namespace and cannot be written. */
export type StoredKind =
  | 'Route' | 'EndpointSlice' | 'Endpoints' | 'Service' | 'Namespace' | 'Ingress' | 'IngressClass' | 'Secret'
  | 'GatewayClass' | 'Gateway' | 'HTTPRoute' | 'ReferenceGrant' | 'TLSRoute' | 'GRPCRoute' | 'Event';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
