import { resolveCiphers } from '../../src/config/ciphers.ts';
import { DEFAULT_MANIFESTS_DIR } from '../../src/cli/table/routing.ts';
import type { RouterOptions } from '../../src/options.ts';
import type { HttpOptions } from '../../src/traffic-options.ts';
import { admissionSettings } from './admission.ts';

/** What the HTTP frontends do to traffic when no setting says otherwise. */
export const DEFAULT_HTTP: HttpOptions = {
  forwardedHeaders: 'append',
  compressionTypes: undefined,
  capture: { request: [], response: [], cookie: undefined },
  headerActions: { request: [], response: [] },
  h1CaseAdjust: [],
  contStats: false,
  abortOnClose: false,
  stripClientSslHeaders: true,
};

/** The options router runs with when given no flags and an empty environment. */
export const DEFAULT_OPTIONS: RouterOptions = {
  ingress: undefined,
  gatewayApi: undefined,
  source: { kind: 'manifests', dir: DEFAULT_MANIFESTS_DIR },
  listen: { bindAddress: '', httpPort: 80, httpsPort: 443, ipMode: 'v4', proxyProtocol: false },
  haproxy: {
    maxConnections: 50000,
    threads: undefined,
    hardStopAfterMs: 3_600_000,
    bufSize: 32768,
    maxRewrite: 8192,
    loadBalanceAlgorithm: 'random',
    tcpBalanceAlgorithm: 'source',
    shuffleServers: false,
    checkIntervalMs: 5000,
    cookieName: undefined,
  },
  shutdown: { gracefulDelayMs: 45_000, drainTimeoutMs: 30_000 },
  reloadBudget: { burst: 5, refillMs: 120_000 },
  stats: {
    listen: undefined,
    server: 'haproxy',
    credentials: undefined,
    tls: undefined,
    readyUrl: undefined,
    adminSocketCheck: true,
    scrape: { timeoutMs: 5000, baseIntervalMs: 5000, serverThreshold: 500, columns: [2, 4, 5, 7, 8, 9, 13, 14, 17, 21, 24, 33, 35, 39, 40, 41, 42, 43, 44, 58, 59, 60, 79, 85] },
  },
  timeouts: {
    connectMs: 5000,
    clientMs: 30_000,
    clientFinMs: 1000,
    serverMs: 30_000,
    serverFinMs: 1000,
    httpRequestMs: 10_000,
    httpKeepAliveMs: 300_000,
    tunnelMs: 3_600_000,
    inspectDelayMs: 5000,
  },
  tls: {
    strictSni: false,
    ciphers: resolveCiphersOrThrow('intermediate'),
    ciphersuites: undefined,
    minVersion: 'TLSv1.2',
    maxVersion: undefined,
    dhParamBits: 2048,
    http2: true,
    curves: undefined,
    clientCertificates: undefined,
  },
  http: DEFAULT_HTTP,
  errorPages: { page503: undefined, page404: undefined },
  operatorTls: {
    defaultCertificate: { kind: 'generate' },
    defaultDestinationCaPath: '/var/run/secrets/kubernetes.io/serviceaccount/service-ca.crt',
    defaultDestinationCaExplicit: false,
  },
  workingDir: '/var/lib/router',
  haproxyBinary: 'haproxy',
  logFormat: 'pretty',
  haproxyLog: {
    target: { kind: 'none' },
    facility: 'local1',
    level: 'warning',
    maxLength: 1024,
    format: undefined,
    dontLogNull: false,
    httpIgnoreProbes: false,
    uniqueId: undefined,
  },
  logLevel: 'info',
  templatePath: undefined,
  intervalMs: 5000,
  runtimeUpdates: true,
  commitIntervalMs: 3_600_000,
  ticketKeyIntervalMs: 3_600_000,
  sparesPerShape: 10,
  routerName: 'public',
  admission: admissionSettings(),
  status: { update: true, canonicalHostname: undefined, contentionWindowMs: 180_000 },
  includeUdpEndpoints: false,
  extendedValidation: true,
  notes: [],
  warnings: [],
};

export const KUBE_SOURCE = {
  kind: 'kubernetes',
  connection: {
    server: 'https://api.example:6443',
    token: undefined,
    tokenFile: undefined,
    kubeconfig: undefined,
    context: undefined,
    certificateAuthority: undefined,
    clientCertificate: undefined,
    clientKey: undefined,
    insecureSkipTlsVerify: false,
  },
  namespace: undefined,
  routeLabels: undefined,
  routeFields: undefined,
  namespaceLabels: undefined,
  projectLabels: undefined,
  watchEndpoints: false,
  allowLoopbackEndpoints: false,
  allowHostEndpoints: false,
  endpointCidrs: [],
  externalCertificates: true,
} as const;

export function resolveCiphersOrThrow(name: string): string {
  const r = resolveCiphers(name);
  if (!r.ok) throw new Error(r.error);
  return r.ciphers;
}

type Group = 'listen' | 'haproxy' | 'timeouts' | 'tls' | 'http' | 'errorPages' | 'operatorTls' | 'admission';

/** The defaults with some fields of one option group replaced. */
function withGroup<G extends Group>(group: G) {
  return (overrides: Partial<RouterOptions[G]>): RouterOptions => ({ ...DEFAULT_OPTIONS, [group]: { ...DEFAULT_OPTIONS[group], ...overrides } });
}

export const withDefaults = (overrides: Partial<RouterOptions>): RouterOptions => ({ ...DEFAULT_OPTIONS, ...overrides });
export const withListen = withGroup('listen');
export const withHaproxy = withGroup('haproxy');
export const withTimeouts = withGroup('timeouts');
export const withTls = withGroup('tls');
export const withHttp = withGroup('http');
export const withOperatorTls = withGroup('operatorTls');
export const withAdmission = withGroup('admission');
