/** Builds RouterOptions from settings that all parsed and passed the cross-checks. */
import { resolveCiphers } from '../config/ciphers.ts';
import { parseCidr, type Cidr } from '../domain/cidr.ts';
import type { LogLevelName } from '../log.ts';
import type { DefaultCertificateSource, HaproxyLogOptions, RouterOptions, RoutingSource, TlsOptions } from '../options.ts';
import { statsOptions } from './assemble-stats.ts';
import { clientCertificates, errorPages, httpOptions, tcpBalanceAlgorithm } from './assemble-traffic.ts';
import { kubernetesChosen } from './cross-check.ts';
import type { ResolvedSettings } from './resolved-settings.ts';
import { trafficNotes } from './traffic-checks.ts';
import { settingNotes, settingWarnings } from './warnings.ts';

export function assembleOptions(s: ResolvedSettings): RouterOptions {
  return {
    source: routingSource(s),
    ingress: s.value('--enable-ingress') ? { classController: s.value('--ingress-class-controller') } : undefined,
    gatewayApi: s.value('--enable-gateway-api') ? { controllerName: s.value('--gateway-controller-name') } : undefined,
    listen: {
      bindAddress: s.get('--bind-address') ?? '',
      httpPort: s.value('--http-port'),
      httpsPort: s.value('--https-port'),
      ipMode: s.value('ROUTER_IP_V4_V6_MODE'),
      proxyProtocol: s.value('ROUTER_USE_PROXY_PROTOCOL'),
    },
    haproxy: {
      maxConnections: s.value('--max-connections'),
      threads: s.get('ROUTER_THREADS'),
      hardStopAfterMs: s.get('ROUTER_HARD_STOP_AFTER'),
      bufSize: s.value('ROUTER_BUF_SIZE'),
      maxRewrite: s.value('ROUTER_MAX_REWRITE_SIZE'),
      loadBalanceAlgorithm: s.value('ROUTER_LOAD_BALANCE_ALGORITHM'),
      tcpBalanceAlgorithm: tcpBalanceAlgorithm(s),
      shuffleServers: s.get('ROUTER_BACKEND_PROCESS_ENDPOINTS') === 'shuffle',
      checkIntervalMs: s.value('ROUTER_BACKEND_CHECK_INTERVAL'),
      cookieName: s.get('ROUTER_COOKIE_NAME'),
    },
    shutdown: {
      gracefulDelayMs: s.value('ROUTER_GRACEFUL_SHUTDOWN_DELAY'),
      drainTimeoutMs: s.value('ROUTER_MAX_SHUTDOWN_TIMEOUT') * 1000,
    },
    stats: statsOptions(s),
    timeouts: {
      connectMs: s.value('ROUTER_DEFAULT_CONNECT_TIMEOUT'),
      clientMs: s.value('ROUTER_DEFAULT_CLIENT_TIMEOUT'),
      clientFinMs: s.value('ROUTER_CLIENT_FIN_TIMEOUT'),
      serverMs: s.value('ROUTER_DEFAULT_SERVER_TIMEOUT'),
      serverFinMs: s.value('ROUTER_DEFAULT_SERVER_FIN_TIMEOUT'),
      httpRequestMs: s.value('ROUTER_SLOWLORIS_TIMEOUT'),
      httpKeepAliveMs: s.value('ROUTER_SLOWLORIS_HTTP_KEEPALIVE'),
      tunnelMs: s.value('ROUTER_DEFAULT_TUNNEL_TIMEOUT'),
      inspectDelayMs: s.value('ROUTER_INSPECT_DELAY'),
    },
    tls: tlsOptions(s),
    http: httpOptions(s),
    errorPages: errorPages(s),
    operatorTls: {
      defaultCertificate: defaultCertificate(s),
      defaultDestinationCaPath: s.value('--default-destination-ca-path'),
      defaultDestinationCaExplicit: s.given('--default-destination-ca-path'),
    },
    workingDir: s.value('--working-dir'),
    haproxyBinary: s.value('--haproxy-binary'),
    logFormat: s.value('--log-format'),
    haproxyLog: haproxyLog(s),
    logLevel: logLevel(s),
    templatePath: s.get('--template'),
    intervalMs: s.value('--interval'),
    runtimeUpdates: s.get('--haproxy-config-manager') ?? s.value('--runtime-updates'),
    commitIntervalMs: s.value('--commit-interval'),
    reloadBudget: { burst: s.value('--namespace-reload-burst'), refillMs: s.value('--namespace-reload-refill') },
    ticketKeyIntervalMs: s.value('--tls-ticket-key-interval'),
    sparesPerShape: s.value('--blueprint-route-pool-size'),
    routerName: s.value('--name'),
    admission: {
      allowedDomains: s.get('--allowed-domains') ?? [],
      deniedDomains: s.get('--denied-domains') ?? [],
      allowWildcardRoutes: s.value('--allow-wildcard-routes'),
      disableNamespaceOwnershipCheck: s.value('--disable-namespace-ownership-check'),
      hostnameTemplate: s.get('--hostname-template'),
      overrideHostname: s.value('--override-hostname'),
      overrideDomains: s.get('--override-domains') ?? [],
      routerDomain: s.get('--router-domain'),
    },
    status: {
      update: s.value('--update-status'),
      canonicalHostname: s.get('--router-canonical-hostname'),
      contentionWindowMs: s.value('--resync-interval') / 10,
    },
    includeUdpEndpoints: s.value('--include-udp-endpoints'),
    extendedValidation: s.value('--extended-validation'),
    warnings: settingWarnings(s),
    notes: [...s.notes, ...settingNotes(s), ...trafficNotes(s)],
  };
}

function routingSource(s: ResolvedSettings): RoutingSource {
  if (!kubernetesChosen(s)) return { kind: 'manifests', dir: s.value('--manifests') };
  const timeout = s.value('--request-timeout');
  return {
    kind: 'kubernetes',
    connection: {
      server: s.get('--server'),
      token: s.get('--token'),
      tokenFile: s.get('--token-file'),
      kubeconfig: s.get('--config'),
      context: s.get('--context'),
      certificateAuthority: s.get('--certificate-authority'),
      clientCertificate: s.get('--client-certificate'),
      clientKey: s.get('--client-key'),
      insecureSkipTlsVerify: s.value('--insecure-skip-tls-verify'),
      ...(timeout > 0 ? { requestTimeoutMs: timeout } : {}),
    },
    namespace: s.get('--namespace'),
    routeLabels: s.get('--labels'),
    routeFields: s.get('--fields'),
    namespaceLabels: s.get('--namespace-labels'),
    projectLabels: s.get('--project-labels'),
    watchEndpoints: s.value('--watch-endpoints'),
    allowLoopbackEndpoints: s.value('--allow-loopback-endpoints'),
    allowHostEndpoints: s.value('--allow-host-endpoints'),
    endpointCidrs: (s.get('--endpoint-cidrs') ?? []).map(cidrOf),
    externalCertificates: s.value('--allow-external-certificates'),
  };
}

function cidrOf(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(`internal error: --endpoint-cidrs passed the cross-checks but "${text}" does not parse: ${parsed.error}`);
  return parsed.cidr;
}

function defaultCertificate(s: ResolvedSettings): DefaultCertificateSource {
  const pem = s.get('--default-certificate');
  if (pem !== undefined) return { kind: 'pem', pem };
  const path = s.get('--default-certificate-path');
  if (path !== undefined) return { kind: 'file', path };
  const dir = s.get('--default-certificate-dir');
  if (dir !== undefined) return { kind: 'dir', dir };
  return { kind: 'generate' };
}

function tlsOptions(s: ResolvedSettings): TlsOptions {
  const ciphers = resolveCiphers(s.value('--ciphers'));
  if (!ciphers.ok) throw new Error(`internal error: --ciphers passed the cross-checks but does not resolve: ${ciphers.error}`);
  return {
    strictSni: s.value('--strict-sni'),
    ciphers: ciphers.ciphers,
    ciphersuites: s.get('ROUTER_CIPHERSUITES'),
    minVersion: s.value('SSL_MIN_VERSION'),
    maxVersion: s.get('SSL_MAX_VERSION'),
    dhParamBits: ciphers.dhParamBits,
    http2: !s.value('ROUTER_DISABLE_HTTP2'),
    curves: s.get('ROUTER_CURVES'),
    clientCertificates: clientCertificates(s),
  };
}

/** Access logs are `info`: to the router's output only at a level that lets them through, as upstream to syslog. */
const ACCESS_LOG_LEVELS: readonly string[] = ['info', 'debug'];

function haproxyLog(s: ResolvedSettings): HaproxyLogOptions {
  const address = s.get('ROUTER_SYSLOG_ADDRESS');
  const level = s.value('ROUTER_LOG_LEVEL');
  const format = s.get('ROUTER_UNIQUE_ID_FORMAT');
  const header = s.get('ROUTER_UNIQUE_ID_HEADER_NAME');
  return {
    target: address !== undefined ? { kind: 'syslog', address } : ACCESS_LOG_LEVELS.includes(level) ? { kind: 'output' } : { kind: 'none' },
    facility: s.value('ROUTER_LOG_FACILITY'),
    level,
    maxLength: s.value('ROUTER_LOG_MAX_LENGTH'),
    format: s.get('ROUTER_SYSLOG_FORMAT'),
    dontLogNull: s.value('ROUTER_DONT_LOG_NULL'),
    httpIgnoreProbes: s.value('ROUTER_HTTP_IGNORE_PROBES'),
    uniqueId: format !== undefined && header !== undefined ? { format, header } : undefined,
  };
}

/** klog verbosity as openshift-router deployments pass it (`--v=2` is the image default). */
function levelFromKlog(verbosity: number): LogLevelName {
  if (verbosity >= 5) return 'trace';
  return verbosity >= 3 ? 'debug' : 'info';
}

function logLevel(s: ResolvedSettings): LogLevelName {
  if (!s.given('--loglevel') && s.given('--v')) return levelFromKlog(s.value('--v'));
  return s.value('--loglevel');
}
