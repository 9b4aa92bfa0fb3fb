/**
 * The whole configuration surface of `router`: every flag openshift-router
 * accepts (so its deployments can be pointed at router unchanged, or get a
 * precise error), our own flags, and the environment variables upstream reads
 * directly. Flipping an entry from `implemented: false` to `true` is how an
 * issue switches a setting on; parse-options.ts and help.ts read only these
 * tables.
 */
import { LOG_LEVEL_NAMES, type LogFormat } from '../log.ts';

export type ValueType =
  /** Any non-empty string. */
  | 'string'
  /** Go `strconv.ParseBool`; on the command line `--flag` alone means true. */
  | 'boolean'
  | 'int'
  /** Go `time.ParseDuration`, kept in milliseconds. */
  | 'duration'
  /** HAProxy time syntax `[1-9][0-9]*(us|ms|s|m|h|d)?`, kept in milliseconds. */
  | 'time'
  /** Comma-separated; a repeated flag appends, as pflag's StringSlice does. */
  | 'list'
  | 'enum';

/** The tracker issues that will implement what is still missing. */
export type PlannedIssue =
  /** Kubernetes connection, selection and route status. */
  | 3
  /** Admission, TLS, certificates and domains. */
  | 4
  /** Dynamic configuration manager. */
  | 5
  /** Metrics, stats, health and everything else: no issue is filed for these yet. */
  | 'unscheduled';

/** How an error or --help refers to the work that will implement a setting. */
export function plannedText(issue: PlannedIssue): string {
  return issue === 'unscheduled' ? 'not implemented yet' : `not implemented yet (issue #${issue})`;
}

export const HELP_GROUPS = [
  'Routing sources',
  'Selection & admission',
  'haproxy',
  'TLS',
  'Stats & metrics',
  'Logging',
  'Kubernetes connection',
] as const;
export type HelpGroup = (typeof HELP_GROUPS)[number];

/** What router does when the setting is given (on the command line or through the environment). */
export type Support =
  | { readonly implemented: true }
  /** Accepted and ignored because it cannot change anything here; the reason shows in --help. */
  | { readonly implemented: true; readonly ignored: string }
  /** Accepted by the parser so the error can say why it is refused. */
  | { readonly implemented: true; readonly rejected: string }
  | { readonly implemented: false; readonly issue: PlannedIssue };

interface SettingBase {
  readonly type: ValueType;
  /** Written as a user would write it; parsed like user input so it cannot drift from the type. */
  readonly default?: string;
  readonly help: string;
  readonly group: HelpGroup;
  /** Allowed values of an `enum`. */
  readonly choices?: readonly string[];
  /** Inclusive bounds of an `int`; `min` also bounds a `duration` in milliseconds. */
  readonly min?: number;
  readonly max?: number;
  /** Placeholder shown in --help instead of the type name. */
  readonly metavar?: string;
}

/** A command-line flag; `name` and `aliases` are spelled with their dashes. */
export type FlagSpec = SettingBase &
  Support & {
    readonly name: `--${string}`;
    readonly aliases?: readonly `-${string}`[];
    /** Fallback variables, first non-empty wins. */
    readonly env?: readonly string[];
    /**
     * The variable belongs to the user's kubectl setup rather than to router, so it
     * only counts when the routing source is not chosen explicitly with --manifests.
     */
    readonly ambientEnv?: true;
  };

/** An environment variable with no flag of its own (upstream's template and Go code read these directly). */
export type EnvSpec = SettingBase & Support & { readonly name: string };

export const LOG_FORMATS = ['pretty', 'json'] as const satisfies readonly LogFormat[];
export const LOAD_BALANCE_ALGORITHMS = ['roundrobin', 'leastconn', 'source', 'random'] as const;
export const DEFAULT_MANIFESTS_DIR = '/etc/router/manifests';
export const TLS_VERSIONS = ['TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;

const PORT = { type: 'int', min: 1, max: 65535 } as const;

const ROUTING: readonly FlagSpec[] = [
  {
    name: '--manifests',
    type: 'string',
    metavar: 'DIR',
    env: ['ROUTER_MANIFESTS_DIR'],
    default: DEFAULT_MANIFESTS_DIR,
    group: 'Routing sources',
    help: 'Directory of Route, Service and EndpointSlice manifests (YAML or JSON) to serve; the source used when no Kubernetes connection is configured.',
    implemented: true,
  },
  {
    name: '--resync-interval',
    type: 'duration',
    default: '30m',
    group: 'Routing sources',
    help: 'Window of the route status contention tracker (resync/10), as upstream; watches never need resyncing here.',
    implemented: true,
  },
  {
    name: '--watch-endpoints',
    type: 'boolean',
    env: ['ROUTER_WATCH_ENDPOINTS'],
    default: 'false',
    group: 'Routing sources',
    help: 'Watch core/v1 Endpoints instead of EndpointSlices.',
    implemented: true,
  },
  {
    name: '--include-udp-endpoints',
    type: 'boolean',
    default: 'false',
    group: 'Routing sources',
    help: 'Include UDP endpoint ports.',
    implemented: true,
  },
  {
    name: '--allow-loopback-endpoints',
    type: 'boolean',
    env: ['ROUTER_ALLOW_LOOPBACK_ENDPOINTS'],
    default: 'false',
    group: 'Routing sources',
    help: 'Let loopback endpoint addresses from the API become servers (tests and single-host setups; logged as a warning).',
    implemented: true,
  },
  {
    name: '--enable-ingress',
    type: 'boolean',
    default: 'false',
    group: 'Routing sources',
    help: 'Deprecated upstream.',
    implemented: true,
    ignored: 'Ingress objects are converted to Routes by route-controller-manager, not by the router',
  },
];

const SELECTION: readonly FlagSpec[] = [
  {
    name: '--name',
    type: 'string',
    env: ['ROUTER_SERVICE_NAME'],
    default: 'public',
    group: 'Selection & admission',
    help: 'Router name, written to status.ingress[].routerName.',
    implemented: true,
  },
  {
    name: '--router-canonical-hostname',
    type: 'string',
    env: ['ROUTER_CANONICAL_HOSTNAME'],
    group: 'Selection & admission',
    help: 'Host name written to status.ingress[].routerCanonicalHostname (DNS-1123 subdomain, not an IP).',
    implemented: true,
  },
  {
    name: '--update-status',
    type: 'boolean',
    env: ['ROUTER_UPDATE_STATUS'],
    default: 'true',
    group: 'Selection & admission',
    help: 'Write Admitted conditions to route status; when false rejections are only logged.',
    implemented: true,
  },
  {
    name: '--namespace',
    aliases: ['-n'],
    type: 'string',
    group: 'Selection & admission',
    help: 'Only watch this namespace (default: all namespaces).',
    implemented: true,
  },
  {
    name: '--labels',
    type: 'string',
    env: ['ROUTE_LABELS'],
    metavar: 'SELECTOR',
    group: 'Selection & admission',
    help: 'Label selector for routes.',
    implemented: true,
  },
  {
    name: '--fields',
    type: 'string',
    env: ['ROUTE_FIELDS'],
    metavar: 'SELECTOR',
    group: 'Selection & admission',
    help: 'Field selector for routes.',
    implemented: true,
  },
  {
    name: '--project-labels',
    type: 'string',
    env: ['PROJECT_LABELS'],
    metavar: 'SELECTOR',
    group: 'Selection & admission',
    help: 'Label selector for projects ("*" = all visible); excludes --namespace and --namespace-labels.',
    implemented: true,
  },
  {
    name: '--namespace-labels',
    type: 'string',
    env: ['NAMESPACE_LABELS'],
    metavar: 'SELECTOR',
    group: 'Selection & admission',
    help: 'Label selector for namespaces; excludes --namespace.',
    implemented: true,
  },
  {
    name: '--hostname-template',
    type: 'string',
    env: ['ROUTER_SUBDOMAIN'],
    group: 'Selection & admission',
    help: 'Host for routes without spec.host, e.g. ${name}-${namespace}.apps.example.com.',
    implemented: true,
  },
  {
    name: '--router-domain',
    type: 'string',
    env: ['ROUTER_DOMAIN'],
    group: 'Selection & admission',
    help: 'Domain appended to spec.subdomain when spec.host is empty.',
    implemented: true,
  },
  {
    name: '--override-hostname',
    type: 'boolean',
    env: ['ROUTER_OVERRIDE_HOSTNAME'],
    default: 'false',
    group: 'Selection & admission',
    help: 'Apply --hostname-template even when spec.host is set.',
    implemented: true,
  },
  {
    name: '--override-domains',
    type: 'list',
    env: ['ROUTER_OVERRIDE_DOMAINS'],
    group: 'Selection & admission',
    help: 'Hosts in these domains are rewritten with --hostname-template.',
    implemented: true,
  },
  {
    name: '--denied-domains',
    type: 'list',
    env: ['ROUTER_DENIED_DOMAINS'],
    group: 'Selection & admission',
    help: 'Reject hosts in these domains (wins over --allowed-domains).',
    implemented: true,
  },
  {
    name: '--allowed-domains',
    type: 'list',
    env: ['ROUTER_ALLOWED_DOMAINS'],
    group: 'Selection & admission',
    help: 'If set, only admit hosts in these domains.',
    implemented: true,
  },
  {
    name: '--allow-wildcard-routes',
    type: 'boolean',
    env: ['ROUTER_ALLOW_WILDCARD_ROUTES'],
    default: 'false',
    group: 'Selection & admission',
    help: 'Admit routes with wildcardPolicy: Subdomain.',
    implemented: true,
  },
  {
    name: '--disable-namespace-ownership-check',
    type: 'boolean',
    env: ['ROUTER_DISABLE_NAMESPACE_OWNERSHIP_CHECK'],
    default: 'false',
    group: 'Selection & admission',
    help: 'Let namespaces share a host (oldest host+path wins instead of oldest namespace).',
    implemented: true,
  },
  {
    name: '--extended-validation',
    type: 'boolean',
    env: ['EXTENDED_VALIDATION'],
    default: 'true',
    group: 'Selection & admission',
    help: 'Validate route certificates and keys and sanitise their PEM.',
    implemented: true,
  },
  {
    name: '--upgrade-validation',
    type: 'boolean',
    env: ['UPGRADE_VALIDATION'],
    default: 'true',
    group: 'Selection & admission',
    help: 'Manage the UnservableInFutureVersions route condition.',
    implemented: false,
    issue: 4,
  },
  {
    name: '--debug-upgrade-validation-force-add-condition',
    type: 'boolean',
    env: ['DEBUG_UPGRADE_VALIDATION_FORCE_ADD_CONDITION'],
    default: 'false',
    group: 'Selection & admission',
    help: 'Test only: always add the UnservableInFutureVersions condition.',
    implemented: false,
    issue: 4,
  },
  {
    name: '--debug-upgrade-validation-force-remove-condition',
    type: 'boolean',
    env: ['DEBUG_UPGRADE_VALIDATION_FORCE_REMOVE_CONDITION'],
    default: 'false',
    group: 'Selection & admission',
    help: 'Test only: always remove the UnservableInFutureVersions condition.',
    implemented: false,
    issue: 4,
  },
];

const HAPROXY: readonly FlagSpec[] = [
  {
    name: '--http-port',
    ...PORT,
    env: ['ROUTER_SERVICE_HTTP_PORT'],
    default: '80',
    group: 'haproxy',
    help: 'Port of the public HTTP frontend.',
    implemented: true,
  },
  {
    name: '--https-port',
    ...PORT,
    env: ['ROUTER_SERVICE_HTTPS_PORT'],
    default: '443',
    group: 'haproxy',
    help: 'Port of the public HTTPS frontend.',
    implemented: true,
  },
  {
    name: '--bind-address',
    type: 'string',
    env: ['ROUTER_BIND_ADDRESS'],
    metavar: 'IP',
    group: 'haproxy',
    help: 'Address the public frontends bind to (default: every address, as openshift-router).',
    implemented: true,
  },
  {
    name: '--working-dir',
    type: 'string',
    metavar: 'DIR',
    default: '/var/lib/router',
    group: 'haproxy',
    help: 'Directory for the generated haproxy configuration, maps, certificates and sockets.',
    implemented: true,
  },
  {
    name: '--haproxy-binary',
    type: 'string',
    metavar: 'PATH',
    env: ['ROUTER_HAPROXY_BINARY'],
    default: 'haproxy',
    group: 'haproxy',
    help: 'haproxy executable to supervise (looked up in PATH unless it contains a slash).',
    implemented: true,
  },
  {
    name: '--template',
    type: 'string',
    metavar: 'PATH',
    env: ['TEMPLATE_FILE'],
    group: 'haproxy',
    help: 'Eta template for haproxy.config, replacing the embedded one.',
    implemented: true,
  },
  {
    name: '--reload',
    type: 'string',
    metavar: 'PATH',
    env: ['RELOAD_SCRIPT'],
    group: 'haproxy',
    help: "Upstream's reload script.",
    implemented: true,
    rejected: 'router embeds its reload logic',
  },
  {
    name: '--interval',
    type: 'duration',
    min: 0,
    env: ['RELOAD_INTERVAL'],
    default: '5s',
    group: 'haproxy',
    help: 'Minimum time between the starts of two reloads; changes in between are coalesced.',
    implemented: true,
  },
  {
    name: '--max-connections',
    type: 'int',
    min: 1,
    env: ['ROUTER_MAX_CONNECTIONS'],
    default: '50000',
    group: 'haproxy',
    help: 'haproxy maxconn (global and defaults).',
    implemented: true,
  },
  {
    name: '--runtime-updates',
    type: 'boolean',
    env: ['ROUTER_RUNTIME_UPDATES'],
    default: 'true',
    group: 'haproxy',
    help: 'Apply endpoint changes through the haproxy runtime API without reloading; false reloads for every change, as openshift-router does by default.',
    implemented: true,
  },
  {
    name: '--bind-ports-after-sync',
    type: 'boolean',
    env: ['ROUTER_BIND_PORTS_AFTER_SYNC'],
    default: 'false',
    group: 'haproxy',
    help: 'Keep the public ports unbound until routes are first synchronised.',
    implemented: true,
    ignored: 'router always does this: haproxy starts only with the first complete configuration',
  },
  {
    name: '--haproxy-config-manager',
    type: 'boolean',
    env: ['ROUTER_HAPROXY_CONFIG_MANAGER'],
    group: 'haproxy',
    help: "openshift-router's name for --runtime-updates: when given, it sets it (upstream's default, false, is not applied).",
    implemented: true,
  },
  {
    name: '--commit-interval',
    type: 'duration',
    min: 1000,
    env: ['COMMIT_INTERVAL'],
    default: '1h',
    group: 'haproxy',
    help: 'Longest time routes stay on spare backends before a reload gives them their own and refills the pools.',
    implemented: true,
  },
  {
    name: '--blueprint-route-namespace',
    type: 'string',
    env: ['ROUTER_BLUEPRINT_ROUTE_NAMESPACE'],
    group: 'haproxy',
    help: 'Namespace of custom blueprint routes (spare shapes with backend-changing annotations; every shape without annotations has spares already).',
    implemented: false,
    issue: 'unscheduled',
  },
  {
    name: '--blueprint-route-labels',
    type: 'string',
    env: ['ROUTER_BLUEPRINT_ROUTE_LABELS'],
    metavar: 'SELECTOR',
    group: 'haproxy',
    help: 'Label selector of custom blueprint routes.',
    implemented: false,
    issue: 'unscheduled',
  },
  {
    name: '--blueprint-route-pool-size',
    type: 'int',
    min: 0,
    env: ['ROUTER_BLUEPRINT_ROUTE_POOL_SIZE'],
    default: '10',
    group: 'haproxy',
    help: 'Spare backends per route shape that new routes take over without a reload; refilled at the next reload (see --commit-interval).',
    implemented: true,
  },
  {
    name: '--max-dynamic-servers',
    type: 'int',
    min: 1,
    env: ['ROUTER_MAX_DYNAMIC_SERVERS'],
    default: '5',
    group: 'haproxy',
    help: 'Deprecated upstream.',
    implemented: true,
    ignored: 'the config manager adds servers on demand, as upstream now does',
  },
  {
    name: '--capture-http-request-headers',
    type: 'string',
    env: ['ROUTER_CAPTURE_HTTP_REQUEST_HEADERS'],
    metavar: 'NAME:LEN,...',
    group: 'haproxy',
    help: 'Request headers to capture in access logs.',
    implemented: false,
    issue: 'unscheduled',
  },
  {
    name: '--capture-http-response-headers',
    type: 'string',
    env: ['ROUTER_CAPTURE_HTTP_RESPONSE_HEADERS'],
    metavar: 'NAME:LEN,...',
    group: 'haproxy',
    help: 'Response headers to capture in access logs.',
    implemented: false,
    issue: 'unscheduled',
  },
  {
    name: '--capture-http-cookie',
    type: 'string',
    env: ['ROUTER_CAPTURE_HTTP_COOKIE'],
    metavar: 'NAME[=]:LEN',
    group: 'haproxy',
    help: 'Cookie to capture in access logs (trailing = means exact name).',
    implemented: false,
    issue: 'unscheduled',
  },
  {
    name: '--http-header-name-case-adjustments',
    type: 'string',
    env: ['ROUTER_H1_CASE_ADJUST'],
    metavar: 'NAME,...',
    group: 'haproxy',
    help: 'HTTP/1 header names to re-case (h1-case-adjust).',
    implemented: false,
    issue: 'unscheduled',
  },
  {
    name: '--set-delete-http-response-header',
    type: 'string',
    env: ['ROUTER_HTTP_RESPONSE_HEADERS'],
    metavar: 'NAME:VALUE:Set|NAME:Delete,...',
    group: 'haproxy',
    help: 'Response headers to set or delete on every route.',
    implemented: false,
    issue: 'unscheduled',
  },
  {
    name: '--set-delete-http-request-header',
    type: 'string',
    env: ['ROUTER_HTTP_REQUEST_HEADERS'],
    metavar: 'NAME:VALUE:Set|NAME:Delete,...',
    group: 'haproxy',
    help: 'Request headers to set or delete on every route.',
    implemented: false,
    issue: 'unscheduled',
  },
];

const TLS: readonly FlagSpec[] = [
  {
    name: '--default-certificate',
    type: 'string',
    env: ['DEFAULT_CERTIFICATE'],
    metavar: 'PEM',
    group: 'TLS',
    help: 'Default certificate and key (PEM contents) for routes without their own.',
    implemented: true,
  },
  {
    name: '--default-certificate-path',
    type: 'string',
    env: ['DEFAULT_CERTIFICATE_PATH'],
    metavar: 'PATH',
    group: 'TLS',
    help: 'PEM file with the default certificate and key.',
    implemented: true,
  },
  {
    name: '--default-certificate-dir',
    type: 'string',
    env: ['DEFAULT_CERTIFICATE_DIR'],
    metavar: 'DIR',
    group: 'TLS',
    help: 'Directory with tls.crt (and tls.key) for the default certificate, read at start (changes need a router restart).',
    implemented: true,
  },
  {
    name: '--default-destination-ca-path',
    type: 'string',
    env: ['DEFAULT_DESTINATION_CA_PATH'],
    metavar: 'PATH',
    default: '/var/run/secrets/kubernetes.io/serviceaccount/service-ca.crt',
    group: 'TLS',
    help: 'CA bundle for reencrypt routes without destinationCACertificate.',
    implemented: true,
  },
  {
    name: '--ciphers',
    type: 'string',
    env: ['ROUTER_CIPHERS'],
    default: 'intermediate',
    metavar: 'modern|intermediate|old|LIST',
    group: 'TLS',
    help: 'TLS cipher set, or an explicit colon-separated list.',
    implemented: true,
  },
  {
    name: '--strict-sni',
    type: 'boolean',
    env: ['ROUTER_STRICT_SNI'],
    default: 'false',
    group: 'TLS',
    help: 'Refuse TLS handshakes whose SNI matches no certificate instead of using the default one.',
    implemented: true,
  },
  {
    name: '--allow-external-certificates',
    type: 'boolean',
    env: ['ROUTER_ENABLE_EXTERNAL_CERTIFICATE'],
    default: 'true',
    group: 'TLS',
    help: 'Serve certificates referenced by spec.tls.externalCertificate.',
    implemented: false,
    issue: 4,
  },
];

const STATS: readonly FlagSpec[] = [
  {
    name: '--metrics-type',
    type: 'enum',
    choices: ['haproxy'],
    env: ['ROUTER_METRICS_TYPE'],
    group: 'Stats & metrics',
    help: 'Serve Prometheus metrics and health checks on the stats port.',
    implemented: false,
    issue: 'unscheduled',
  },
  {
    name: '--listen-addr',
    type: 'string',
    env: ['ROUTER_LISTEN_ADDR'],
    metavar: 'HOST:PORT',
    group: 'Stats & metrics',
    help: 'Address of the health and metrics server; its port overrides --stats-port.',
    implemented: false,
    issue: 'unscheduled',
  },
  {
    name: '--stats-port',
    ...PORT,
    env: ['STATS_PORT'],
    group: 'Stats & metrics',
    help: 'Port of the stats page, health checks and metrics.',
    implemented: false,
    issue: 'unscheduled',
  },
  {
    name: '--stats-user',
    type: 'string',
    env: ['STATS_USERNAME'],
    group: 'Stats & metrics',
    help: 'Basic-auth user for stats and metrics.',
    implemented: false,
    issue: 'unscheduled',
  },
  {
    name: '--stats-password',
    type: 'string',
    env: ['STATS_PASSWORD'],
    group: 'Stats & metrics',
    help: 'Basic-auth password for stats and metrics.',
    implemented: false,
    issue: 'unscheduled',
  },
  {
    name: '--stats-user-file',
    type: 'string',
    env: ['STATS_USERNAME_FILE'],
    metavar: 'PATH',
    group: 'Stats & metrics',
    help: 'File holding the stats user (with --stats-password-file, overrides both above).',
    implemented: false,
    issue: 'unscheduled',
  },
  {
    name: '--stats-password-file',
    type: 'string',
    env: ['STATS_PASSWORD_FILE'],
    metavar: 'PATH',
    group: 'Stats & metrics',
    help: 'File holding the stats password.',
    implemented: false,
    issue: 'unscheduled',
  },
];

const LOGGING: readonly FlagSpec[] = [
  {
    name: '--log-format',
    type: 'enum',
    choices: LOG_FORMATS,
    env: ['ROUTER_LOG_FORMAT'],
    default: 'pretty',
    group: 'Logging',
    help: 'Log line format of router itself.',
    implemented: true,
  },
  {
    name: '--loglevel',
    type: 'enum',
    choices: LOG_LEVEL_NAMES,
    // Not ROUTER_LOG_LEVEL: upstream uses that for the haproxy syslog level.
    env: ['ROUTER_LOGLEVEL'],
    default: 'info',
    group: 'Logging',
    help: 'Log level of router itself; when not given, --v decides.',
    implemented: true,
  },
  {
    name: '--v',
    aliases: ['-v'],
    type: 'int',
    min: 0,
    default: '0',
    group: 'Logging',
    help: 'klog verbosity, for openshift-router command lines: 0-2 = info, 3-4 = debug, 5+ = trace.',
    implemented: true,
  },
  {
    name: '--vmodule',
    aliases: ['--logspec'],
    type: 'string',
    metavar: 'PATTERN=N,...',
    group: 'Logging',
    help: 'klog per-file verbosity.',
    implemented: false,
    issue: 'unscheduled',
  },
  {
    name: '--logtostderr',
    type: 'boolean',
    default: 'true',
    group: 'Logging',
    help: 'klog output selection.',
    implemented: true,
    ignored: 'router always logs to stdout and stderr',
  },
];

const KUBERNETES: readonly FlagSpec[] = [
  {
    name: '--config',
    type: 'string',
    metavar: 'PATH',
    env: ['KUBECONFIG'],
    ambientEnv: true,
    group: 'Kubernetes connection',
    help: 'kubeconfig file.',
    implemented: true,
  },
  {
    name: '--server',
    aliases: ['-s', '--master', '--kubernetes'],
    type: 'string',
    metavar: 'URL',
    env: ['KUBERNETES_MASTER'],
    ambientEnv: true,
    group: 'Kubernetes connection',
    help: 'Address of the Kubernetes API server.',
    implemented: true,
  },
  { name: '--context', type: 'string', group: 'Kubernetes connection', help: 'kubeconfig context to use.', implemented: true },
  { name: '--cluster', type: 'string', group: 'Kubernetes connection', help: 'kubeconfig cluster to use.', implemented: false, issue: 'unscheduled' },
  { name: '--user', type: 'string', group: 'Kubernetes connection', help: 'kubeconfig user to use.', implemented: false, issue: 'unscheduled' },
  { name: '--token', type: 'string', group: 'Kubernetes connection', help: 'Bearer token for the API server.', implemented: true },
  {
    name: '--certificate-authority',
    type: 'string',
    metavar: 'PATH',
    group: 'Kubernetes connection',
    help: 'CA file for the API server certificate.',
    implemented: true,
  },
  {
    name: '--client-certificate',
    type: 'string',
    metavar: 'PATH',
    group: 'Kubernetes connection',
    help: 'Client certificate file for TLS.',
    implemented: true,
  },
  {
    name: '--client-key',
    type: 'string',
    metavar: 'PATH',
    group: 'Kubernetes connection',
    help: 'Client key file for TLS.',
    implemented: true,
  },
  {
    name: '--insecure-skip-tls-verify',
    type: 'boolean',
    default: 'false',
    group: 'Kubernetes connection',
    help: 'Do not verify the API server certificate.',
    implemented: true,
  },
  {
    name: '--tls-server-name',
    type: 'string',
    group: 'Kubernetes connection',
    help: 'Server name to verify the API server certificate against.',
    implemented: false,
    issue: 'unscheduled',
  },
  {
    name: '--proxy-url',
    type: 'string',
    metavar: 'URL',
    group: 'Kubernetes connection',
    help: 'Proxy for API server connections.',
    implemented: false,
    issue: 'unscheduled',
  },
  {
    name: '--disable-compression',
    type: 'boolean',
    default: 'false',
    group: 'Kubernetes connection',
    help: 'Do not ask the API server for compressed responses.',
    implemented: false,
    issue: 'unscheduled',
  },
  { name: '--as', type: 'string', group: 'Kubernetes connection', help: 'User to impersonate.', implemented: false, issue: 'unscheduled' },
  { name: '--as-uid', type: 'string', group: 'Kubernetes connection', help: 'UID to impersonate.', implemented: false, issue: 'unscheduled' },
  { name: '--as-group', type: 'list', group: 'Kubernetes connection', help: 'Groups to impersonate.', implemented: false, issue: 'unscheduled' },
  {
    name: '--request-timeout',
    type: 'duration',
    default: '0',
    group: 'Kubernetes connection',
    help: 'Timeout of a single API request (0 = none).',
    implemented: true,
  },
];

/** Every flag, in --help order within each group. */
export const FLAGS: readonly FlagSpec[] = [...ROUTING, ...SELECTION, ...HAPROXY, ...TLS, ...STATS, ...LOGGING, ...KUBERNETES];

/** A timeout-like variable of upstream's template, with its template default. */
function haproxyTime(name: string, fallback: string, help: string): EnvSpec {
  return { name, type: 'time', default: fallback, group: 'haproxy', help, implemented: true };
}

/** Planned variables share everything but name, group and issue; the help says what they will do. */
function planned(issue: PlannedIssue, group: HelpGroup, entries: readonly (readonly [string, ValueType, string])[]): EnvSpec[] {
  return entries.map(([name, type, help]) => ({ name, type, help, group, implemented: false, issue }));
}

/** Every environment variable read without a flag, implemented or not. */
export const ENV_SETTINGS: readonly EnvSpec[] = [
  haproxyTime('ROUTER_DEFAULT_CONNECT_TIMEOUT', '5s', 'timeout connect'),
  haproxyTime('ROUTER_DEFAULT_CLIENT_TIMEOUT', '30s', 'timeout client'),
  haproxyTime('ROUTER_CLIENT_FIN_TIMEOUT', '1s', 'timeout client-fin'),
  haproxyTime('ROUTER_DEFAULT_SERVER_TIMEOUT', '30s', 'timeout server'),
  haproxyTime('ROUTER_DEFAULT_SERVER_FIN_TIMEOUT', '1s', 'timeout server-fin'),
  haproxyTime('ROUTER_SLOWLORIS_TIMEOUT', '10s', 'timeout http-request'),
  haproxyTime('ROUTER_SLOWLORIS_HTTP_KEEPALIVE', '300s', 'timeout http-keep-alive'),
  haproxyTime('ROUTER_DEFAULT_TUNNEL_TIMEOUT', '1h', 'timeout tunnel'),
  haproxyTime('ROUTER_INSPECT_DELAY', '5s', 'tcp-request inspect-delay of the public frontends'),
  haproxyTime('ROUTER_BACKEND_CHECK_INTERVAL', '5000ms', 'check inter of backend servers'),
  {
    name: 'ROUTER_HARD_STOP_AFTER',
    type: 'time',
    default: '1h',
    group: 'haproxy',
    help: 'hard-stop-after: bound on how long old processes drain after a reload (upstream: unbounded).',
    implemented: true,
  },
  {
    name: 'ROUTER_GRACEFUL_SHUTDOWN_DELAY',
    type: 'duration',
    min: 0,
    default: '45s',
    group: 'haproxy',
    help: 'On SIGTERM/SIGINT: how long haproxy keeps serving (readiness failing) before it drains and stops.',
    implemented: true,
  },
  {
    name: 'ROUTER_MAX_SHUTDOWN_TIMEOUT',
    type: 'int',
    min: 0,
    default: '30',
    metavar: 'seconds',
    group: 'haproxy',
    help: 'On stop: seconds haproxy drains its connections (SIGUSR1) before SIGTERM.',
    implemented: true,
  },
  { name: 'ROUTER_THREADS', type: 'int', min: 1, group: 'haproxy', help: 'nbthread (default: haproxy decides).', implemented: true },
  { name: 'ROUTER_BUF_SIZE', type: 'int', min: 1, default: '32768', group: 'haproxy', help: 'tune.bufsize', implemented: true },
  { name: 'ROUTER_MAX_REWRITE_SIZE', type: 'int', min: 1, default: '8192', group: 'haproxy', help: 'tune.maxrewrite', implemented: true },
  {
    name: 'ROUTER_LOAD_BALANCE_ALGORITHM',
    type: 'enum',
    choices: LOAD_BALANCE_ALGORITHMS,
    default: 'random',
    group: 'haproxy',
    help: 'balance of backends with at most one active service.',
    implemented: true,
  },
  {
    name: 'ROUTER_COOKIE_NAME',
    type: 'string',
    metavar: 'name',
    group: 'haproxy',
    help: 'Sticky-session cookie name of every route ([a-zA-Z0-9_-]+; default: a hash of the route).',
    implemented: true,
  },
  {
    name: 'ROUTER_SERVICE_NAMESPACE',
    type: 'string',
    group: 'Selection & admission',
    help: 'Namespace of the router service.',
    implemented: true,
    ignored: 'upstream only checks that it accompanies ROUTER_SERVICE_NAME',
  },
  {
    name: 'ROUTER_SHUTDOWN',
    type: 'boolean',
    group: 'haproxy',
    help: "Shutdown mode of upstream's reload script.",
    implemented: true,
    ignored: 'upstream sets it for its reload script, which router does not use',
  },
  {
    name: 'SSL_MIN_VERSION',
    type: 'enum',
    choices: TLS_VERSIONS,
    default: 'TLSv1.2',
    group: 'TLS',
    help: 'ssl-min-ver of the TLS binds.',
    implemented: true,
  },
  { name: 'SSL_MAX_VERSION', type: 'enum', choices: TLS_VERSIONS, group: 'TLS', help: 'ssl-max-ver of the TLS binds.', implemented: true },
  { name: 'ROUTER_CIPHERSUITES', type: 'string', group: 'TLS', help: 'TLS 1.3 cipher suites (ssl-default-bind-ciphersuites).', implemented: true },
  { name: 'ROUTER_DISABLE_HTTP2', type: 'boolean', default: 'false', group: 'TLS', help: 'Do not offer HTTP/2 by ALPN.', implemented: true },
  ...planned(4, 'TLS', [
    ['ROUTER_CURVES', 'string', 'TLS curves.'],
    ['ROUTER_MUTUAL_TLS_AUTH', 'string', 'Client certificate verification: none, optional or required.'],
    ['ROUTER_MUTUAL_TLS_AUTH_CA', 'string', 'CA bundle for client certificates (CRLs fetched from it).'],
    ['ROUTER_MUTUAL_TLS_AUTH_CRL', 'string', 'Explicit CRL file for client certificates.'],
    ['ROUTER_MUTUAL_TLS_AUTH_FILTER', 'string', 'Regular expression client certificate subjects must match.'],
    ['ROUTER_MUTUAL_TLS_HEADER_FILTER', 'boolean', 'Strip incoming X-SSL* headers (upstream default true).'],
  ]),
  ...planned('unscheduled', 'Stats & metrics', [
    ['ROUTER_BIND_PORTS_BEFORE_SYNC', 'boolean', 'Omit the admin-socket liveness check.'],
    ['ROUTER_METRICS_HAPROXY_SCRAPE_URI', 'string', 'Where metrics read haproxy stats.'],
    ['ROUTER_METRICS_HAPROXY_TIMEOUT', 'duration', 'Stats scrape timeout.'],
    ['ROUTER_METRICS_HAPROXY_BASE_SCRAPE_INTERVAL', 'duration', 'Minimum scrape interval per 1000 stats rows.'],
    ['ROUTER_METRICS_HAPROXY_SERVER_THRESHOLD', 'int', 'Server count above which per-server metrics are dropped.'],
    ['ROUTER_METRICS_HAPROXY_EXPORTED', 'list', 'Stats CSV columns to export.'],
    ['ROUTER_METRICS_HAPROXY_PID_FILE', 'string', 'PID file for haproxy process metrics.'],
    ['ROUTER_METRICS_READY_HTTP_URL', 'string', 'URL the readiness check probes.'],
    ['ROUTER_METRICS_TLS_CERT_FILE', 'string', 'Certificate to serve metrics over TLS.'],
    ['ROUTER_METRICS_TLS_KEY_FILE', 'string', 'Key to serve metrics over TLS.'],
    ['ROUTER_METRICS_TLS_CIPHERS', 'string', 'TLS ciphers of the metrics server.'],
    ['ROUTER_METRICS_TLS_MIN_VERSION', 'string', 'Minimum TLS version of the metrics server.'],
    ['ROUTER_METRICS_TLS_CURVES', 'string', 'TLS curves of the metrics server.'],
    ['OPENSHIFT_PROFILE', 'string', 'Go profiling (cpu, mem, web).'],
  ]),
  ...planned('unscheduled', 'Logging', [
    ['ROUTER_SYSLOG_ADDRESS', 'string', 'Syslog target of haproxy access logs (none: no access logs).'],
    ['ROUTER_SYSLOG_FORMAT', 'string', 'log-format of access logs.'],
    ['ROUTER_LOG_MAX_LENGTH', 'int', 'Maximum syslog line length.'],
    ['ROUTER_LOG_FACILITY', 'string', 'Syslog facility.'],
    ['ROUTER_LOG_LEVEL', 'string', 'Syslog level of haproxy logs (router itself: ROUTER_LOGLEVEL).'],
    ['ROUTER_DONT_LOG_NULL', 'boolean', 'option dontlognull'],
    ['ROUTER_HTTP_IGNORE_PROBES', 'boolean', 'option http-ignore-probes'],
    ['ROUTER_UNIQUE_ID_FORMAT', 'string', 'unique-id-format'],
    ['ROUTER_UNIQUE_ID_HEADER_NAME', 'string', 'unique-id-header'],
    ['OPENSHIFT_ON_PANIC', 'string', 'Go panic behaviour.'],
  ]),
  ...planned('unscheduled', 'haproxy', [
    ['ROUTER_HAPROXY_ADMIN_UNIX_SOCKET', 'string', 'Sidecar mode: drive an haproxy running in another container.'],
    ['MAX_RELOAD_WAIT_TIME', 'int', 'Seconds a reload waits for the new process to answer.'],
    ['HAPROXY_MAX_SHUTDOWN_TIMEOUT', 'int', 'Sidecar wrapper: seconds before SIGTERM.'],
    ['ROUTER_USE_PROXY_PROTOCOL', 'boolean', 'accept-proxy on the public binds.'],
    ['ROUTER_IP_V4_V6_MODE', 'string', 'v4, v6 or v4v6 binds.'],
    ['ROUTER_ERRORFILE_503', 'string', 'Error page for 503.'],
    ['ROUTER_ERRORFILE_404', 'string', 'Error page for 404.'],
    ['ROUTER_ENABLE_COMPRESSION', 'boolean', 'gzip compression.'],
    ['ROUTER_COMPRESSION_MIME', 'string', 'MIME types to compress.'],
    ['ROUTER_HAPROXY_CONTSTATS', 'boolean', 'option contstats'],
    ['ROUTER_ABORT_ON_CLOSE', 'boolean', 'option abortonclose'],
    ['ROUTER_IDLE_CLOSE_ON_RESPONSE', 'boolean', 'option idle-close-on-response'],
    ['ROUTER_SET_FORWARDED_HEADERS', 'string', 'Default of the set-forwarded-headers annotation (append, replace, if-none, never).'],
    ['ROUTER_TCP_BALANCE_SCHEME', 'string', 'balance of passthrough backends.'],
    ['ROUTER_BACKEND_PROCESS_ENDPOINTS', 'string', '"shuffle" randomises server order.'],
  ]),
];
