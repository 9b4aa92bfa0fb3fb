/** YAML manifests as an admin would write them, for the manifest source. */
export function routeYaml(r: { name: string; host: string; path?: string; service?: string; namespace?: string; targetPort?: string | number }): string {
  return [
    'apiVersion: route.openshift.io/v1',
    'kind: Route',
    'metadata:',
    `  name: ${r.name}`,
    `  namespace: ${r.namespace ?? 'default'}`,
    'spec:',
    `  host: ${JSON.stringify(r.host)}`,
    ...(r.path !== undefined ? [`  path: ${JSON.stringify(r.path)}`] : []),
    ...(r.targetPort !== undefined ? ['  port:', `    targetPort: ${JSON.stringify(r.targetPort)}`] : []),
    '  to:',
    '    kind: Service',
    `    name: ${r.service ?? r.name}`,
    '',
  ].join('\n');
}

export function sliceYaml(s: { service: string; ports: number[]; namespace?: string; name?: string; portName?: string }): string {
  return [
    'apiVersion: discovery.k8s.io/v1',
    'kind: EndpointSlice',
    'metadata:',
    `  name: ${s.name ?? `${s.service}-1`}`,
    `  namespace: ${s.namespace ?? 'default'}`,
    '  labels:',
    `    kubernetes.io/service-name: ${s.service}`,
    'addressType: IPv4',
    'endpoints:',
    '  - addresses: ["127.0.0.1"]',
    '    conditions: { ready: true }',
    'ports:',
    ...s.ports.map((p, i) => `  - { name: ${JSON.stringify(s.portName ?? `http${i === 0 ? '' : i}`)}, port: ${p}, protocol: TCP }`),
    '',
  ].join('\n');
}

export interface RouteTlsSpec {
  termination: 'edge' | 'passthrough' | 'reencrypt';
  insecureEdgeTerminationPolicy?: 'None' | 'Allow' | 'Redirect';
  certificate?: string;
  key?: string;
  caCertificate?: string;
  destinationCACertificate?: string;
}

/** A Route as JSON (YAML's superset), for routes with TLS material that YAML quoting would obscure. */
export function routeJson(r: {
  name: string;
  host: string;
  path?: string;
  service?: string;
  namespace?: string;
  wildcardPolicy?: 'None' | 'Subdomain';
  tls?: RouteTlsSpec;
  creationTimestamp?: string;
  annotations?: Record<string, string>;
}): string {
  return JSON.stringify({
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: {
      name: r.name,
      namespace: r.namespace ?? 'default',
      ...(r.creationTimestamp ? { creationTimestamp: r.creationTimestamp } : {}),
      ...(r.annotations ? { annotations: r.annotations } : {}),
    },
    spec: {
      host: r.host,
      ...(r.path !== undefined ? { path: r.path } : {}),
      to: { kind: 'Service', name: r.service ?? r.name },
      ...(r.wildcardPolicy ? { wildcardPolicy: r.wildcardPolicy } : {}),
      ...(r.tls ? { tls: r.tls } : {}),
    },
  });
}
