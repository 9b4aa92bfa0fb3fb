import { describe, expect, test } from 'bun:test';
import { DEFAULT_MANIFESTS_DIR, ENV_SETTINGS, FLAGS, plannedText, type FlagSpec } from './flags.ts';
import { admissionSettings } from '../../test/support/admission.ts';
import { resolveCiphers } from '../config/ciphers.ts';
import { helpText, parseOptions, type RouterOptions } from './parse-options.ts';

type Env = Record<string, string | undefined>;

function options(argv: readonly string[], env: Env = {}): RouterOptions {
  const result = parseOptions(argv, env);
  if (!result.ok) throw new Error(`unexpected errors: ${result.errors.join(' | ')}`);
  return result.options;
}

function errors(argv: readonly string[], env: Env = {}): string[] {
  const result = parseOptions(argv, env);
  if (result.ok) throw new Error('expected errors, got options');
  return result.errors;
}

const DEFAULTS: RouterOptions = {
  source: { kind: 'manifests', dir: DEFAULT_MANIFESTS_DIR },
  bindAddress: '',
  httpPort: 80,
  httpsPort: 443,
  workingDir: '/var/lib/router',
  haproxyBinary: 'haproxy',
  logFormat: 'pretty',
  logLevel: 'info',
  templatePath: undefined,
  intervalMs: 5000,
  runtimeUpdates: true,
  commitIntervalMs: 3_600_000,
  sparesPerShape: 10,
  maxConnections: 50000,
  routerName: 'public',
  haproxy: {
    connectTimeoutMs: 5000,
    clientTimeoutMs: 30_000,
    clientFinTimeoutMs: 1000,
    serverTimeoutMs: 30_000,
    serverFinTimeoutMs: 1000,
    httpRequestTimeoutMs: 10_000,
    httpKeepAliveTimeoutMs: 300_000,
    tunnelTimeoutMs: 3_600_000,
    inspectDelayMs: 5000,
    hardStopAfterMs: 3_600_000,
    threads: undefined,
    bufSize: 32768,
    maxRewrite: 8192,
    loadBalanceAlgorithm: 'random',
    checkIntervalMs: 5000,
    cookieName: undefined,
  },
  shutdown: { gracefulDelayMs: 45_000, drainTimeoutMs: 30_000 },
  tls: {
    defaultCertificate: { kind: 'generate' },
    defaultDestinationCaPath: '/var/run/secrets/kubernetes.io/serviceaccount/service-ca.crt',
    defaultDestinationCaExplicit: false,
    ciphers: resolveCiphersOrThrow('intermediate'),
    dhParamBits: 2048,
    ciphersuites: undefined,
    minVersion: 'TLSv1.2',
    maxVersion: undefined,
    strictSni: false,
    http2: true,
  },
  admission: admissionSettings(),
  extendedValidation: true,
  status: { update: true, canonicalHostname: undefined, contentionWindowMs: 180_000 },
  includeUdpEndpoints: false,
};

const KUBE_SOURCE = {
  kind: 'kubernetes',
  connection: {
    server: 'https://api.example:6443',
    token: undefined,
    kubeconfig: undefined,
    context: undefined,
    certificateAuthority: undefined,
    clientCertificate: undefined,
    clientKey: undefined,
    insecureSkipTlsVerify: false,
  },
  namespace: undefined,
  routeLabels: undefined,
  routeFields: undefined,
  namespaceLabels: undefined,
  projectLabels: undefined,
  watchEndpoints: false,
  allowLoopbackEndpoints: false,
} as const;

const withAdmission = (overrides: Partial<RouterOptions['admission']>): RouterOptions => ({
  ...DEFAULTS,
  admission: { ...DEFAULTS.admission, ...overrides },
});

function resolveCiphersOrThrow(name: string): string {
  const r = resolveCiphers(name);
  if (!r.ok) throw new Error(r.error);
  return r.ciphers;
}

const withTls = (overrides: Partial<RouterOptions['tls']>): RouterOptions => ({ ...DEFAULTS, tls: { ...DEFAULTS.tls, ...overrides } });

const withDefaults = (overrides: Partial<RouterOptions>): RouterOptions => ({ ...DEFAULTS, ...overrides });
const withHaproxy = (overrides: Partial<RouterOptions['haproxy']>): RouterOptions => ({
  ...DEFAULTS,
  haproxy: { ...DEFAULTS.haproxy, ...overrides },
});

/** A value each flag type accepts, for flags whose value does not matter to the test. */
function sampleArgv(flag: FlagSpec): string[] {
  return flag.type === 'boolean' ? [flag.name] : [flag.name, flag.type === 'int' ? '1' : 'x'];
}

describe('defaults', () => {
  test('no flags and an empty environment give the documented defaults', () => {
    expect(options([], {})).toEqual(DEFAULTS);
  });

  test('empty environment variables count as unset', () => {
    const env = Object.fromEntries([...FLAGS.flatMap((f) => f.env ?? []), ...ENV_SETTINGS.map((s) => s.name)].map((n) => [n, '']));
    expect(options([], env)).toEqual(DEFAULTS);
  });
});

describe('implemented flags', () => {
  test.each<[string, readonly string[], RouterOptions]>([
    ['--manifests DIR', ['--manifests', '/srv/routes'], withDefaults({ source: { kind: 'manifests', dir: '/srv/routes' } })],
    ['--manifests=DIR', ['--manifests=/srv/routes'], withDefaults({ source: { kind: 'manifests', dir: '/srv/routes' } })],
    ['--http-port', ['--http-port', '8080'], withDefaults({ httpPort: 8080 })],
    ['--https-port=', ['--https-port=8443'], withDefaults({ httpsPort: 8443 })],
    ['ports at the bounds', ['--http-port=1', '--https-port=65535'], withDefaults({ httpPort: 1, httpsPort: 65535 })],
    ['--bind-address v4', ['--bind-address', '127.0.0.1'], withDefaults({ bindAddress: '127.0.0.1' })],
    ['--bind-address v6', ['--bind-address=::1'], withDefaults({ bindAddress: '::1' })],
    ['--working-dir', ['--working-dir', '/tmp/wd'], withDefaults({ workingDir: '/tmp/wd' })],
    ['--haproxy-binary', ['--haproxy-binary=/usr/sbin/haproxy'], withDefaults({ haproxyBinary: '/usr/sbin/haproxy' })],
    ['--template', ['--template', '/etc/router/custom.eta'], withDefaults({ templatePath: '/etc/router/custom.eta' })],
    ['--interval 100ms', ['--interval', '100ms'], withDefaults({ intervalMs: 100 })],
    ['--commit-interval', ['--commit-interval=10m'], withDefaults({ commitIntervalMs: 600_000 })],
    ["upstream's --haproxy-config-manager sets --runtime-updates", ['--haproxy-config-manager=false'], withDefaults({ runtimeUpdates: false })],
    ['the two switches agreeing', ['--haproxy-config-manager', '--runtime-updates=true'], withDefaults({ runtimeUpdates: true })],
    ['--interval=1m30s', ['--interval=1m30s'], withDefaults({ intervalMs: 90_000 })],
    ['--interval=0', ['--interval=0'], withDefaults({ intervalMs: 0 })],
    ['--max-connections', ['--max-connections', '20000'], withDefaults({ maxConnections: 20000 })],
    ['--name', ['--name', 'internal'], withDefaults({ routerName: 'internal' })],
    ['--log-format', ['--log-format', 'json'], withDefaults({ logFormat: 'json' })],
    ['--loglevel', ['--loglevel=debug'], withDefaults({ logLevel: 'debug' })],
    ['--loglevel silent', ['--loglevel', 'silent'], withDefaults({ logLevel: 'silent' })],
    ['the last of a repeated flag wins', ['--http-port=81', '--http-port', '82'], withDefaults({ httpPort: 82 })],
    ['--strict-sni', ['--strict-sni'], withTls({ strictSni: true })],
    ['--allowed-domains', ['--allowed-domains=a.com, b.com'], withAdmission({ allowedDomains: ['a.com', 'b.com'] })],
    ['--denied-domains repeated', ['--denied-domains=a.com', '--denied-domains', 'b.com'], withAdmission({ deniedDomains: ['a.com', 'b.com'] })],
    ['--allow-wildcard-routes', ['--allow-wildcard-routes'], withAdmission({ allowWildcardRoutes: true })],
    ['--disable-namespace-ownership-check', ['--disable-namespace-ownership-check'], withAdmission({ disableNamespaceOwnershipCheck: true })],
    ['--router-domain', ['--router-domain=apps.example.com'], withAdmission({ routerDomain: 'apps.example.com' })],
    [
      '--hostname-template with overrides',
      ['--hostname-template=${name}.apps.com', '--override-hostname', '--override-domains=old.com'],
      withAdmission({ hostnameTemplate: '${name}.apps.com', overrideHostname: true, overrideDomains: ['old.com'] }),
    ],
    ['--extended-validation=false', ['--extended-validation=false'], withDefaults({ extendedValidation: false })],
    ['--master selects the Kubernetes source', ['--master=https://api.example:6443'], withDefaults({ source: KUBE_SOURCE })],
    [
      'connection and selection flags',
      ['--server=https://api.example:6443', '--token=t', '--certificate-authority=/ca', '--request-timeout=30s', '-n', 'apps', '--labels=a=b', '--fields=spec.host=x', '--watch-endpoints', '--allow-loopback-endpoints'],
      withDefaults({
        source: {
          ...KUBE_SOURCE,
          connection: { ...KUBE_SOURCE.connection, token: 't', certificateAuthority: '/ca', requestTimeoutMs: 30_000 },
          namespace: 'apps',
          routeLabels: 'a=b',
          routeFields: 'spec.host=x',
          watchEndpoints: true,
          allowLoopbackEndpoints: true,
        },
      }),
    ],
    ['-n shorthand', ['--server=https://api.example:6443', '-n', 'apps'], withDefaults({ source: { ...KUBE_SOURCE, namespace: 'apps' } })],
    ['--update-status=false', ['--update-status=false'], withDefaults({ status: { ...DEFAULTS.status, update: false } })],
    ['--router-canonical-hostname', ['--router-canonical-hostname=router.example.com'], withDefaults({ status: { ...DEFAULTS.status, canonicalHostname: 'router.example.com' } })],
    ['--resync-interval', ['--resync-interval=10m'], withDefaults({ status: { ...DEFAULTS.status, contentionWindowMs: 60_000 } })],
    ['--ciphers modern', ['--ciphers=modern'], withTls({ ciphers: resolveCiphersOrThrow('modern') })],
    ['--ciphers old lowers the DH size', ['--ciphers=old'], withTls({ ciphers: resolveCiphersOrThrow('old'), dhParamBits: 1024 })],
    ['--ciphers LIST', ['--ciphers=ECDHE-RSA-AES128-GCM-SHA256:!aNULL'], withTls({ ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:!aNULL' })],
    ['--default-certificate', ['--default-certificate=PEMTEXT'], withTls({ defaultCertificate: { kind: 'pem', pem: 'PEMTEXT' } })],
    ['--default-certificate-path', ['--default-certificate-path=/c.pem'], withTls({ defaultCertificate: { kind: 'file', path: '/c.pem' } })],
    ['--default-certificate-dir', ['--default-certificate-dir=/d'], withTls({ defaultCertificate: { kind: 'dir', dir: '/d' } })],
    [
      'certificate contents win over path and dir',
      ['--default-certificate-dir=/d', '--default-certificate-path=/c.pem', '--default-certificate=X'],
      withTls({ defaultCertificate: { kind: 'pem', pem: 'X' } }),
    ],
    [
      '--default-destination-ca-path',
      ['--default-destination-ca-path=/ca.pem'],
      withTls({ defaultDestinationCaPath: '/ca.pem', defaultDestinationCaExplicit: true }),
    ],
  ])('%s', (_name, argv, expected) => {
    expect(options(argv)).toEqual(expected);
  });

  test.each<[readonly string[], RouterOptions['logLevel']]>([
    [['--v=0'], 'info'],
    [['--v=2'], 'info'],
    [['--v', '3'], 'debug'],
    [['-v', '4'], 'debug'],
    [['-v=5'], 'trace'],
    [['-v9'], 'trace'],
    [['--v=5', '--loglevel=warn'], 'warn'],
  ])('klog %p gives log level %p', (argv, level) => {
    expect(options(argv).logLevel).toBe(level);
  });

  test('ROUTER_LOGLEVEL counts as an explicit level, so --v does not override it', () => {
    expect(options(['--v=5'], { ROUTER_LOGLEVEL: 'error' }).logLevel).toBe('error');
  });

  test.each([[['--enable-ingress']], [['--enable-ingress=false']], [['--max-dynamic-servers=3']], [['--logtostderr=false']]])(
    '%p is accepted and ignored',
    (argv) => {
      expect(options(argv)).toEqual(DEFAULTS);
    },
  );
});

describe('environment fallbacks', () => {
  test.each<[string, string, RouterOptions]>([
    ['ROUTER_MANIFESTS_DIR', '/srv/m', withDefaults({ source: { kind: 'manifests', dir: '/srv/m' } })],
    ['ROUTER_SERVICE_HTTP_PORT', '10080', withDefaults({ httpPort: 10080 })],
    ['ROUTER_SERVICE_HTTPS_PORT', '10443', withDefaults({ httpsPort: 10443 })],
    ['ROUTER_BIND_ADDRESS', '127.0.0.1', withDefaults({ bindAddress: '127.0.0.1' })],
    ['ROUTER_HAPROXY_BINARY', '/opt/haproxy', withDefaults({ haproxyBinary: '/opt/haproxy' })],
    ['TEMPLATE_FILE', '/t.eta', withDefaults({ templatePath: '/t.eta' })],
    ['RELOAD_INTERVAL', '250ms', withDefaults({ intervalMs: 250 })],
    ['ROUTER_MAX_CONNECTIONS', '1000', withDefaults({ maxConnections: 1000 })],
    ['ROUTER_SERVICE_NAME', 'sharded', withDefaults({ routerName: 'sharded' })],
    ['ROUTER_LOG_FORMAT', 'json', withDefaults({ logFormat: 'json' })],
    ['ROUTER_LOGLEVEL', 'trace', withDefaults({ logLevel: 'trace' })],
    ['ROUTER_DEFAULT_CONNECT_TIMEOUT', '2s', withHaproxy({ connectTimeoutMs: 2000 })],
    ['ROUTER_DEFAULT_CLIENT_TIMEOUT', '1m', withHaproxy({ clientTimeoutMs: 60_000 })],
    ['ROUTER_CLIENT_FIN_TIMEOUT', '500ms', withHaproxy({ clientFinTimeoutMs: 500 })],
    ['ROUTER_DEFAULT_SERVER_TIMEOUT', '45s', withHaproxy({ serverTimeoutMs: 45_000 })],
    ['ROUTER_DEFAULT_SERVER_FIN_TIMEOUT', '2000', withHaproxy({ serverFinTimeoutMs: 2000 })],
    ['ROUTER_SLOWLORIS_TIMEOUT', '20s', withHaproxy({ httpRequestTimeoutMs: 20_000 })],
    ['ROUTER_SLOWLORIS_HTTP_KEEPALIVE', '60s', withHaproxy({ httpKeepAliveTimeoutMs: 60_000 })],
    ['ROUTER_DEFAULT_TUNNEL_TIMEOUT', '2h', withHaproxy({ tunnelTimeoutMs: 7_200_000 })],
    ['ROUTER_INSPECT_DELAY', '1s', withHaproxy({ inspectDelayMs: 1000 })],
    ['ROUTER_HARD_STOP_AFTER', '1d', withHaproxy({ hardStopAfterMs: 86_400_000 })],
    ['ROUTER_THREADS', '4', withHaproxy({ threads: 4 })],
    ['ROUTER_BUF_SIZE', '65536', withHaproxy({ bufSize: 65536 })],
    ['ROUTER_MAX_REWRITE_SIZE', '16384', withHaproxy({ maxRewrite: 16384 })],
    ['ROUTER_LOAD_BALANCE_ALGORITHM', 'leastconn', withHaproxy({ loadBalanceAlgorithm: 'leastconn' })],
    ['ROUTER_BACKEND_CHECK_INTERVAL', '10s', withHaproxy({ checkIntervalMs: 10_000 })],
    ['ROUTER_COOKIE_NAME', 'my_sticky-1', withHaproxy({ cookieName: 'my_sticky-1' })],
    ['ROUTER_GRACEFUL_SHUTDOWN_DELAY', '0s', withDefaults({ shutdown: { ...DEFAULTS.shutdown, gracefulDelayMs: 0 } })],
    ['ROUTER_GRACEFUL_SHUTDOWN_DELAY', '1m30s', withDefaults({ shutdown: { ...DEFAULTS.shutdown, gracefulDelayMs: 90_000 } })],
    ['ROUTER_MAX_SHUTDOWN_TIMEOUT', '5', withDefaults({ shutdown: { ...DEFAULTS.shutdown, drainTimeoutMs: 5000 } })],
    ['ROUTER_MAX_SHUTDOWN_TIMEOUT', '0', withDefaults({ shutdown: { ...DEFAULTS.shutdown, drainTimeoutMs: 0 } })],
    ['ROUTER_STRICT_SNI', 'true', withTls({ strictSni: true })],
    ['ROUTER_CIPHERS', 'modern', withTls({ ciphers: resolveCiphersOrThrow('modern') })],
    ['SSL_MIN_VERSION', 'TLSv1.3', withTls({ minVersion: 'TLSv1.3' })],
    ['SSL_MAX_VERSION', 'TLSv1.2', withTls({ maxVersion: 'TLSv1.2' })],
    ['ROUTER_CIPHERSUITES', 'TLS_AES_128_GCM_SHA256', withTls({ ciphersuites: 'TLS_AES_128_GCM_SHA256' })],
    ['ROUTER_DISABLE_HTTP2', 'true', withTls({ http2: false })],
    ['DEFAULT_CERTIFICATE_DIR', '/d', withTls({ defaultCertificate: { kind: 'dir', dir: '/d' } })],
  ])('%s=%s', (variable, value, expected) => {
    expect(options([], { [variable]: value })).toEqual(expected);
  });

  test.each<[string, readonly string[], Env, Partial<RouterOptions>]>([
    ['command line beats env (space form)', ['--http-port', '81'], { ROUTER_SERVICE_HTTP_PORT: '82' }, { httpPort: 81 }],
    ['command line beats env (= form)', ['--interval=1s'], { RELOAD_INTERVAL: '9s' }, { intervalMs: 1000 }],
    ['env beats default', [], { ROUTER_SERVICE_NAME: 'x' }, { routerName: 'x' }],
    ['an invalid env value is irrelevant when the flag is given', ['--http-port=81'], { ROUTER_SERVICE_HTTP_PORT: 'nope' }, { httpPort: 81 }],
  ])('%s', (_name, argv, env, expected) => {
    expect(options(argv, env)).toEqual(withDefaults(expected));
  });

  test.each(['1', 't', 'TRUE', 'False', '0'])('booleans from env use Go syntax: ROUTER_SHUTDOWN=%s', (value) => {
    expect(options([], { ROUTER_SHUTDOWN: value })).toEqual(DEFAULTS);
  });

  test('KUBECONFIG and KUBERNETES_MASTER are ignored once --manifests is chosen', () => {
    const env = { KUBECONFIG: '/home/me/.kube/config', KUBERNETES_MASTER: 'https://api:6443' };
    expect(options(['--manifests=/m'], env).source).toEqual({ kind: 'manifests', dir: '/m' });
    expect(options([], { ...env, ROUTER_MANIFESTS_DIR: '/m' }).source).toEqual({ kind: 'manifests', dir: '/m' });
  });

  test('without --manifests, KUBECONFIG selects the Kubernetes source', () => {
    expect(options([], { KUBECONFIG: '/home/me/.kube/config' }).source).toEqual({
      ...KUBE_SOURCE,
      connection: { ...KUBE_SOURCE.connection, server: undefined, kubeconfig: '/home/me/.kube/config' },
    });
  });
});

describe('validation errors', () => {
  test.each<[string, readonly string[], Env, string[]]>([
    ['port 0', ['--http-port=0'], {}, ['--http-port: invalid value "0" (want an integer from 1 to 65535)']],
    [
      'the two runtime-update switches disagreeing',
      ['--runtime-updates=false'],
      { ROUTER_HAPROXY_CONFIG_MANAGER: 'true' },
      ['--haproxy-config-manager and --runtime-updates are the same switch and disagree'],
    ],
    ['a commit interval under a second', ['--commit-interval=500ms'], {}, ['--commit-interval: invalid duration "500ms" (want at least 1000ms)']],
    ['port too big', ['--https-port', '65536'], {}, ['--https-port: invalid value "65536" (want an integer from 1 to 65535)']],
    [
      'port from env',
      [],
      { ROUTER_SERVICE_HTTP_PORT: 'http' },
      ['--http-port (from env ROUTER_SERVICE_HTTP_PORT): invalid value "http" (want an integer from 1 to 65535)'],
    ],
    ['equal ports', ['--http-port=8080', '--https-port=8080'], {}, ['--http-port and --https-port must differ (both are 8080)']],
    ['max connections 0', ['--max-connections=0'], {}, ['--max-connections: invalid value "0" (want an integer >= 1)']],
    ['duration without unit', ['--interval=5'], {}, ['--interval: invalid duration "5" (want e.g. 300ms, 5s, 1m30s)']],
    ['negative duration', ['--interval', '-1s'], {}, ['--interval: invalid duration "-1s" (want at least 0ms)']],
    ['duration from env', [], { RELOAD_INTERVAL: 'soon' }, ['--interval (from env RELOAD_INTERVAL): invalid duration "soon" (want e.g. 300ms, 5s, 1m30s)']],
    [
      'haproxy time 0',
      [],
      { ROUTER_DEFAULT_CLIENT_TIMEOUT: '0' },
      ['ROUTER_DEFAULT_CLIENT_TIMEOUT: invalid time "0" (want HAProxy time syntax [1-9][0-9]*(us|ms|s|m|h|d)?, e.g. 5s)'],
    ],
    [
      'haproxy time with a Go unit',
      [],
      { ROUTER_HARD_STOP_AFTER: '1m30s' },
      ['ROUTER_HARD_STOP_AFTER: invalid time "1m30s" (want HAProxy time syntax [1-9][0-9]*(us|ms|s|m|h|d)?, e.g. 5s)'],
    ],
    ['shutdown timeout with a unit (upstream: whole seconds)', [], { ROUTER_MAX_SHUTDOWN_TIMEOUT: '30s' }, ['ROUTER_MAX_SHUTDOWN_TIMEOUT: invalid value "30s" (want an integer >= 0)']],
    ['negative graceful delay', [], { ROUTER_GRACEFUL_SHUTDOWN_DELAY: '-1s' }, ['ROUTER_GRACEFUL_SHUTDOWN_DELAY: invalid duration "-1s" (want at least 0ms)']],
    ['threads 0', [], { ROUTER_THREADS: '0' }, ['ROUTER_THREADS: invalid value "0" (want an integer >= 1)']],
    ['buffer size not an integer', [], { ROUTER_BUF_SIZE: '32k' }, ['ROUTER_BUF_SIZE: invalid value "32k" (want an integer >= 1)']],
    [
      'unknown balance algorithm',
      [],
      { ROUTER_LOAD_BALANCE_ALGORITHM: 'first' },
      ['ROUTER_LOAD_BALANCE_ALGORITHM: invalid value "first" (want one of roundrobin, leastconn, source, random)'],
    ],
    [
      'a cookie name that would break the cookie line',
      [],
      { ROUTER_COOKIE_NAME: 'a b;c' },
      [`ROUTER_COOKIE_NAME: invalid value "a b;c" (want letters, digits, '_' and '-' only)`],
    ],
    ['unknown log format', ['--log-format=xml'], {}, ['--log-format: invalid value "xml" (want one of pretty, json)']],
    [
      'unknown log level',
      [],
      { ROUTER_LOGLEVEL: 'verbose' },
      ['--loglevel (from env ROUTER_LOGLEVEL): invalid value "verbose" (want one of silent, error, warn, info, debug, trace)'],
    ],
    ['negative klog verbosity', ['--v=-1'], {}, ['--v: invalid value "-1" (want an integer >= 0)']],
    ['bad bind address', ['--bind-address=localhost'], {}, ['--bind-address: invalid value "localhost" (want an IPv4 or IPv6 address)']],
    ['empty string value', ['--template='], {}, ['--template: must not be empty']],
    ['bad boolean', ['--enable-ingress=yes'], {}, [expect.stringContaining('--enable-ingress: invalid boolean "yes"')] as never],
    ['bad boolean in env', [], { ROUTER_SHUTDOWN: 'yes' }, [expect.stringContaining('ROUTER_SHUTDOWN: invalid boolean "yes"')] as never],
    ['unknown long flag', ['--bogus'], {}, ['unknown flag --bogus']],
    ['unknown flag with a value', ['--bogus=1'], {}, ['unknown flag --bogus']],
    ['no --no- negation, as in pflag', ['--no-enable-ingress'], {}, ['unknown flag --no-enable-ingress']],
    ['camelCase is not an alias', ['--httpPort=8080'], {}, ['unknown flag --httpPort']],
    ['unknown shorthand', ['-x'], {}, ['unknown flag -x']],
    ['help is not an option', ['--help'], {}, ['unknown flag --help']],
    ['missing value', ['--http-port'], {}, ['flag needs an argument: --http-port']],
    ['positional', ['serve'], {}, ['unexpected argument "serve": router takes flags only']],
    ['boolean does not take the next argument', ['--enable-ingress', 'false'], {}, ['unexpected argument "false": router takes flags only']],
    ['after --', ['--', '--http-port=1'], {}, ['unexpected argument "--http-port=1": router takes flags only']],
    ['--reload', ['--reload', '/var/lib/haproxy/reload-haproxy'], {}, ['--reload is not used: router embeds its reload logic']],
    ['RELOAD_SCRIPT', [], { RELOAD_SCRIPT: '/x' }, ['--reload (from env RELOAD_SCRIPT) is not used: router embeds its reload logic']],
    ['unimplemented boolean', ['--allow-external-certificates'], {}, ['--allow-external-certificates is not implemented yet (issue #4)']],
    ['unimplemented flag set to false', ['--allow-external-certificates=false'], {}, ['--allow-external-certificates is not implemented yet (issue #4)']],
    ['unimplemented connection flag', ['--as=bob'], {}, ['--as is not implemented yet']],
    ['unimplemented via env', [], { ROUTER_ENABLE_EXTERNAL_CERTIFICATE: 'true' }, ['--allow-external-certificates (from env ROUTER_ENABLE_EXTERNAL_CERTIFICATE) is not implemented yet (issue #4)']],
    ['--override-hostname without a template', ['--override-hostname'], {}, ['--override-hostname requires --hostname-template']],
    ['a working dir haproxy.config could not quote', ['--working-dir=/var/lib/my router'], {}, ['--working-dir: "/var/lib/my router" must not contain whitespace, quotes, backslashes or \'#\'']],
    ['manifests and a connection', ['--manifests=/m', '--server=https://a:6443'], {}, ['--manifests and a Kubernetes connection (--server, --config, ...) exclude each other']],
    ['selection without a connection', ['--namespace=a'], {}, ['--namespace needs a Kubernetes connection (--server or --config)']],
    ['namespace labels with a namespace', ['--server=https://a:6443', '--namespace=a', '--namespace-labels=x=y'], {}, ['--namespace-labels excludes --namespace']],
    ['canonical hostname that is an IP', ['--router-canonical-hostname=10.0.0.1'], {}, ['--router-canonical-hostname: invalid value "10.0.0.1" (want a DNS-1123 host name, not an IP address)']],
    ['bad cipher list', ['--ciphers=ALL;bind :1'], {}, ['--ciphers: invalid value "ALL;bind :1" (want modern, intermediate, old or an OpenSSL cipher list)']],
    ['bad TLS version', [], { SSL_MIN_VERSION: 'SSLv3' }, ['SSL_MIN_VERSION: invalid value "SSLv3" (want one of TLSv1.0, TLSv1.1, TLSv1.2, TLSv1.3)']],
    ['bad cipher suites', [], { ROUTER_CIPHERSUITES: 'TLS_AES_128_GCM_SHA256 x' }, ['ROUTER_CIPHERSUITES: invalid value "TLS_AES_128_GCM_SHA256 x" (want a colon-separated list of TLS 1.3 cipher suites)']],
    ['unimplemented env-only variable', [], { ROUTER_SYSLOG_ADDRESS: '/dev/log' }, ['ROUTER_SYSLOG_ADDRESS is not implemented yet']],
    ['Kubernetes flags with --manifests', ['--manifests=/m', '--config=/k'], {}, ['--manifests and a Kubernetes connection (--server, --config, ...) exclude each other']],
  ])('%s', (_name, argv, env, expected) => {
    expect(errors(argv, env)).toEqual(expected);
  });

  test('every error is reported, not just the first', () => {
    const all = errors(['--bogus', '--http-port=0', '--allow-external-certificates', 'extra'], {
      ROUTER_DEFAULT_CONNECT_TIMEOUT: 'x',
      ROUTER_SYSLOG_ADDRESS: '/dev/log',
    });
    expect(all).toHaveLength(6);
    expect(all).toEqual(
      expect.arrayContaining([
        'unknown flag --bogus',
        'unexpected argument "extra": router takes flags only',
        '--http-port: invalid value "0" (want an integer from 1 to 65535)',
        '--allow-external-certificates is not implemented yet (issue #4)',
        expect.stringContaining('ROUTER_DEFAULT_CONNECT_TIMEOUT: invalid time "x"'),
        'ROUTER_SYSLOG_ADDRESS is not implemented yet',
      ]),
    );
  });
});

describe('every not-yet-implemented setting is refused with its issue', () => {
  const planned = FLAGS.filter((f) => !f.implemented);

  test.each(planned.map((f) => [f.name, f] as const))('%s on the command line', (name, flag) => {
    expect(errors(sampleArgv(flag))).toEqual([`${name} is ${flag.implemented ? '' : plannedText(flag.issue)}`]);
  });

  test.each(planned.flatMap((f) => (f.env ?? []).map((variable) => [variable, f] as const)))('%s in the environment', (variable, flag) => {
    expect(errors([], { [variable]: 'x' })).toEqual([
      expect.stringMatching(new RegExp(`^${flag.name} \\(from env ${variable}\\) is not implemented yet`)),
    ]);
  });

  test.each(ENV_SETTINGS.filter((s) => !s.implemented).map((s) => [s.name, s] as const))('%s', (name, setting) => {
    expect(errors([], { [name]: 'x' })).toEqual([`${name} is ${setting.implemented ? '' : plannedText(setting.issue)}`]);
  });
});

describe('tables', () => {
  test('every spelling and every variable belongs to exactly one setting', () => {
    const spellings = FLAGS.flatMap((f) => [f.name, ...(f.aliases ?? [])]);
    const variables = [...FLAGS.flatMap((f) => f.env ?? []), ...ENV_SETTINGS.map((s) => s.name)];
    expect(new Set(spellings).size).toBe(spellings.length);
    expect(new Set(variables).size).toBe(variables.length);
    for (const spelling of spellings) expect(spelling).toMatch(/^(-[a-zA-Z]|--[a-z][a-z0-9-]*)$/);
  });

  test('enums list their choices', () => {
    for (const spec of [...FLAGS, ...ENV_SETTINGS]) if (spec.type === 'enum') expect(spec.choices?.length).toBeGreaterThan(0);
  });

  test('the openshift-router surface and our own flags are all present', () => {
    const spellings = new Set<string>(FLAGS.flatMap((f) => [f.name, ...(f.aliases ?? [])]));
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
      '--manifests', '--http-port', '--https-port', '--haproxy-binary', '--log-format', '--loglevel',
    ]; // prettier-ignore
    expect(required.filter((spelling) => !spellings.has(spelling))).toEqual([]);
  });

  test('every section 2 environment variable is listed', () => {
    const variables = new Set([...FLAGS.flatMap((f) => f.env ?? []), ...ENV_SETTINGS.map((s) => s.name)]);
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

describe('helpText', () => {
  const help = helpText();
  const lines = help.split('\n');

  /** The heading line of a setting and the two indented lines under it. */
  function entry(heading: RegExp): string {
    const at = lines.findIndex((line) => heading.test(line));
    expect(at).toBeGreaterThanOrEqual(0);
    return lines.slice(at, at + 3).join('\n');
  }

  test.each(FLAGS.map((f) => [f.name, f] as const))('documents %s', (name, flag) => {
    const text = entry(new RegExp(`^  (-\\w, )?${name}(,| |$)`));
    for (const alias of flag.aliases ?? []) expect(text).toContain(alias);
    for (const variable of flag.env ?? []) expect(text).toContain(variable);
    if (flag.default !== undefined) expect(text).toContain(`default ${flag.default}`);
    if (!flag.implemented) expect(text).toContain(plannedText(flag.issue));
  });

  test.each(ENV_SETTINGS.map((s) => [s.name, s] as const))('documents %s', (name, setting) => {
    const text = entry(new RegExp(`^  ${name}=`));
    if (setting.default !== undefined) expect(text).toContain(`default ${setting.default}`);
    if (!setting.implemented) expect(text).toContain(plannedText(setting.issue));
  });

  test('groups appear in order', () => {
    const headings = lines.filter((line) => /^[A-Za-z][A-Za-z& ]*:$/.test(line) && line !== 'Usage:');
    expect(headings).toEqual([
      'Routing sources:',
      'Selection & admission:',
      'haproxy:',
      'TLS:',
      'Stats & metrics:',
      'Logging:',
      'Kubernetes connection:',
    ]);
  });

  test('refused and ignored flags say so', () => {
    expect(entry(/^  --reload /)).toContain('refused: router embeds its reload logic');
    expect(entry(/^  --enable-ingress$/)).toContain('accepted and ignored');
  });
});
