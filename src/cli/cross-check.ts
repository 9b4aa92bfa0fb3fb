/**
 * Checks that span several settings, or that need more than the value's
 * syntax; each runs only when its inputs parsed.
 */
import { isIP } from 'node:net';
import { isControllerName } from '../gateway/gateway-class.ts';
import { resolveCiphers } from '../config/ciphers.ts';
import { parseCidr } from '../domain/cidr.ts';
import { isDns1123Subdomain } from '../domain/names.ts';
import type { ReadableName } from './flags.ts';
import type { ResolvedSettings } from './resolved-settings.ts';
import { scrapeConflicts, statsConflicts } from './stats-checks.ts';
import { trafficChecks } from './traffic-checks.ts';

/** Flags that only mean something with a Kubernetes connection. */
const KUBE_CONNECTION_FLAGS = [
  '--config',
  '--server',
  '--context',
  '--token',
  '--token-file',
  '--certificate-authority',
  '--client-certificate',
  '--client-key',
  '--insecure-skip-tls-verify',
] as const satisfies readonly ReadableName[];
const SELECTION_FLAGS = ['--namespace', '--labels', '--fields', '--namespace-labels', '--project-labels'] as const satisfies readonly ReadableName[];
/** Rules for endpoints from the API; the manifest directory is written by the host's admin and trusted. */
const API_ENDPOINT_FLAGS = ['--allow-host-endpoints', '--endpoint-cidrs'] as const satisfies readonly ReadableName[];
/** These paths are written into haproxy.config, where whitespace and '#' would split or end a line. */
const CONFIG_PATH_FLAGS = [
  '--working-dir',
  '--default-certificate-path',
  '--default-certificate-dir',
  '--default-destination-ca-path',
] as const satisfies readonly ReadableName[];

export function kubernetesChosen(s: ResolvedSettings): boolean {
  return KUBE_CONNECTION_FLAGS.some((flag) => s.given(flag));
}

export function crossCheck(s: ResolvedSettings): string[] {
  const errors: string[] = [];
  const http = s.get('--http-port');
  if (http !== undefined && http === s.get('--https-port')) errors.push(`--http-port and --https-port must differ (both are ${http})`);
  const bindAddress = s.get('--bind-address');
  if (bindAddress !== undefined && isIP(bindAddress) === 0) {
    errors.push(`--bind-address: invalid value "${bindAddress}" (want an IPv4 or IPv6 address)`);
  }
  errors.push(...sourceConflicts(s), ...statsConflicts(s), ...scrapeConflicts(s), ...trafficChecks(s));
  for (const flag of CONFIG_PATH_FLAGS) {
    const path = s.get(flag);
    if (path !== undefined && /[\s#"'\\]/.test(path)) errors.push(`${flag}: "${path}" must not contain whitespace, quotes, backslashes or '#'`);
  }
  for (const text of s.get('--endpoint-cidrs') ?? []) {
    const cidr = parseCidr(text);
    if (!cidr.ok) errors.push(`--endpoint-cidrs: ${cidr.error}`);
  }
  const canonical = s.get('--router-canonical-hostname');
  if (canonical !== undefined && (isIP(canonical) !== 0 || !isDns1123Subdomain(canonical))) {
    errors.push(`--router-canonical-hostname: invalid value "${canonical}" (want a DNS-1123 host name, not an IP address)`);
  }
  const overriding = {
    '--override-hostname': s.get('--override-hostname') === true,
    '--override-domains': (s.get('--override-domains') ?? []).length > 0,
  };
  for (const [flag, used] of Object.entries(overriding)) {
    if (used && s.get('--hostname-template') === undefined) errors.push(`${flag} requires --hostname-template`);
  }
  const ciphers = s.get('--ciphers');
  const resolved = ciphers === undefined ? undefined : resolveCiphers(ciphers);
  if (resolved && !resolved.ok) errors.push(`--ciphers: ${resolved.error}`);
  const suites = s.get('ROUTER_CIPHERSUITES');
  if (suites !== undefined && !/^[A-Za-z0-9_:]+$/.test(suites)) {
    errors.push(`ROUTER_CIPHERSUITES: invalid value "${suites}" (want a colon-separated list of TLS 1.3 cipher suites)`);
  }
  const manager = s.get('--haproxy-config-manager');
  if (manager !== undefined && s.given('--runtime-updates') && manager !== s.get('--runtime-updates')) {
    errors.push('--haproxy-config-manager and --runtime-updates are the same switch and disagree');
  }
  errors.push(...logChecks(s));
  if (s.given('--ingress-class-controller') && s.get('--enable-ingress') !== true) errors.push('--ingress-class-controller needs --enable-ingress');
  const controller = s.get('--ingress-class-controller');
  if (controller !== undefined && !/^[A-Za-z0-9][-A-Za-z0-9_.]*(\/[-A-Za-z0-9_./]+)?$/.test(controller)) {
    errors.push(`--ingress-class-controller: invalid value "${controller}" (want a domain-prefixed path such as example.com/ingress-controller)`);
  }
  if (s.given('--gateway-controller-name') && s.get('--enable-gateway-api') !== true) errors.push('--gateway-controller-name needs --enable-gateway-api');
  const gatewayController = s.get('--gateway-controller-name');
  if (gatewayController !== undefined && !isControllerName(gatewayController)) {
    errors.push(`--gateway-controller-name: invalid value "${gatewayController}" (want DOMAIN/PATH, as a GatewayClass's spec.controllerName, such as example.com/gateway-controller)`);
  }
  const cookieName = s.get('ROUTER_COOKIE_NAME');
  if (cookieName !== undefined && !/^[a-zA-Z0-9_-]+$/.test(cookieName)) {
    errors.push(`ROUTER_COOKIE_NAME: invalid value "${cookieName}" (want letters, digits, '_' and '-' only)`);
  }
  return errors;
}

/** These values are written into haproxy.config as they are: a line break would add lines of the writer's choosing. */
const HAPROXY_WORDS = ['ROUTER_SYSLOG_FORMAT', 'ROUTER_UNIQUE_ID_FORMAT'] as const satisfies readonly ReadableName[];

function logChecks(s: ResolvedSettings): string[] {
  const errors: string[] = [];
  const address = s.get('ROUTER_SYSLOG_ADDRESS');
  if (address !== undefined && !/^[A-Za-z0-9@:/._\[\]-]+$/.test(address)) {
    errors.push(`ROUTER_SYSLOG_ADDRESS: invalid value "${address}" (want an haproxy log target: host:port, [ipv6]:port, udp@..., /dev/log, ...)`);
  }
  for (const name of HAPROXY_WORDS) {
    const value = s.get(name);
    if (value !== undefined && /[\x00-\x1f\x7f]/.test(value)) errors.push(`${name} must not contain line breaks or other control characters`);
  }
  const header = s.get('ROUTER_UNIQUE_ID_HEADER_NAME');
  if (header !== undefined && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) {
    errors.push(`ROUTER_UNIQUE_ID_HEADER_NAME: invalid value "${header}" (want an HTTP header name)`);
  }
  return errors;
}

function sourceConflicts(s: ResolvedSettings): string[] {
  const errors: string[] = [];
  const kube = kubernetesChosen(s);
  if (kube && s.given('--manifests')) errors.push('--manifests and a Kubernetes connection (--server, --config, ...) exclude each other');
  if (!kube) {
    for (const flag of SELECTION_FLAGS) if (s.given(flag)) errors.push(`${flag} needs a Kubernetes connection (--server or --config)`);
    for (const flag of API_ENDPOINT_FLAGS) if (s.given(flag)) errors.push(`${flag} applies to endpoints from the API; the manifest directory's are trusted`);
  }
  if (s.given('--project-labels') && (s.given('--namespace') || s.given('--namespace-labels'))) {
    errors.push('--project-labels excludes --namespace and --namespace-labels');
  }
  if (s.given('--namespace-labels') && s.given('--namespace')) errors.push('--namespace-labels excludes --namespace');
  if (s.given('--token') && s.given('--token-file')) errors.push('--token and --token-file (ROUTER_TOKEN_FILE) exclude each other');
  return errors;
}
