/** The health and metrics endpoints (upstream's RouterStats and metrics settings). */
import type { EnvTable, FlagTable } from './spec.ts';

/** The `show stat` columns openshift-router exports by default (ROUTER_METRICS_HAPROXY_EXPORTED). */
export const DEFAULT_EXPORTED_COLUMNS = '2,4,5,7,8,9,13,14,17,21,24,33,35,39,40,41,42,43,44,58,59,60,79,85';

export const STATS_FLAGS = {
  '--metrics-type': {
    type: 'enum',
    choices: ['haproxy'],
    env: ['ROUTER_METRICS_TYPE'],
    group: 'Stats & metrics',
    help: "haproxy: router serves /healthz, /healthz/ready and /metrics on the listen address; unset: haproxy's stats page (and /healthz) is served there.",
  },
  '--listen-addr': {
    type: 'string',
    metavar: 'HOST:PORT',
    env: ['ROUTER_LISTEN_ADDR'],
    group: 'Stats & metrics',
    help: 'Address of the health and metrics endpoints; its port overrides --stats-port (default: none, nothing listens).',
  },
  '--stats-port': {
    type: 'int',
    min: 0,
    max: 65535,
    env: ['STATS_PORT'],
    group: 'Stats & metrics',
    help: 'Port of the health and metrics endpoints on every address, when --listen-addr is not given (0: none).',
  },
  '--stats-user': { type: 'string', env: ['STATS_USERNAME'], group: 'Stats & metrics', help: 'Basic-auth user for /metrics and the stats page.' },
  '--stats-password': {
    type: 'string',
    env: ['STATS_PASSWORD'],
    group: 'Stats & metrics',
    help: 'Basic-auth password for /metrics and the stats page.',
  },
  '--stats-user-file': {
    type: 'string',
    metavar: 'PATH',
    env: ['STATS_USERNAME_FILE'],
    group: 'Stats & metrics',
    help: 'File holding the stats user (with --stats-password-file, overrides both above), read at start.',
  },
  '--stats-password-file': {
    type: 'string',
    metavar: 'PATH',
    env: ['STATS_PASSWORD_FILE'],
    group: 'Stats & metrics',
    help: 'File holding the stats password, read at start.',
  },
} as const satisfies FlagTable;

export const STATS_ENV = {
  ROUTER_METRICS_TLS_CERT_FILE: {
    type: 'string',
    metavar: 'PATH',
    group: 'Stats & metrics',
    help: 'Certificate (PEM) of the metrics server: TLS is then served beside plain HTTP on the same port; re-read every 30 s.',
  },
  ROUTER_METRICS_TLS_KEY_FILE: { type: 'string', metavar: 'PATH', group: 'Stats & metrics', help: 'Key (PEM) of the metrics certificate.' },
  ROUTER_METRICS_TLS_MIN_VERSION: {
    type: 'enum',
    choices: ['VersionTLS12', 'VersionTLS13'],
    default: 'VersionTLS12',
    group: 'Stats & metrics',
    help: 'Lowest TLS version of the metrics server.',
  },
  ROUTER_METRICS_HAPROXY_TIMEOUT: { type: 'duration', min: 1, default: '5s', group: 'Stats & metrics', help: 'How long one `show stat` may take.' },
  ROUTER_METRICS_HAPROXY_BASE_SCRAPE_INTERVAL: {
    type: 'duration',
    min: 0,
    default: '5s',
    group: 'Stats & metrics',
    help: 'haproxy stats are read at most once per this interval per 1000 stats rows (plus one); scrapes in between get the last reading.',
  },
  ROUTER_METRICS_HAPROXY_SERVER_THRESHOLD: {
    type: 'int',
    min: 1,
    default: '500',
    group: 'Stats & metrics',
    help: 'Above this many servers, per-server metrics are left out (backend metrics remain).',
  },
  ROUTER_METRICS_HAPROXY_EXPORTED: {
    type: 'list',
    metavar: 'N,...',
    default: DEFAULT_EXPORTED_COLUMNS,
    group: 'Stats & metrics',
    help: '`show stat` CSV columns (0-based) exported as haproxy_* metrics.',
  },
  ROUTER_METRICS_READY_HTTP_URL: {
    type: 'string',
    metavar: 'URL',
    group: 'Stats & metrics',
    help: "What /healthz/ready asks (2xx or 3xx: ready); default: the public frontend's own health URI on --http-port.",
  },
  ROUTER_BIND_PORTS_BEFORE_SYNC: {
    type: 'boolean',
    default: 'false',
    group: 'Stats & metrics',
    help: "true: /healthz does not check haproxy's admin socket, as upstream.",
  },
} as const satisfies EnvTable;
