/**
 * networking.k8s.io/v1 Ingresses, IngressClasses and the Secrets they name,
 * as `kubectl create` would send them, for the fake API server and for
 * manifest files alike.
 */
import type { KubeObject } from './fake-api/fake-api-server.ts';
import type { LoadBalancerIngress } from '../../src/status/load-balancer-status.ts';
import type { FakeApiServer } from './fake-api/fake-api-server.ts';

export interface IngressPathSpec {
  path?: string;
  pathType?: 'Exact' | 'Prefix' | 'ImplementationSpecific';
  service: string;
  /** A port name, or a Service port number; default `http`. */
  port?: string | number;
}

export interface IngressSpec {
  name: string;
  namespace?: string;
  /** Each host with its paths; `undefined` paths: a rule without `http`. */
  rules: { host: string; paths?: IngressPathSpec[] }[];
  defaultBackend?: { service: string; port?: string | number };
  tls?: { hosts: string[]; secretName?: string }[];
  className?: string;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
}

function backend(b: { service: string; port?: string | number }) {
  const port = b.port ?? 'http';
  return { service: { name: b.service, port: typeof port === 'number' ? { number: port } : { name: port } } };
}

export function ingressObject(i: IngressSpec): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: i.name,
      namespace: i.namespace ?? 'default',
      ...(i.annotations ? { annotations: i.annotations } : {}),
      ...(i.creationTimestamp ? { creationTimestamp: i.creationTimestamp } : {}),
    },
    spec: {
      ...(i.className ? { ingressClassName: i.className } : {}),
      ...(i.defaultBackend ? { defaultBackend: backend(i.defaultBackend) } : {}),
      rules: i.rules.map((r) => ({
        host: r.host,
        ...(r.paths ? { http: { paths: r.paths.map((p) => ({ path: p.path ?? '/', pathType: p.pathType ?? 'Prefix', backend: backend(p) })) } } : {}),
      })),
      ...(i.tls ? { tls: i.tls } : {}),
    },
  };
}

export function ingressClassObject(name: string, controller: string, isDefault = false): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name, ...(isDefault ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {}) },
    spec: { controller },
  };
}

/** A `kubernetes.io/tls` Secret holding `cert` and `key` (PEM), base64 as the API stores them. */
export function tlsSecretObject(name: string, pem: { cert: string; key: string }, namespace = 'default'): KubeObject {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(pem.cert), 'tls.key': b64(pem.key) },
  };
}

/** The stored Ingress's `status.loadBalancer.ingress` ([] when it has none). */
export function storedLoadBalancer(server: FakeApiServer, namespace: string, name: string): LoadBalancerIngress[] {
  const status = server.get('Ingress', namespace, name)?.status as { loadBalancer?: { ingress?: LoadBalancerIngress[] } } | undefined;
  return status?.loadBalancer?.ingress ?? [];
}
