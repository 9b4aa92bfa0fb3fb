import { describe, expect, test } from 'bun:test';
import { ENV_ENTRIES, ENV_SETTINGS, FLAG_ENTRIES, FLAGS } from './flags.ts';
import { NOT_IMPLEMENTED_ENV, NOT_IMPLEMENTED_FLAGS } from './not-implemented.ts';
import { HAPROXY_ENV, HAPROXY_FLAGS } from './table/haproxy.ts';
import { KUBERNETES_FLAGS } from './table/kubernetes.ts';
import { LOGGING_ENV, LOGGING_FLAGS } from './table/logging.ts';
import { ROUTING_ENV, ROUTING_FLAGS } from './table/routing.ts';
import { STATS_ENV, STATS_FLAGS } from './table/stats.ts';
import { TLS_ENV, TLS_FLAGS } from './table/tls.ts';
import { TRAFFIC_ENV, TRAFFIC_FLAGS } from './table/traffic.ts';

describe('tables', () => {
  test('no setting is in two group tables', () => {
    const flagTables = [ROUTING_FLAGS, HAPROXY_FLAGS, TRAFFIC_FLAGS, TLS_FLAGS, STATS_FLAGS, LOGGING_FLAGS, KUBERNETES_FLAGS, NOT_IMPLEMENTED_FLAGS];
    const envTables = [ROUTING_ENV, HAPROXY_ENV, TRAFFIC_ENV, TLS_ENV, STATS_ENV, LOGGING_ENV, NOT_IMPLEMENTED_ENV];
    expect(flagTables.reduce((n, table) => n + Object.keys(table).length, 0)).toBe(Object.keys(FLAGS).length);
    expect(envTables.reduce((n, table) => n + Object.keys(table).length, 0)).toBe(Object.keys(ENV_SETTINGS).length);
  });

  test('a setting is at most one of ignored, refused and planned', () => {
    for (const [, spec] of [...FLAG_ENTRIES, ...ENV_ENTRIES]) {
      expect([spec.ignored, spec.rejected, spec.issue].filter((status) => status !== undefined).length).toBeLessThanOrEqual(1);
    }
  });

  test('every spelling and every variable belongs to exactly one setting', () => {
    const spellings = FLAG_ENTRIES.flatMap(([name, f]) => [name, ...(f.aliases ?? [])]);
    const variables = [...FLAG_ENTRIES.flatMap(([, f]) => f.env ?? []), ...ENV_ENTRIES.map(([name]) => name)];
    expect(new Set(spellings).size).toBe(spellings.length);
    expect(new Set(variables).size).toBe(variables.length);
    for (const spelling of spellings) expect(spelling).toMatch(/^(-[a-zA-Z]|--[a-z][a-z0-9-]*)$/);
  });

  test('enums list their choices', () => {
    for (const [, spec] of [...FLAG_ENTRIES, ...ENV_ENTRIES]) if (spec.type === 'enum') expect(spec.choices?.length).toBeGreaterThan(0);
  });

  test('the openshift-router surface and our own flags are all present', () => {
    const spellings = new Set<string>(FLAG_ENTRIES.flatMap(([name, f]) => [name, ...(f.aliases ?? [])]));
    const required = [
      // 1a
      '--name', '--router-canonical-hostname', '--update-status', '--resync-interval', '--hostname-template', '--router-domain',
      '--override-hostname', '--override-domains', '--labels', '--fields', '--project-labels', '--namespace-labels', '-n',
      '--namespace', '--include-udp-endpoints', '--denied-domains', '--allowed-domains', '--allow-external-certificates',
      '--disable-namespace-ownership-check', '--extended-validation', '--upgrade-validation',
      '--debug-upgrade-validation-force-add-condition', '--debug-upgrade-validation-force-remove-condition', '--enable-ingress',
      '--listen-addr', '--watch-endpoints', '--allow-external-certificates',
      // 1b
      '--working-dir', '--default-certificate', '--default-certificate-path', '--default-certificate-dir',
      '--default-destination-ca-path', '--template', '--reload', '--interval', '--bind-ports-after-sync', '--max-connections',
      '--ciphers', '--strict-sni', '--metrics-type', '--haproxy-config-manager', '--commit-interval',
      '--blueprint-route-namespace', '--blueprint-route-labels', '--blueprint-route-pool-size', '--capture-http-request-headers',
      '--capture-http-response-headers', '--capture-http-cookie', '--http-header-name-case-adjustments',
      '--set-delete-http-response-header', '--set-delete-http-request-header', '--max-dynamic-servers',
      // 1c
      '--stats-port', '--stats-user', '--stats-password', '--stats-user-file', '--stats-password-file', '--config', '--master',
      '--kubernetes', '--server', '--token', '--context', '--certificate-authority', '--client-certificate', '--client-key',
      '--insecure-skip-tls-verify', '--request-timeout', '--v', '--vmodule', '--logtostderr',
      // ours
      '--manifests', '--http-port', '--https-port', '--haproxy-binary', '--log-format', '--loglevel', '--token-file', '--tls-ticket-key-interval',
      '--enable-gateway-api', '--gateway-controller-name',
      '--allow-host-endpoints', '--endpoint-cidrs',
    ]; // prettier-ignore
    expect(required.filter((spelling) => !spellings.has(spelling))).toEqual([]);
  });

  test('every section 2 environment variable is listed', () => {
    const variables = new Set([...FLAG_ENTRIES.flatMap(([, f]) => f.env ?? []), ...ENV_ENTRIES.map(([name]) => name)]);
    const section2 = [
      // 2a
      'ROUTER_SERVICE_NAMESPACE', 'ROUTER_BIND_PORTS_BEFORE_SYNC', 'ROUTER_HAPROXY_ADMIN_UNIX_SOCKET', 'ROUTER_GRACEFUL_SHUTDOWN_DELAY',
      'ROUTER_METRICS_HAPROXY_SCRAPE_URI', 'ROUTER_METRICS_HAPROXY_TIMEOUT', 'ROUTER_METRICS_HAPROXY_BASE_SCRAPE_INTERVAL',
      'ROUTER_METRICS_HAPROXY_SERVER_THRESHOLD', 'ROUTER_METRICS_HAPROXY_EXPORTED', 'ROUTER_METRICS_HAPROXY_PID_FILE',
      'ROUTER_METRICS_READY_HTTP_URL', 'ROUTER_METRICS_TLS_CERT_FILE', 'ROUTER_METRICS_TLS_KEY_FILE', 'ROUTER_METRICS_TLS_CIPHERS',
      'ROUTER_METRICS_TLS_MIN_VERSION', 'ROUTER_METRICS_TLS_CURVES', 'ROUTER_USE_PROXY_PROTOCOL', 'ROUTER_MUTUAL_TLS_AUTH_CA',
      'ROUTER_DISABLE_HTTP2', 'ROUTER_BACKEND_CHECK_INTERVAL', 'ROUTER_ENABLE_EXTERNAL_CERTIFICATE',
      // 2b
      'ROUTER_HARD_STOP_AFTER', 'ROUTER_MAX_CONNECTIONS', 'ROUTER_THREADS', 'ROUTER_SYSLOG_ADDRESS', 'ROUTER_LOG_MAX_LENGTH',
      'ROUTER_LOG_FACILITY', 'ROUTER_LOG_LEVEL', 'ROUTER_SYSLOG_FORMAT', 'ROUTER_MAX_REWRITE_SIZE', 'ROUTER_BUF_SIZE',
      'SSL_MIN_VERSION', 'SSL_MAX_VERSION', 'ROUTER_CIPHERS', 'ROUTER_CIPHERSUITES', 'ROUTER_CURVES', 'ROUTER_ERRORFILE_503',
      'ROUTER_ERRORFILE_404', 'ROUTER_DEFAULT_CONNECT_TIMEOUT', 'ROUTER_DEFAULT_CLIENT_TIMEOUT', 'ROUTER_CLIENT_FIN_TIMEOUT',
      'ROUTER_DEFAULT_SERVER_TIMEOUT', 'ROUTER_DEFAULT_SERVER_FIN_TIMEOUT', 'ROUTER_SLOWLORIS_TIMEOUT',
      'ROUTER_SLOWLORIS_HTTP_KEEPALIVE', 'ROUTER_DEFAULT_TUNNEL_TIMEOUT', 'ROUTER_ENABLE_COMPRESSION', 'ROUTER_COMPRESSION_MIME',
      'ROUTER_DONT_LOG_NULL', 'ROUTER_HTTP_IGNORE_PROBES', 'ROUTER_HAPROXY_CONTSTATS', 'ROUTER_ABORT_ON_CLOSE',
      'ROUTER_IP_V4_V6_MODE', 'ROUTER_SERVICE_HTTP_PORT', 'ROUTER_SERVICE_HTTPS_PORT', 'ROUTER_IDLE_CLOSE_ON_RESPONSE',
      'ROUTER_INSPECT_DELAY', 'ROUTER_MUTUAL_TLS_HEADER_FILTER', 'ROUTER_UNIQUE_ID_FORMAT', 'ROUTER_UNIQUE_ID_HEADER_NAME',
      'ROUTER_STRICT_SNI', 'ROUTER_MUTUAL_TLS_AUTH', 'ROUTER_MUTUAL_TLS_AUTH_CRL', 'ROUTER_MUTUAL_TLS_AUTH_FILTER',
      'ROUTER_SET_FORWARDED_HEADERS', 'ROUTER_LOAD_BALANCE_ALGORITHM', 'ROUTER_TCP_BALANCE_SCHEME', 'ROUTER_COOKIE_NAME',
      'ROUTER_BACKEND_PROCESS_ENDPOINTS',
      // 2c
      'MAX_RELOAD_WAIT_TIME', 'ROUTER_MAX_SHUTDOWN_TIMEOUT', 'ROUTER_SHUTDOWN', 'HAPROXY_MAX_SHUTDOWN_TIMEOUT',
    ]; // prettier-ignore
    expect(section2.filter((variable) => !variables.has(variable))).toEqual([]);
  });
});
