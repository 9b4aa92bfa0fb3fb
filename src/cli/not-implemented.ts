/**
 * Every setting openshift-router has that router does not implement yet, with
 * the open issue that will bring it, or "later" when none is planned. Giving
 * one (even through its environment variable) is an error that says so;
 * implementing one moves its entry into the table of its group (table/).
 */
import type { EnvSpec, FlagTable, HelpGroup, PlannedIssue, ValueType } from './table/spec.ts';

export const NOT_IMPLEMENTED_FLAGS = {
  // Issue #11, operations: what upstream deployments carry that is not implemented yet.
  '--upgrade-validation': {
    type: 'boolean',
    env: ['UPGRADE_VALIDATION'],
    default: 'true',
    group: 'Selection & admission',
    help: 'Manage the UnservableInFutureVersions route condition.',
    issue: 11,
    upstream: { values: ['true'], means: 'router does not write the UnservableInFutureVersions condition yet' },
  },
  '--debug-upgrade-validation-force-add-condition': {
    type: 'boolean',
    env: ['DEBUG_UPGRADE_VALIDATION_FORCE_ADD_CONDITION'],
    default: 'false',
    group: 'Selection & admission',
    help: 'Test only: always add the UnservableInFutureVersions condition.',
    issue: 11,
    upstream: { values: ['false'], means: 'nothing to force' },
  },
  '--debug-upgrade-validation-force-remove-condition': {
    type: 'boolean',
    env: ['DEBUG_UPGRADE_VALIDATION_FORCE_REMOVE_CONDITION'],
    default: 'false',
    group: 'Selection & admission',
    help: 'Test only: always remove the UnservableInFutureVersions condition.',
    issue: 11,
    upstream: { values: ['false'], means: 'nothing to force' },
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
    upstream: { values: ['true'], means: 'a route naming spec.tls.externalCertificate is served with the default certificate until issue #13 lands' },
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
    upstream: { values: ['false'], means: 'the API server may compress its responses' },
  },
  '--as': { type: 'string', group: 'Kubernetes connection', help: 'User to impersonate.', issue: 'later' },
  '--as-uid': { type: 'string', group: 'Kubernetes connection', help: 'UID to impersonate.', issue: 'later' },
  '--as-group': { type: 'list', group: 'Kubernetes connection', help: 'Groups to impersonate.', issue: 'later' },
} as const satisfies FlagTable;

type Upstream = NonNullable<EnvSpec['upstream']>;
type PlannedEntry = readonly [ValueType, string] | readonly [ValueType, string, Upstream];

/** Planned variables share everything but their type, help and openshift-router's own values. */
function planned<Name extends string>(issue: PlannedIssue, group: HelpGroup, entries: Record<Name, PlannedEntry>) {
  const specs = Object.entries<PlannedEntry>(entries).map(([name, [type, help, upstream]]) => [name, { type, help, group, issue, ...(upstream ? { upstream } : {}) }]);
  return Object.fromEntries(specs) as Record<Name, { type: ValueType; help: string; group: HelpGroup; issue: PlannedIssue; upstream?: Upstream }>;
}

const TLS13_SUITES = 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256';
const ECDHE_AEAD_SUITES = [
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
].join(':'); // prettier-ignore

/** openshift-router's value of a setting that does what router does without it. */
const same = (value: string, means: string): Upstream => ({ values: [value], means });

export const NOT_IMPLEMENTED_ENV = {
  ...planned(13, 'haproxy', {
    ROUTER_USE_PROXY_PROTOCOL: ['boolean', 'accept-proxy on the public binds.', same('false', 'the public ports take connections without a PROXY header')],
    ROUTER_IP_V4_V6_MODE: ['string', 'v4, v6 or v4v6 binds.', same('v4', 'the public ports listen on IPv4 (--bind-address picks another address)')],
    ROUTER_ERRORFILE_503: ['string', 'Error page for 503.', same('/var/lib/haproxy/conf/error-page-503.http', 'the 503 page is router\'s own')],
    ROUTER_ERRORFILE_404: ['string', 'Error page for 404.'],
    ROUTER_ENABLE_COMPRESSION: ['boolean', 'gzip compression.', same('false', 'responses are not compressed')],
    ROUTER_COMPRESSION_MIME: ['string', 'MIME types to compress.', same('text/html text/plain text/css', 'responses are not compressed')],
    ROUTER_HAPROXY_CONTSTATS: ['boolean', 'option contstats', same('false', 'haproxy counts the bytes of a connection when it ends')],
    ROUTER_ABORT_ON_CLOSE: ['boolean', 'option abortonclose', same('false', 'a request whose client closed is still sent to its pod')],
    ROUTER_IDLE_CLOSE_ON_RESPONSE: [
      'boolean',
      'option idle-close-on-response',
      // Either value: router always does it, so that a reload does not cut keep-alive clients off with read errors.
      { values: ['false', 'true'], means: 'router always closes idle connections on a response (option idle-close-on-response)' },
    ],
    ROUTER_SET_FORWARDED_HEADERS: [
      'string',
      'Default of the set-forwarded-headers annotation (append, replace, if-none, never).',
      same('append', 'X-Forwarded-For is appended to; X-Forwarded-Host, -Port and -Proto are set'),
    ],
    ROUTER_TCP_BALANCE_SCHEME: ['string', 'balance of passthrough backends.', same('source', 'passthrough routes balance by source address')],
    ROUTER_BACKEND_PROCESS_ENDPOINTS: ['string', '"shuffle" randomises server order.'],
  }),
  ...planned(13, 'TLS', {
    ROUTER_CURVES: ['string', 'TLS curves.'],
    ROUTER_MUTUAL_TLS_AUTH: ['string', 'Client certificate verification: none, optional or required.', same('none', 'no client certificate is asked for')],
    ROUTER_MUTUAL_TLS_AUTH_CA: ['string', 'CA bundle for client certificates (CRLs fetched from it).'],
    ROUTER_MUTUAL_TLS_AUTH_CRL: ['string', 'Explicit CRL file for client certificates.'],
    ROUTER_MUTUAL_TLS_AUTH_FILTER: ['string', 'Regular expression client certificate subjects must match.'],
    ROUTER_MUTUAL_TLS_HEADER_FILTER: ['boolean', 'Strip incoming X-SSL* headers (upstream default true).', same('true', 'incoming X-SSL* headers are always removed')],
  }),
  ...planned('later', 'haproxy', {
    ROUTER_HAPROXY_ADMIN_UNIX_SOCKET: ['string', 'Sidecar mode: drive an haproxy running in another container.'],
    HAPROXY_MAX_SHUTDOWN_TIMEOUT: ['int', 'Sidecar wrapper: seconds before SIGTERM.'],
  }),
  ...planned('later', 'Stats & metrics', {
    OPENSHIFT_PROFILE: ['string', 'Go profiling (cpu, mem, web).'],
    ROUTER_METRICS_HAPROXY_SCRAPE_URI: [
      'string',
      'Where metrics read haproxy stats (router reads its own admin socket).',
      same('unix:///var/lib/haproxy/run/haproxy.sock', "metrics read the working dir's admin socket"),
    ],
    ROUTER_METRICS_HAPROXY_PID_FILE: [
      'string',
      'PID file for haproxy_process_* metrics.',
      same('/var/lib/haproxy/run/haproxy.pid', "haproxy's pid comes from the working dir"),
    ],
    ROUTER_METRICS_TLS_CIPHERS: [
      'string',
      'TLS ciphers of the metrics server (Go names).',
      // What the ingress operator writes for the Intermediate and Modern TLS profiles (IANA names, as Go takes them).
      {
        values: [`${TLS13_SUITES}:${ECDHE_AEAD_SUITES}`, TLS13_SUITES],
        means: "the metrics server offers its TLS library's default suites, these among them (and a few CBC ones besides)",
      },
    ],
    ROUTER_METRICS_TLS_CURVES: ['string', 'TLS curves of the metrics server.'],
  }),
  ...planned('later', 'Logging', {
    OPENSHIFT_ON_PANIC: ['string', 'Go panic behaviour.'],
  }),
};
