/**
 * What the router is told by its operator, typed once. The CLI builds a
 * RouterOptions from flags and environment; everyone else reads these types
 * from here. Groups the generated configuration uses carry the config's own
 * names, so ConfigSettings (config/settings.ts) is these groups spread plus the
 * working paths, not a copy made field by field.
 */
import type { AdmissionSettings } from './admission/settings.ts';
import type { Cidr } from './domain/cidr.ts';
import type { KubeConnection } from './kube-client/kube-config.ts';
import type { LogFormat, LogLevelName } from './log.ts';
import type { ClientCertificateOptions, ErrorPageOptions, HttpOptions } from './traffic-options.ts';

export const LOAD_BALANCE_ALGORITHMS = ['roundrobin', 'leastconn', 'source', 'random'] as const;
export type LoadBalanceAlgorithm = (typeof LOAD_BALANCE_ALGORITHMS)[number];

export const TLS_VERSIONS = ['TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];

/** Which address families the public frontends listen on when no --bind-address names one (ROUTER_IP_V4_V6_MODE). */
export const IP_MODES = ['v4', 'v6', 'v4v6'] as const;
export type IpMode = (typeof IP_MODES)[number];

/** Where routes and endpoints come from. */
export type RoutingSource =
  | { readonly kind: 'manifests'; readonly dir: string }
  | {
      readonly kind: 'kubernetes';
      /** undefined fields fall back to the kubeconfig, then to in-cluster settings. */
      readonly connection: KubeConnection;
      /** undefined: every namespace. */
      readonly namespace: string | undefined;
      readonly routeLabels: string | undefined;
      readonly routeFields: string | undefined;
      readonly namespaceLabels: string | undefined;
      /** `*` selects every project the router can see. */
      readonly projectLabels: string | undefined;
      readonly watchEndpoints: boolean;
      readonly allowLoopbackEndpoints: boolean;
      readonly allowHostEndpoints: boolean;
      /** Empty: no restriction. */
      readonly endpointCidrs: readonly Cidr[];
      /** Read the Secrets routes name in spec.tls.externalCertificate (--allow-external-certificates). */
      readonly externalCertificates: boolean;
    };

/** Ingresses served as routes (--enable-ingress). */
export interface IngressOptions {
  /** The IngressClass controller whose Ingresses are ours (--ingress-class-controller). */
  readonly classController: string;
}

/** Gateway API objects served as routes (--enable-gateway-api). */
export interface GatewayApiOptions {
  /** The GatewayClass `spec.controllerName` whose Gateways are ours (--gateway-controller-name). */
  readonly controllerName: string;
}

/** Route status writing (--update-status, --name, --router-canonical-hostname). */
export interface StatusOptions {
  readonly update: boolean;
  readonly canonicalHostname: string | undefined;
  /** Window of the contention tracker: upstream uses resync-interval / 10. */
  readonly contentionWindowMs: number;
}

/** The public frontends. */
export interface ListenOptions {
  /** "" binds every address, as openshift-router does. */
  readonly bindAddress: string;
  readonly httpPort: number;
  readonly httpsPort: number;
  /** Families bound when bindAddress is "" (with one, it alone is bound). */
  readonly ipMode: IpMode;
  /** Both public ports take a PROXY protocol header (v1 or v2) before anything else (ROUTER_USE_PROXY_PROTOCOL). */
  readonly proxyProtocol: boolean;
}

/** haproxy's global and backend tuning (upstream's template variables); times in milliseconds. */
export interface HaproxyOptions {
  /** `maxconn`; the configuration lowers it to what the open-file limit allows (haproxy/fd-limit.ts). */
  readonly maxConnections: number;
  /** `nbthread`; undefined: haproxy picks the thread count. */
  readonly threads: number | undefined;
  /** undefined: no hard-stop-after, old processes drain for as long as their connections last. */
  readonly hardStopAfterMs: number | undefined;
  readonly bufSize: number;
  readonly maxRewrite: number;
  /** Balance for HTTP backends with at most one active service. */
  readonly loadBalanceAlgorithm: LoadBalanceAlgorithm;
  /** Balance for passthrough backends with at most one active service (ROUTER_TCP_BALANCE_SCHEME). */
  readonly tcpBalanceAlgorithm: LoadBalanceAlgorithm;
  /** Servers in a random order of this router's own rather than upstream's (ROUTER_BACKEND_PROCESS_ENDPOINTS=shuffle). */
  readonly shuffleServers: boolean;
  readonly checkIntervalMs: number;
  /** One sticky-cookie name for every route; undefined: each route's cookie is named after the route. */
  readonly cookieName: string | undefined;
}

/** haproxy's `timeout` lines (ROUTER_*_TIMEOUT and friends), in milliseconds. */
export interface Timeouts {
  readonly connectMs: number;
  readonly clientMs: number;
  readonly clientFinMs: number;
  readonly serverMs: number;
  readonly serverFinMs: number;
  /** `timeout http-request` (ROUTER_SLOWLORIS_TIMEOUT). */
  readonly httpRequestMs: number;
  /** `timeout http-keep-alive` (ROUTER_SLOWLORIS_HTTP_KEEPALIVE). */
  readonly httpKeepAliveMs: number;
  readonly tunnelMs: number;
  /** `tcp-request inspect-delay` of the TLS frontend. */
  readonly inspectDelayMs: number;
}

/** How the TLS binds negotiate. */
export interface TlsOptions {
  /** Refuse handshakes whose SNI matches no certificate instead of answering with the default one. */
  readonly strictSni: boolean;
  /** `ssl-default-bind-ciphers` (TLS <= 1.2), already resolved from modern/intermediate/old. */
  readonly ciphers: string;
  /** `ssl-default-bind-ciphersuites` (TLS 1.3); undefined keeps OpenSSL's. */
  readonly ciphersuites: string | undefined;
  readonly minVersion: TlsVersion;
  readonly maxVersion: TlsVersion | undefined;
  /** `tune.ssl.default-dh-param`: 1024 for the "old" profile, else 2048. */
  readonly dhParamBits: number;
  /** Offer HTTP/2 by ALPN (ROUTER_DISABLE_HTTP2 turns it off). */
  readonly http2: boolean;
  /** `ssl-default-bind-curves` (ROUTER_CURVES); undefined keeps OpenSSL's. */
  readonly curves: string | undefined;
  /** Mutual TLS; undefined asks clients for no certificate. */
  readonly clientCertificates: ClientCertificateOptions | undefined;
}

export const SYSLOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
export type SyslogLevel = (typeof SYSLOG_LEVELS)[number];

export const SYSLOG_FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'auth2', 'ftp', 'ntp', 'audit', 'alert', 'cron2',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const; // prettier-ignore
export type SyslogFacility = (typeof SYSLOG_FACILITIES)[number];

/** haproxy's own log, access logs above all (upstream's ROUTER_SYSLOG_* and ROUTER_LOG_* variables). */
export interface HaproxyLogOptions {
  /**
   * Where haproxy logs: upstream's syslog target (ROUTER_SYSLOG_ADDRESS), the
   * router's own output (stdout, journald), or nowhere. Access logs are at
   * `info`, so they reach the router's output when ROUTER_LOG_LEVEL lets
   * them through; at upstream's default, `warning`, there are none.
   */
  readonly target: { readonly kind: 'syslog'; readonly address: string } | { readonly kind: 'output' } | { readonly kind: 'none' };
  readonly facility: SyslogFacility;
  /** The least severe messages logged. */
  readonly level: SyslogLevel;
  /** Longer lines are truncated (`len`). */
  readonly maxLength: number;
  /** `log-format` of access logs as the operator wrote it; undefined: haproxy's httplog format. */
  readonly format: string | undefined;
  /** `option dontlognull`: connections that sent nothing are not logged. */
  readonly dontLogNull: boolean;
  /** `option http-ignore-probes`: neither logged nor counted, connections that sent no request. */
  readonly httpIgnoreProbes: boolean;
  /** `unique-id-format` and `unique-id-header`: a request ID for every request, when both are set (as upstream). */
  readonly uniqueId: { readonly format: string; readonly header: string } | undefined;
}

/** How the router stops (upstream's shutdown variables); milliseconds. */
export interface ShutdownOptions {
  /** ROUTER_GRACEFUL_SHUTDOWN_DELAY: haproxy serves on this long after SIGTERM/SIGINT, readiness failing. */
  readonly gracefulDelayMs: number;
  /** ROUTER_MAX_SHUTDOWN_TIMEOUT: how long haproxy drains its connections before SIGTERM. */
  readonly drainTimeoutMs: number;
}

/** Basic-auth credentials of /metrics and the stats page: values, or files read at start (both files override both values, as upstream). */
export type StatsCredentials =
  | { readonly kind: 'values'; readonly user: string; readonly password: string }
  | { readonly kind: 'files'; readonly userFile: string; readonly passwordFile: string };

/** How the metrics read haproxy's `show stat` (ROUTER_METRICS_HAPROXY_*). */
export interface StatsScrapeOptions {
  readonly timeoutMs: number;
  /** A reading serves every scrape for this long per 1000 rows, plus one. */
  readonly baseIntervalMs: number;
  /** Above this many servers, per-server metrics are left out. */
  readonly serverThreshold: number;
  /** The CSV columns exported. */
  readonly columns: readonly number[];
}

/** The health and metrics endpoints (upstream's --listen-addr, --stats-port, --metrics-type and stats credentials). */
export interface StatsOptions {
  /** undefined: nothing listens. `host` "" is every address. */
  readonly listen: { readonly host: string; readonly port: number } | undefined;
  /** router: its own server (health, readiness, /metrics; --metrics-type=haproxy); haproxy: haproxy's stats page and /healthz. */
  readonly server: 'router' | 'haproxy';
  /** undefined: the protected paths need none, which the cross-checks allow on loopback addresses only. */
  readonly credentials: StatsCredentials | undefined;
  /** TLS beside plain HTTP on the router's server (ROUTER_METRICS_TLS_*). */
  readonly tls: { readonly certFile: string; readonly keyFile: string; readonly minVersion: TlsVersion } | undefined;
  /** What readiness asks to find haproxy serving (ROUTER_METRICS_READY_HTTP_URL); undefined: the public frontend's health URI. */
  readonly readyUrl: string | undefined;
  /** Liveness asks haproxy's admin socket (ROUTER_BIND_PORTS_BEFORE_SYNC turns it off, as upstream). */
  readonly adminSocketCheck: boolean;
  readonly scrape: StatsScrapeOptions;
}

/** Where the default certificate comes from; upstream's precedence: contents, then file, then directory. */
export type DefaultCertificateSource =
  | { readonly kind: 'pem'; readonly pem: string }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'dir'; readonly dir: string }
  | { readonly kind: 'generate' };

/** The operator's TLS files, read at start and followed while the router runs. */
export interface OperatorTlsOptions {
  readonly defaultCertificate: DefaultCertificateSource;
  readonly defaultDestinationCaPath: string;
  /** A CA path the operator named must exist; the built-in default is used only when present (as upstream). */
  readonly defaultDestinationCaExplicit: boolean;
}

/** Everything the router process needs from its command line and environment. */
export interface RouterOptions {
  readonly source: RoutingSource;
  /** undefined: Ingresses are not read. */
  readonly ingress: IngressOptions | undefined;
  /** undefined: Gateway API objects are not read. */
  readonly gatewayApi: GatewayApiOptions | undefined;
  readonly listen: ListenOptions;
  readonly haproxy: HaproxyOptions;
  readonly shutdown: ShutdownOptions;
  readonly stats: StatsOptions;
  readonly timeouts: Timeouts;
  readonly tls: TlsOptions;
  readonly http: HttpOptions;
  readonly errorPages: ErrorPageOptions;
  readonly operatorTls: OperatorTlsOptions;
  readonly workingDir: string;
  readonly haproxyBinary: string;
  readonly logFormat: LogFormat;
  readonly haproxyLog: HaproxyLogOptions;
  readonly logLevel: LogLevelName;
  /** undefined: use the embedded template. */
  readonly templatePath: string | undefined;
  /** Minimum time between reload starts; 0 reloads as soon as a change arrives. Runtime updates never wait. */
  readonly intervalMs: number;
  /** Endpoint changes through the runtime API (--runtime-updates, or upstream's --haproxy-config-manager). */
  readonly runtimeUpdates: boolean;
  /** Longest time routes run on spare backends before a reload gives them their own (--commit-interval). */
  readonly commitIntervalMs: number;
  /** How many reloads one namespace may cause (--namespace-reload-burst, --namespace-reload-refill). */
  readonly reloadBudget: { readonly burst: number; readonly refillMs: number };
  /** How often the TLS session-ticket keys are rotated while running (--tls-ticket-key-interval); the config only names their file. */
  readonly ticketKeyIntervalMs: number;
  /** Spare backends per route shape (--blueprint-route-pool-size). */
  readonly sparesPerShape: number;
  /** Router name for route status (`--name`). */
  readonly routerName: string;
  readonly admission: AdmissionSettings;
  readonly status: StatusOptions;
  /** Let UDP endpoint ports become servers (--include-udp-endpoints). */
  readonly includeUdpEndpoints: boolean;
  /** Parse and check route certificates and keys (--extended-validation). */
  readonly extendedValidation: boolean;
  /** What the operator should hear at start about how they passed the settings (secrets on the command line). */
  readonly warnings: readonly string[];
  /** Settings accepted without effect (openshift-router's own values, ignored settings): said once at start, at info level. */
  readonly notes: readonly string[];
}
