/**
 * Cross-checks of the health and metrics settings: the pairs that go
 * together, what haproxy.config can hold, and the rule that /metrics is
 * never served without credentials beyond loopback (haproxy's stats page
 * is never served without them at all).
 */
import { statsAuthProblem } from '../config/stats-page.ts';
import type { ReadableName } from './flags.ts';
import type { ResolvedSettings } from './resolved-settings.ts';
import { isLoopbackHost, parseListenAddress, statsListenAddress } from './stats-listen.ts';

/** Settings that mean something only together. */
const PAIRS = [
  ['--stats-user', '--stats-password'],
  ['--stats-user-file', '--stats-password-file'],
  ['ROUTER_METRICS_TLS_CERT_FILE', 'ROUTER_METRICS_TLS_KEY_FILE'],
] as const satisfies readonly (readonly [ReadableName, ReadableName])[];

export function statsCredentialsGiven(s: ResolvedSettings): boolean {
  return PAIRS.slice(0, 2).some(([a, b]) => s.given(a) && s.given(b));
}

export function statsConflicts(s: ResolvedSettings): string[] {
  const errors: string[] = [];
  for (const [a, b] of PAIRS) if (s.given(a) !== s.given(b)) errors.push(`${s.given(a) ? a : b} needs ${s.given(a) ? b : a}`);
  const listenAddr = s.get('--listen-addr');
  const parsed = listenAddr === undefined ? undefined : parseListenAddress(listenAddr);
  if (parsed && !parsed.ok) errors.push(`--listen-addr: ${parsed.error}`);
  const listen = statsListenAddress(listenAddr, s.get('--stats-port'));
  if (!listen) return errors;
  for (const flag of ['--http-port', '--https-port'] as const) {
    if (s.get(flag) === listen.port) errors.push(`the health and metrics port ${listen.port} is also ${flag}`);
  }
  // haproxy's stats page needs credentials whatever the address (upstream): without them only /healthz is served.
  if (s.get('--metrics-type') === 'haproxy' && !statsCredentialsGiven(s) && !isLoopbackHost(listen.host)) {
    errors.push(
      `/metrics would be served without credentials on ${listen.host || 'every address'} (port ${listen.port}): ` +
        'give --stats-user and --stats-password (or --stats-user-file and --stats-password-file), or listen on a loopback address (--listen-addr=127.0.0.1:PORT)',
    );
  }
  const problem = s.get('--metrics-type') === undefined ? statsAuthProblem({ user: s.get('--stats-user'), password: s.get('--stats-password') }) : undefined;
  if (problem) errors.push(`--stats-user, --stats-password: ${problem}`);
  return errors;
}

export function scrapeConflicts(s: ResolvedSettings): string[] {
  const errors: string[] = [];
  const columns = s.get('ROUTER_METRICS_HAPROXY_EXPORTED') ?? [];
  const bad = columns.filter((c) => !/^[0-9]{1,3}$/.test(c));
  if (bad.length > 0) errors.push(`ROUTER_METRICS_HAPROXY_EXPORTED: ${bad.map((c) => `"${c}"`).join(', ')} (want column numbers, e.g. 2,4,17)`);
  const url = s.get('ROUTER_METRICS_READY_HTTP_URL');
  if (url !== undefined && !/^https?:$/.test(URL.parse(url)?.protocol ?? '')) {
    errors.push(`ROUTER_METRICS_READY_HTTP_URL: invalid value "${url}" (want an http:// or https:// URL)`);
  }
  return errors;
}

/** Settings given that change nothing in the way they are combined. */
export function statsWarnings(s: ResolvedSettings): string[] {
  const listening = statsListenAddress(s.get('--listen-addr'), s.get('--stats-port')) !== undefined;
  const warnings: string[] = [];
  if (s.given('--metrics-type') && !listening) warnings.push('--metrics-type has no effect without --listen-addr or --stats-port: nothing serves metrics');
  if (s.given('ROUTER_METRICS_TLS_CERT_FILE') && (!listening || s.get('--metrics-type') !== 'haproxy')) {
    warnings.push('ROUTER_METRICS_TLS_CERT_FILE has no effect: only the metrics server (--metrics-type=haproxy with --listen-addr or --stats-port) serves TLS');
  }
  return warnings;
}
