import { describe, expect, test } from 'bun:test';
import { DEFAULT_OPTIONS } from '../../test/support/router-options.ts';
import type { StatsOptions } from '../options.ts';
import { parseOptions } from './parse-options.ts';

type Env = Record<string, string>;
const CREDENTIALS = ['--stats-user=admin', '--stats-password=secret'];

function parsed(argv: readonly string[], env: Env = {}) {
  const result = parseOptions(argv, env);
  if (!result.ok) throw new Error(`unexpected errors: ${result.errors.join(' | ')}`);
  return result.options;
}

function errors(argv: readonly string[], env: Env = {}): string[] {
  const result = parseOptions(argv, env);
  if (result.ok) throw new Error('expected errors, got options');
  return result.errors;
}

const stats = (more: Partial<StatsOptions>): StatsOptions => ({ ...DEFAULT_OPTIONS.stats, ...more });

describe('health and metrics settings', () => {
  test.each<[string, string[], Env, StatsOptions]>([
    ['nothing given: nothing listens', [], {}, DEFAULT_OPTIONS.stats],
    [
      "the router's server on a loopback address, without credentials",
      ['--metrics-type=haproxy', '--listen-addr=127.0.0.1:1936'],
      {},
      stats({ listen: { host: '127.0.0.1', port: 1936 }, server: 'router' }),
    ],
    [
      'STATS_PORT alone: every address',
      [],
      { STATS_PORT: '1936', ROUTER_METRICS_TYPE: 'haproxy', STATS_USERNAME: 'u', STATS_PASSWORD: 'p' },
      stats({ listen: { host: '', port: 1936 }, server: 'router', credentials: { kind: 'values', user: 'u', password: 'p' } }),
    ],
    ["--listen-addr's port overrides --stats-port", ['--listen-addr=127.0.0.2:9000', '--stats-port=1936'], {}, stats({ listen: { host: '127.0.0.2', port: 9000 } })],
    ['STATS_PORT=0 is no port', [], { STATS_PORT: '0' }, DEFAULT_OPTIONS.stats],
    ['IPv6 loopback', ['--listen-addr=[::1]:1936'], {}, stats({ listen: { host: '::1', port: 1936 } })],
    ['localhost', ['--listen-addr=localhost:1936'], {}, stats({ listen: { host: '127.0.0.1', port: 1936 } })],
    [
      'both files beat both values, as upstream',
      ['--listen-addr=127.0.0.1:1936', ...CREDENTIALS],
      { STATS_USERNAME_FILE: '/run/u', STATS_PASSWORD_FILE: '/run/p' },
      stats({ listen: { host: '127.0.0.1', port: 1936 }, credentials: { kind: 'files', userFile: '/run/u', passwordFile: '/run/p' } }),
    ],
    [
      'TLS and the scrape bounds',
      ['--metrics-type=haproxy', '--listen-addr=127.0.0.1:1936'],
      {
        ROUTER_METRICS_TLS_CERT_FILE: '/c.pem',
        ROUTER_METRICS_TLS_KEY_FILE: '/k.pem',
        ROUTER_METRICS_TLS_MIN_VERSION: 'VersionTLS13',
        ROUTER_METRICS_HAPROXY_TIMEOUT: '2s',
        ROUTER_METRICS_HAPROXY_BASE_SCRAPE_INTERVAL: '10s',
        ROUTER_METRICS_HAPROXY_SERVER_THRESHOLD: '50',
        ROUTER_METRICS_HAPROXY_EXPORTED: '2,17',
        ROUTER_METRICS_READY_HTTP_URL: 'http://127.0.0.1:8080/ready',
        ROUTER_BIND_PORTS_BEFORE_SYNC: 'true',
      },
      stats({
        listen: { host: '127.0.0.1', port: 1936 },
        server: 'router',
        tls: { certFile: '/c.pem', keyFile: '/k.pem', minVersion: 'TLSv1.3' },
        readyUrl: 'http://127.0.0.1:8080/ready',
        adminSocketCheck: false,
        scrape: { timeoutMs: 2000, baseIntervalMs: 10_000, serverThreshold: 50, columns: [2, 17] },
      }),
    ],
  ])('%s', (_name, argv, env, expected) => {
    expect(parsed(argv, env).stats).toEqual(expected);
  });

  test.each<[string, string[], Env, string[]]>([
    [
      '/metrics on every address without credentials',
      ['--metrics-type=haproxy', '--stats-port=1936'],
      {},
      [
        '/metrics would be served without credentials on every address (port 1936): give --stats-user and --stats-password (or --stats-user-file and --stats-password-file), or listen on a loopback address (--listen-addr=127.0.0.1:PORT)',
      ],
    ],
    [
      '/metrics on a routable address without credentials',
      [],
      { ROUTER_METRICS_TYPE: 'haproxy', ROUTER_LISTEN_ADDR: '192.0.2.10:1936' },
      [
        '/metrics would be served without credentials on 192.0.2.10 (port 1936): give --stats-user and --stats-password (or --stats-user-file and --stats-password-file), or listen on a loopback address (--listen-addr=127.0.0.1:PORT)',
      ],
    ],
    ['a user without a password', ['--stats-user=admin'], {}, ['--stats-user needs --stats-password']],
    ['one file without the other', [], { STATS_PASSWORD_FILE: '/p' }, ['--stats-password-file needs --stats-user-file']],
    ['a certificate without a key', [], { ROUTER_METRICS_TLS_CERT_FILE: '/c.pem' }, ['ROUTER_METRICS_TLS_CERT_FILE needs ROUTER_METRICS_TLS_KEY_FILE']],
    ['a listen address without a port', ['--listen-addr=127.0.0.1'], {}, ['--listen-addr: invalid value "127.0.0.1" (want HOST:PORT with an IP address or localhost, [IPv6]:PORT, or :PORT)']],
    ['a host name', ['--listen-addr=metrics.example.com:1936'], {}, ['--listen-addr: invalid value "metrics.example.com:1936" (want HOST:PORT with an IP address or localhost, [IPv6]:PORT, or :PORT)']],
    ['port 0', ['--listen-addr=127.0.0.1:0'], {}, ['--listen-addr: invalid port in "127.0.0.1:0" (want 1 to 65535)']],
    ['the public port', ['--listen-addr=127.0.0.1:80'], {}, ['the health and metrics port 80 is also --http-port']],
    ['columns that are not numbers', [], { ROUTER_METRICS_HAPROXY_EXPORTED: '2,up' }, ['ROUTER_METRICS_HAPROXY_EXPORTED: "up" (want column numbers, e.g. 2,4,17)']],
    ['a readiness URL that is not HTTP', [], { ROUTER_METRICS_READY_HTTP_URL: 'unix:///run/x' }, ['ROUTER_METRICS_READY_HTTP_URL: invalid value "unix:///run/x" (want an http:// or https:// URL)']],
    [
      "credentials haproxy's stats page cannot hold",
      ['--listen-addr=127.0.0.1:1936', '--stats-user=admin', '--stats-password=two words'],
      {},
      ["--stats-user, --stats-password: the stats page's password may not hold whitespace, quotes, '\\' or '#'"],
    ],
  ])('%s', (_name, argv, env, expected) => {
    expect(errors(argv, env)).toEqual(expected);
  });

  test("haproxy's stats page may listen anywhere without credentials: it then serves /healthz only, as upstream", () => {
    expect(parsed(['--stats-port=1936']).stats).toEqual(stats({ listen: { host: '', port: 1936 } }));
  });

  test.each<[string, string[], Env, string]>([
    ['--metrics-type with nowhere to listen', ['--metrics-type=haproxy'], {}, '--metrics-type has no effect without --listen-addr or --stats-port: nothing serves metrics'],
    [
      "TLS for haproxy's stats page",
      ['--listen-addr=127.0.0.1:1936'],
      { ROUTER_METRICS_TLS_CERT_FILE: '/c', ROUTER_METRICS_TLS_KEY_FILE: '/k' },
      'ROUTER_METRICS_TLS_CERT_FILE has no effect: only the metrics server (--metrics-type=haproxy with --listen-addr or --stats-port) serves TLS',
    ],
    [
      'a password on the command line',
      ['--listen-addr=127.0.0.1:1936', ...CREDENTIALS],
      {},
      '--stats-password is on the command line, where every user of this host can read it (ps): use --stats-password-file or STATS_PASSWORD',
    ],
  ])('warns about %s', (_name, argv, env, warning) => {
    expect(parsed(argv, env).warnings).toEqual([warning]);
  });
});
