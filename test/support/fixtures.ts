import type { EndpointSlice } from '../../src/domain/endpoints.ts';
import type { Route, RouteTLS } from '../../src/domain/route.ts';
import type { ConfigSettings } from '../../src/config/settings.ts';
import { DEFAULT_HTTP } from './router-options.ts';

/** A plain HTTP route with every field defaulted; override what a test is about. */
export function route(overrides: Partial<Route> & { name: string }): Route {
  return {
    namespace: 'default',
    uid: `uid-${overrides.name}`,
    creationTimestamp: '2026-01-01T00:00:00Z',
    labels: {},
    annotations: {},
    host: `${overrides.name}.example.com`,
    subdomain: '',
    path: '',
    to: { kind: 'Service', name: overrides.name, weight: undefined },
    alternateBackends: [],
    targetPort: undefined,
    tls: undefined,
    wildcardPolicy: 'None',
    ...overrides,
  };
}

/** A route's `spec.tls` with every PEM field empty; override what a test is about. */
export function routeTls(termination: string, more: Partial<RouteTLS> = {}): RouteTLS {
  return {
    termination,
    insecureEdgeTerminationPolicy: '',
    certificate: '',
    key: '',
    caCertificate: '',
    destinationCACertificate: '',
    ...more,
  };
}

/** A slice of ready endpoints for `service`, one per address, all on `port`. */
export function slice(
  service: string,
  addresses: readonly (string | { ip: string; ready?: boolean; podName?: string })[],
  opts: { namespace?: string; name?: string; port?: number; portName?: string; protocol?: string } = {},
): EndpointSlice {
  return {
    namespace: opts.namespace ?? 'default',
    name: opts.name ?? `${service}-abc`,
    serviceName: service,
    addressType: 'IPv4',
    addresses: addresses.map((a) =>
      typeof a === 'string' ? { ip: a, ready: true, podName: '' } : { ip: a.ip, ready: a.ready ?? true, podName: a.podName ?? '' },
    ),
    ports: [{ name: opts.portName ?? 'http', port: opts.port ?? 8080, protocol: opts.protocol ?? 'TCP', appProtocol: '' }],
  };
}

export function settings(overrides: Partial<ConfigSettings> = {}): ConfigSettings {
  return {
    bindAddress: '127.0.0.1',
    httpPort: 10080,
    httpsPort: 10443,
    ipMode: 'v4',
    proxyProtocol: false,
    maxConnections: 1000,
    threads: undefined,
    hardStopAfterMs: undefined,
    bufSize: 32768,
    maxRewrite: 8192,
    adminSocketPath: '/tmp/router-test/haproxy.sock',
    certDir: '/tmp/router-test/certs',
    sniSocketPath: '/tmp/router-test/sni.sock',
    noSniSocketPath: '/tmp/router-test/no-sni.sock',
    timeouts: {
      connectMs: 5000,
      clientMs: 30000,
      clientFinMs: 1000,
      serverMs: 30000,
      serverFinMs: 1000,
      httpRequestMs: 10000,
      httpKeepAliveMs: 300000,
      tunnelMs: 3600000,
      inspectDelayMs: 5000,
    },
    loadBalanceAlgorithm: 'random',
    tcpBalanceAlgorithm: 'source',
    shuffleServers: false,
    serverOrderSeed: undefined,
    deepWildcards: false,
    checkIntervalMs: 5000,
    cookieName: undefined,
    sparesPerShape: 0,
    tls: {
      strictSni: false,
      ciphers: 'ECDHE-RSA-AES128-GCM-SHA256',
      ciphersuites: undefined,
      minVersion: 'TLSv1.2',
      maxVersion: undefined,
      dhParamBits: 2048,
      http2: true,
      curves: undefined,
      clientCertificates: undefined,
      ticketKeysPath: '/tmp/router-test/certs/tls-ticket-keys',
    },
    monitorUri: undefined,
    statsPage: undefined,
    logging: {
      target: { kind: 'none' },
      facility: 'local1',
      level: 'warning',
      maxLength: 1024,
      format: undefined,
      dontLogNull: false,
      httpIgnoreProbes: false,
      uniqueId: undefined,
    },
    http: DEFAULT_HTTP,
    errorPages: { page503: undefined, page404: undefined },
    ...overrides,
  };
}

/** Routes by `namespace/name`, in the order given: what commit outcomes carry. */
export function routeMap<R extends Route>(...routes: R[]): Map<string, R> {
  return new Map(routes.map((r) => [`${r.namespace}/${r.name}`, r]));
}
