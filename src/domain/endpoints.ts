/**
 * Endpoints of one Service as the router needs them, independent of whether
 * they came from discovery.k8s.io/v1 EndpointSlices or core/v1 Endpoints.
 * Sources convert both into EndpointSlice-shaped records so the core has one
 * code path.
 */
export interface EndpointPort {
  /** "" when the port is unnamed. */
  name: string;
  port: number;
  protocol: string;
  appProtocol: string;
}

export interface EndpointAddress {
  ip: string;
  /** Unset `ready` counts as ready, as in Kubernetes. */
  ready: boolean;
  /** Pod name when the endpoint's targetRef is a Pod, else "". */
  podName: string;
}

export interface EndpointSlice {
  namespace: string;
  /** Slice name (for Endpoints objects: the object's name). */
  name: string;
  /** The owning Service (label kubernetes.io/service-name). */
  serviceName: string;
  addressType: string;
  addresses: readonly EndpointAddress[];
  ports: readonly EndpointPort[];
}
