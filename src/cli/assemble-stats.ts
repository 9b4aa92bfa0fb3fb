/** The health and metrics part of RouterOptions, from settings that passed the cross-checks. */
import type { StatsCredentials, StatsOptions } from '../options.ts';
import type { ResolvedSettings } from './resolved-settings.ts';
import { statsListenAddress } from './stats-listen.ts';

export function statsOptions(s: ResolvedSettings): StatsOptions {
  const certFile = s.get('ROUTER_METRICS_TLS_CERT_FILE');
  const keyFile = s.get('ROUTER_METRICS_TLS_KEY_FILE');
  return {
    listen: statsListenAddress(s.get('--listen-addr'), s.get('--stats-port')),
    server: s.get('--metrics-type') === 'haproxy' ? 'router' : 'haproxy',
    credentials: credentials(s),
    tls:
      certFile !== undefined && keyFile !== undefined
        ? { certFile, keyFile, minVersion: s.value('ROUTER_METRICS_TLS_MIN_VERSION') === 'VersionTLS13' ? 'TLSv1.3' : 'TLSv1.2' }
        : undefined,
    readyUrl: s.get('ROUTER_METRICS_READY_HTTP_URL'),
    adminSocketCheck: !s.value('ROUTER_BIND_PORTS_BEFORE_SYNC'),
    scrape: {
      timeoutMs: s.value('ROUTER_METRICS_HAPROXY_TIMEOUT'),
      baseIntervalMs: s.value('ROUTER_METRICS_HAPROXY_BASE_SCRAPE_INTERVAL'),
      serverThreshold: s.value('ROUTER_METRICS_HAPROXY_SERVER_THRESHOLD'),
      columns: s.value('ROUTER_METRICS_HAPROXY_EXPORTED').map(Number),
    },
  };
}

/** Upstream's precedence: both files, else both values. */
function credentials(s: ResolvedSettings): StatsCredentials | undefined {
  const userFile = s.get('--stats-user-file');
  const passwordFile = s.get('--stats-password-file');
  if (userFile !== undefined && passwordFile !== undefined) return { kind: 'files', userFile, passwordFile };
  const user = s.get('--stats-user');
  const password = s.get('--stats-password');
  return user !== undefined && password !== undefined ? { kind: 'values', user, password } : undefined;
}
