/** The mix as API objects: Routes and one EndpointSlice per pod. */
import type { KubeObject } from '../../test/support/fake-api/fake-api-server.ts';
import type { RouteSpec, ServiceSpec } from './mix.ts';

/** Certificates shared by every route of the mix (a real cluster reuses a wildcard certificate the same way). */
export interface MixCertificates {
  /** The edge and reencrypt routes' certificate (`*.bench.test`) and key. */
  route: { cert: string; key: string };
  /** The CA that signed the TLS pods' certificate, for reencrypt routes. */
  destinationCA: string;
  /** Another CA, bundled with the first to change a destination CA without breaking verification. */
  extraCA: string;
}

export function routeObject(route: RouteSpec, certs: MixCertificates, own?: { cert: string; key: string }): KubeObject {
  const served = own ?? certs.route;
  const tls =
    route.kind === 'edge'
      ? { termination: 'edge', certificate: served.cert, key: served.key, insecureEdgeTerminationPolicy: route.policy }
      : route.kind === 'reencrypt'
        ? { termination: 'reencrypt', certificate: served.cert, key: served.key, destinationCACertificate: certs.destinationCA }
        : route.kind === 'passthrough'
          ? { termination: 'passthrough' }
          : undefined;
  return {
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: { name: route.name, namespace: route.namespace },
    spec: {
      host: route.host,
      ...(route.path ? { path: route.path } : {}),
      to: { kind: 'Service', name: route.service.name, weight: 100 },
      ...(tls ? { tls } : {}),
    },
  };
}

export function sliceObject(service: ServiceSpec, slot: number, port: number): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service.name}-${slot}`, namespace: service.namespace, labels: { 'kubernetes.io/service-name': service.name } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
    ports: [{ name: service.tls ? 'https' : 'http', port, protocol: 'TCP' }],
  };
}

export function sliceObjects(service: ServiceSpec): KubeObject[] {
  return service.pods.map((port, slot) => sliceObject(service, slot, port));
}
