/**
 * Every setting openshift-router has that router does not implement yet, with
 * the open issue that will bring it, or "later" when none is planned. Giving
 * one (even through its environment variable) is an error that says so;
 * implementing one moves its entry into the table of its group (table/).
 */
import type { EnvSpec, FlagTable, HelpGroup, PlannedIssue, ValueType } from './table/spec.ts';

export const NOT_IMPLEMENTED_FLAGS = {
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
