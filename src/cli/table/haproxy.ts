/** The public ports, the haproxy process and how changes reach it; haproxy tuning from upstream's template variables. */
import { LOAD_BALANCE_ALGORITHMS } from '../../options.ts';
import { PORT, type EnvTable, type FlagTable } from './spec.ts';

export const HAPROXY_FLAGS = {
  '--http-port': { ...PORT, env: ['ROUTER_SERVICE_HTTP_PORT'], default: '80', group: 'haproxy', help: 'Port of the public HTTP frontend.' },
  '--https-port': {
    ...PORT,
    env: ['ROUTER_SERVICE_HTTPS_PORT'],
    default: '443',
    group: 'haproxy',
    help: 'Port of the public HTTPS frontend.',
  },
  '--bind-address': {
    type: 'string',
    metavar: 'IP',
    env: ['ROUTER_BIND_ADDRESS'],
    group: 'haproxy',
    help: 'Address the public frontends bind to (default: every address, as openshift-router).',
  },
  '--working-dir': {
    type: 'string',
    metavar: 'DIR',
    default: '/var/lib/router',
    group: 'haproxy',
    help: 'Directory for the generated haproxy configuration, maps, certificates and sockets.',
  },
  '--haproxy-binary': {
    type: 'string',
    metavar: 'PATH',
    env: ['ROUTER_HAPROXY_BINARY'],
    default: 'haproxy',
    group: 'haproxy',
    help: 'haproxy executable to supervise (looked up in PATH unless it contains a slash).',
  },
  '--template': {
    type: 'string',
    metavar: 'PATH',
    env: ['TEMPLATE_FILE'],
    group: 'haproxy',
    help: 'Eta template for haproxy.config, replacing the embedded one.',
  },
  '--reload': {
    type: 'string',
    metavar: 'PATH',
    env: ['RELOAD_SCRIPT'],
    group: 'haproxy',
    help: "Upstream's reload script.",
    rejected: 'router embeds its reload logic',
  },
  '--interval': {
    type: 'duration',
    min: 0,
    env: ['RELOAD_INTERVAL'],
    default: '5s',
    group: 'haproxy',
    help: 'Minimum time between the starts of two reloads; changes in between are coalesced.',
  },
  '--max-connections': {
    type: 'int',
    min: 1,
    env: ['ROUTER_MAX_CONNECTIONS'],
    default: '50000',
    group: 'haproxy',
    help: 'haproxy maxconn (global and defaults).',
  },
  '--runtime-updates': {
    type: 'boolean',
    env: ['ROUTER_RUNTIME_UPDATES'],
    default: 'true',
    group: 'haproxy',
    help: 'Apply endpoint changes through the haproxy runtime API without reloading; false reloads for every change, as openshift-router does by default.',
  },
  '--bind-ports-after-sync': {
    type: 'boolean',
    env: ['ROUTER_BIND_PORTS_AFTER_SYNC'],
    default: 'false',
    group: 'haproxy',
    help: 'Keep the public ports unbound until routes are first synchronised.',
    ignored: 'router always does this: haproxy starts only with the first complete configuration',
  },
  '--haproxy-config-manager': {
    type: 'boolean',
    env: ['ROUTER_HAPROXY_CONFIG_MANAGER'],
    group: 'haproxy',
    help: "openshift-router's name for --runtime-updates: when given, it sets it (upstream's default, false, is not applied).",
  },
  '--commit-interval': {
    type: 'duration',
    min: 1000,
    env: ['COMMIT_INTERVAL'],
    default: '1h',
    group: 'haproxy',
    help: 'Longest time routes stay on spare backends before a reload gives them their own and refills the pools.',
  },
  '--blueprint-route-pool-size': {
    type: 'int',
    min: 0,
    env: ['ROUTER_BLUEPRINT_ROUTE_POOL_SIZE'],
    default: '10',
    group: 'haproxy',
    help: 'Spare backends per route shape that new routes take over without a reload; refilled at the next reload (see --commit-interval).',
  },
  '--max-dynamic-servers': {
    type: 'int',
    min: 1,
    env: ['ROUTER_MAX_DYNAMIC_SERVERS'],
    default: '5',
    group: 'haproxy',
    help: 'Deprecated upstream.',
    ignored: 'the config manager adds servers on demand, as upstream now does',
  },
} as const satisfies FlagTable;

/** A timeout-like variable of upstream's template, with its template default. */
function haproxyTime(fallback: string, help: string) {
  return { type: 'time', default: fallback, group: 'haproxy', help } as const;
}

export const HAPROXY_ENV = {
  ROUTER_DEFAULT_CONNECT_TIMEOUT: haproxyTime('5s', 'timeout connect'),
  ROUTER_DEFAULT_CLIENT_TIMEOUT: haproxyTime('30s', 'timeout client'),
  ROUTER_CLIENT_FIN_TIMEOUT: haproxyTime('1s', 'timeout client-fin'),
  ROUTER_DEFAULT_SERVER_TIMEOUT: haproxyTime('30s', 'timeout server'),
  ROUTER_DEFAULT_SERVER_FIN_TIMEOUT: haproxyTime('1s', 'timeout server-fin'),
  ROUTER_SLOWLORIS_TIMEOUT: haproxyTime('10s', 'timeout http-request'),
  ROUTER_SLOWLORIS_HTTP_KEEPALIVE: haproxyTime('300s', 'timeout http-keep-alive'),
  ROUTER_DEFAULT_TUNNEL_TIMEOUT: haproxyTime('1h', 'timeout tunnel'),
  ROUTER_INSPECT_DELAY: haproxyTime('5s', 'tcp-request inspect-delay of the public frontends'),
  ROUTER_BACKEND_CHECK_INTERVAL: haproxyTime('5000ms', 'check inter of backend servers'),
  ROUTER_HARD_STOP_AFTER: {
    type: 'time',
    default: '1h',
    group: 'haproxy',
    help: 'hard-stop-after: bound on how long old processes drain after a reload (upstream: unbounded).',
  },
  ROUTER_GRACEFUL_SHUTDOWN_DELAY: {
    type: 'duration',
    min: 0,
    default: '45s',
    group: 'haproxy',
    help: 'On SIGTERM/SIGINT: how long haproxy keeps serving (readiness failing) before it drains and stops.',
  },
  ROUTER_MAX_SHUTDOWN_TIMEOUT: {
    type: 'int',
    min: 0,
    default: '30',
    metavar: 'seconds',
    group: 'haproxy',
    help: 'On stop: seconds haproxy drains its connections (SIGUSR1) before SIGTERM.',
  },
  ROUTER_THREADS: { type: 'int', min: 1, group: 'haproxy', help: 'nbthread (default: haproxy decides).' },
  ROUTER_BUF_SIZE: { type: 'int', min: 1, default: '32768', group: 'haproxy', help: 'tune.bufsize' },
  ROUTER_MAX_REWRITE_SIZE: { type: 'int', min: 1, default: '8192', group: 'haproxy', help: 'tune.maxrewrite' },
  ROUTER_LOAD_BALANCE_ALGORITHM: {
    type: 'enum',
    choices: LOAD_BALANCE_ALGORITHMS,
    default: 'random',
    group: 'haproxy',
    help: 'balance of backends with at most one active service.',
  },
  ROUTER_COOKIE_NAME: {
    type: 'string',
    metavar: 'name',
    group: 'haproxy',
    help: 'Sticky-session cookie name of every route ([a-zA-Z0-9_-]+; default: a hash of the route).',
  },
  ROUTER_SHUTDOWN: {
    type: 'boolean',
    group: 'haproxy',
    help: "Shutdown mode of upstream's reload script.",
    ignored: 'upstream sets it for its reload script, which router does not use',
  },
} as const satisfies EnvTable;
