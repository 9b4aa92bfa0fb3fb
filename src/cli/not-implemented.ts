/**
 * Every setting openshift-router has that router does not implement yet, with
 * the open issue that will bring it, or "later" when none is planned. Giving
 * one (even through its environment variable) is an error that says so;
 * implementing one moves its entry into the table of its group (table/).
 */
import { type FlagTable, type HelpGroup, type PlannedIssue, type ValueType } from './table/spec.ts';

export const NOT_IMPLEMENTED_FLAGS = {
  // Issue #11, operations: access logs, what upstream deployments set.
  '--upgrade-validation': {
    type: 'boolean',
    env: ['UPGRADE_VALIDATION'],
    default: 'true',
    group: 'Selection & admission',
    help: 'Manage the UnservableInFutureVersions route condition.',
    issue: 11,
  },
  '--debug-upgrade-validation-force-add-condition': {
    type: 'boolean',
    env: ['DEBUG_UPGRADE_VALIDATION_FORCE_ADD_CONDITION'],
    default: 'false',
    group: 'Selection & admission',
    help: 'Test only: always add the UnservableInFutureVersions condition.',
    issue: 11,
  },
  '--debug-upgrade-validation-force-remove-condition': {
    type: 'boolean',
    env: ['DEBUG_UPGRADE_VALIDATION_FORCE_REMOVE_CONDITION'],
    default: 'false',
    group: 'Selection & admission',
    help: 'Test only: always remove the UnservableInFutureVersions condition.',
    issue: 11,
  },
  // Issue #13, per-route annotations and the global haproxy settings upstream's template reads.
  '--capture-http-request-headers': {
    type: 'string',
    metavar: 'NAME:LEN,...',
    env: ['ROUTER_CAPTURE_HTTP_REQUEST_HEADERS'],
    group: 'haproxy',
    help: 'Request headers to capture in access logs.',
    issue: 13,
  },
  '--capture-http-response-headers': {
    type: 'string',
    metavar: 'NAME:LEN,...',
    env: ['ROUTER_CAPTURE_HTTP_RESPONSE_HEADERS'],
    group: 'haproxy',
    help: 'Response headers to capture in access logs.',
    issue: 13,
  },
  '--capture-http-cookie': {
    type: 'string',
    metavar: 'NAME[=]:LEN',
    env: ['ROUTER_CAPTURE_HTTP_COOKIE'],
    group: 'haproxy',
    help: 'Cookie to capture in access logs (trailing = means exact name).',
    issue: 13,
  },
  '--http-header-name-case-adjustments': {
    type: 'string',
    metavar: 'NAME,...',
    env: ['ROUTER_H1_CASE_ADJUST'],
    group: 'haproxy',
    help: 'HTTP/1 header names to re-case (h1-case-adjust).',
    issue: 13,
  },
  '--set-delete-http-response-header': {
    type: 'string',
    metavar: 'NAME:VALUE:Set|NAME:Delete,...',
    env: ['ROUTER_HTTP_RESPONSE_HEADERS'],
    group: 'haproxy',
    help: 'Response headers to set or delete on every route.',
    issue: 13,
  },
  '--set-delete-http-request-header': {
    type: 'string',
    metavar: 'NAME:VALUE:Set|NAME:Delete,...',
    env: ['ROUTER_HTTP_REQUEST_HEADERS'],
    group: 'haproxy',
    help: 'Request headers to set or delete on every route.',
    issue: 13,
  },
  '--allow-external-certificates': {
    type: 'boolean',
    env: ['ROUTER_ENABLE_EXTERNAL_CERTIFICATE'],
    default: 'true',
    group: 'TLS',
    help: 'Serve certificates referenced by spec.tls.externalCertificate.',
    issue: 13,
  },
  // Left for later, with no issue: client-go overrides, custom blueprint routes, klog, sidecar mode, Go runtime.
  '--blueprint-route-namespace': {
    type: 'string',
    env: ['ROUTER_BLUEPRINT_ROUTE_NAMESPACE'],
    group: 'haproxy',
    help: 'Namespace of custom blueprint routes (spare shapes with backend-changing annotations; every shape without annotations has spares already).',
    issue: 'later',
  },
  '--blueprint-route-labels': {
    type: 'string',
    metavar: 'SELECTOR',
    env: ['ROUTER_BLUEPRINT_ROUTE_LABELS'],
    group: 'haproxy',
    help: 'Label selector of custom blueprint routes.',
    issue: 'later',
  },
  '--vmodule': {
    aliases: ['--logspec'],
    type: 'string',
    metavar: 'PATTERN=N,...',
    group: 'Logging',
    help: 'klog per-file verbosity.',
    issue: 'later',
  },
  '--cluster': { type: 'string', group: 'Kubernetes connection', help: 'kubeconfig cluster to use.', issue: 'later' },
  '--user': { type: 'string', group: 'Kubernetes connection', help: 'kubeconfig user to use.', issue: 'later' },
  '--tls-server-name': {
    type: 'string',
    group: 'Kubernetes connection',
    help: 'Server name to verify the API server certificate against.',
    issue: 'later',
  },
  '--proxy-url': { type: 'string', metavar: 'URL', group: 'Kubernetes connection', help: 'Proxy for API server connections.', issue: 'later' },
  '--disable-compression': {
    type: 'boolean',
    default: 'false',
    group: 'Kubernetes connection',
    help: 'Do not ask the API server for compressed responses.',
    issue: 'later',
  },
  '--as': { type: 'string', group: 'Kubernetes connection', help: 'User to impersonate.', issue: 'later' },
  '--as-uid': { type: 'string', group: 'Kubernetes connection', help: 'UID to impersonate.', issue: 'later' },
  '--as-group': { type: 'list', group: 'Kubernetes connection', help: 'Groups to impersonate.', issue: 'later' },
} as const satisfies FlagTable;

/** Planned variables share everything but their type and help. */
function planned<Name extends string>(issue: PlannedIssue, group: HelpGroup, entries: Record<Name, readonly [ValueType, string]>) {
  const specs = Object.entries<readonly [ValueType, string]>(entries).map(([name, [type, help]]) => [name, { type, help, group, issue }]);
  return Object.fromEntries(specs) as Record<Name, { type: ValueType; help: string; group: HelpGroup; issue: PlannedIssue }>;
}

export const NOT_IMPLEMENTED_ENV = {
  ...planned(11, 'haproxy', {
    MAX_RELOAD_WAIT_TIME: ['int', 'Seconds a reload waits for the new process to answer.'],
  }),
  ...planned(11, 'Logging', {
    ROUTER_SYSLOG_ADDRESS: ['string', 'Syslog target of haproxy access logs (none: no access logs).'],
    ROUTER_SYSLOG_FORMAT: ['string', 'log-format of access logs.'],
    ROUTER_LOG_MAX_LENGTH: ['int', 'Maximum syslog line length.'],
    ROUTER_LOG_FACILITY: ['string', 'Syslog facility.'],
    ROUTER_LOG_LEVEL: ['string', 'Syslog level of haproxy logs (router itself: ROUTER_LOGLEVEL).'],
    ROUTER_DONT_LOG_NULL: ['boolean', 'option dontlognull'],
    ROUTER_HTTP_IGNORE_PROBES: ['boolean', 'option http-ignore-probes'],
  }),
  ...planned(13, 'haproxy', {
    ROUTER_USE_PROXY_PROTOCOL: ['boolean', 'accept-proxy on the public binds.'],
    ROUTER_IP_V4_V6_MODE: ['string', 'v4, v6 or v4v6 binds.'],
    ROUTER_ERRORFILE_503: ['string', 'Error page for 503.'],
    ROUTER_ERRORFILE_404: ['string', 'Error page for 404.'],
    ROUTER_ENABLE_COMPRESSION: ['boolean', 'gzip compression.'],
    ROUTER_COMPRESSION_MIME: ['string', 'MIME types to compress.'],
    ROUTER_HAPROXY_CONTSTATS: ['boolean', 'option contstats'],
    ROUTER_ABORT_ON_CLOSE: ['boolean', 'option abortonclose'],
    ROUTER_IDLE_CLOSE_ON_RESPONSE: ['boolean', 'option idle-close-on-response'],
    ROUTER_SET_FORWARDED_HEADERS: ['string', 'Default of the set-forwarded-headers annotation (append, replace, if-none, never).'],
    ROUTER_TCP_BALANCE_SCHEME: ['string', 'balance of passthrough backends.'],
    ROUTER_BACKEND_PROCESS_ENDPOINTS: ['string', '"shuffle" randomises server order.'],
  }),
  ...planned(13, 'TLS', {
    ROUTER_CURVES: ['string', 'TLS curves.'],
    ROUTER_MUTUAL_TLS_AUTH: ['string', 'Client certificate verification: none, optional or required.'],
    ROUTER_MUTUAL_TLS_AUTH_CA: ['string', 'CA bundle for client certificates (CRLs fetched from it).'],
    ROUTER_MUTUAL_TLS_AUTH_CRL: ['string', 'Explicit CRL file for client certificates.'],
    ROUTER_MUTUAL_TLS_AUTH_FILTER: ['string', 'Regular expression client certificate subjects must match.'],
    ROUTER_MUTUAL_TLS_HEADER_FILTER: ['boolean', 'Strip incoming X-SSL* headers (upstream default true).'],
  }),
  ...planned(13, 'Logging', {
    ROUTER_UNIQUE_ID_FORMAT: ['string', 'unique-id-format'],
    ROUTER_UNIQUE_ID_HEADER_NAME: ['string', 'unique-id-header'],
  }),
  ...planned('later', 'haproxy', {
    ROUTER_HAPROXY_ADMIN_UNIX_SOCKET: ['string', 'Sidecar mode: drive an haproxy running in another container.'],
    HAPROXY_MAX_SHUTDOWN_TIMEOUT: ['int', 'Sidecar wrapper: seconds before SIGTERM.'],
  }),
  ...planned('later', 'Stats & metrics', {
    OPENSHIFT_PROFILE: ['string', 'Go profiling (cpu, mem, web).'],
    ROUTER_METRICS_HAPROXY_SCRAPE_URI: ['string', 'Where metrics read haproxy stats (router reads its own admin socket).'],
    ROUTER_METRICS_HAPROXY_PID_FILE: ['string', 'PID file for haproxy_process_* metrics.'],
    ROUTER_METRICS_TLS_CIPHERS: ['string', 'TLS ciphers of the metrics server (Go names).'],
    ROUTER_METRICS_TLS_CURVES: ['string', 'TLS curves of the metrics server.'],
  }),
  ...planned('later', 'Logging', {
    OPENSHIFT_ON_PANIC: ['string', 'Go panic behaviour.'],
  }),
};
