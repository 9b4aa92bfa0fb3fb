import { describe, expect, test } from 'bun:test';
import {
  DEFAULT_OPTIONS as DEFAULTS,
  KUBE_SOURCE,
  resolveCiphersOrThrow,
  withAdmission,
  withDefaults,
  withHaproxy,
  withListen,
  withOperatorTls,
  withTimeouts,
  withTls,
} from '../../test/support/router-options.ts';
import { parseCidr, type Cidr } from '../domain/cidr.ts';
import type { RouterOptions } from '../options.ts';
import { ENV_ENTRIES, FLAG_ENTRIES } from './flags.ts';
import { parseOptions } from './parse-options.ts';

type Env = Record<string, string | undefined>;

const DEFAULT_CERTIFICATE_WARNING =
  '--default-certificate is on the command line, where every user of this host can read it (ps): its private key too; use --default-certificate-path, --default-certificate-dir or DEFAULT_CERTIFICATE';

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.cidr;
}

function options(argv: readonly string[], env: Env = {}): RouterOptions {
  const result = parseOptions(argv, env);
  if (!result.ok) throw new Error(`unexpected errors: ${result.errors.join(' | ')}`);
  return result.options;
}

describe('defaults', () => {
  test('no flags and an empty environment give the documented defaults', () => {
    expect(options([], {})).toEqual(DEFAULTS);
  });

  test('empty environment variables count as unset', () => {
    const env = Object.fromEntries([...FLAG_ENTRIES.flatMap(([, f]) => f.env ?? []), ...ENV_ENTRIES.map(([n]) => n)].map((n) => [n, '']));
    expect(options([], env)).toEqual(DEFAULTS);
  });
});

describe('implemented flags', () => {
  test.each<[string, readonly string[], RouterOptions]>([
    ['--manifests DIR', ['--manifests', '/srv/routes'], withDefaults({ source: { kind: 'manifests', dir: '/srv/routes' } })],
    ['--manifests=DIR', ['--manifests=/srv/routes'], withDefaults({ source: { kind: 'manifests', dir: '/srv/routes' } })],
    ['--http-port', ['--http-port', '8080'], withListen({ httpPort: 8080 })],
    ['--https-port=', ['--https-port=8443'], withListen({ httpsPort: 8443 })],
    ['ports at the bounds', ['--http-port=1', '--https-port=65535'], withListen({ httpPort: 1, httpsPort: 65535 })],
    ['--bind-address v4', ['--bind-address', '127.0.0.1'], withListen({ bindAddress: '127.0.0.1' })],
    ['--bind-address v6', ['--bind-address=::1'], withListen({ bindAddress: '::1' })],
    ['--working-dir', ['--working-dir', '/tmp/wd'], withDefaults({ workingDir: '/tmp/wd' })],
    ['--haproxy-binary', ['--haproxy-binary=/usr/sbin/haproxy'], withDefaults({ haproxyBinary: '/usr/sbin/haproxy' })],
    ['--template', ['--template', '/etc/router/custom.eta'], withDefaults({ templatePath: '/etc/router/custom.eta' })],
    ['--interval 100ms', ['--interval', '100ms'], withDefaults({ intervalMs: 100 })],
    ['--commit-interval', ['--commit-interval=10m'], withDefaults({ commitIntervalMs: 600_000 })],
    ["upstream's --haproxy-config-manager sets --runtime-updates", ['--haproxy-config-manager=false'], withDefaults({ runtimeUpdates: false })],
    ['the two switches agreeing', ['--haproxy-config-manager', '--runtime-updates=true'], withDefaults({ runtimeUpdates: true })],
    ['--interval=1m30s', ['--interval=1m30s'], withDefaults({ intervalMs: 90_000 })],
    ['--interval=0', ['--interval=0'], withDefaults({ intervalMs: 0 })],
    ['--max-connections', ['--max-connections', '20000'], withHaproxy({ maxConnections: 20000 })],
    ['--name', ['--name', 'internal'], withDefaults({ routerName: 'internal' })],
    ['--enable-ingress: upstream\'s controller name', ['--enable-ingress'], withDefaults({ ingress: { classController: 'openshift.io/ingress-to-route' } })],
    ['--enable-ingress=false', ['--enable-ingress=false'], DEFAULTS],
    ['--ingress-class-controller', ['--enable-ingress', '--ingress-class-controller=example.com/router'], withDefaults({ ingress: { classController: 'example.com/router' } })],
    ['--enable-gateway-api: the documented controller name', ['--enable-gateway-api'], withDefaults({ gatewayApi: { controllerName: 'router.openshift.io/gateway-controller' } })],
    ['--enable-gateway-api=false', ['--enable-gateway-api=false'], DEFAULTS],
    ['--gateway-controller-name', ['--enable-gateway-api', '--gateway-controller-name=example.com/gateways/v1'], withDefaults({ gatewayApi: { controllerName: 'example.com/gateways/v1' } })],
    ['--log-format', ['--log-format', 'json'], withDefaults({ logFormat: 'json' })],
    ['--loglevel', ['--loglevel=debug'], withDefaults({ logLevel: 'debug' })],
    ['--loglevel silent', ['--loglevel', 'silent'], withDefaults({ logLevel: 'silent' })],
    ['the last of a repeated flag wins', ['--http-port=81', '--http-port', '82'], withListen({ httpPort: 82 })],
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
        warnings: ['--token is on the command line, where every user of this host can read it (ps): use --token-file (ROUTER_TOKEN_FILE) or a kubeconfig'],
      }),
    ],
    [
      '--token-file',
      ['--server=https://api.example:6443', '--token-file=/run/secrets/token'],
      withDefaults({ source: { ...KUBE_SOURCE, connection: { ...KUBE_SOURCE.connection, tokenFile: '/run/secrets/token' } } }),
    ],
    ['-n shorthand', ['--server=https://api.example:6443', '-n', 'apps'], withDefaults({ source: { ...KUBE_SOURCE, namespace: 'apps' } })],
    [
      'endpoint rules',
      ['--server=https://api.example:6443', '--allow-host-endpoints', '--endpoint-cidrs=10.128.0.0/14, fd00:10::/48', '--endpoint-cidrs=192.168.7.0/24'],
      withDefaults({ source: { ...KUBE_SOURCE, allowHostEndpoints: true, endpointCidrs: ['10.128.0.0/14', 'fd00:10::/48', '192.168.7.0/24'].map(cidr) } }),
    ],
    [
      '--allow-external-certificates=false',
      ['--server=https://api.example:6443', '--allow-external-certificates=false'],
      withDefaults({ source: { ...KUBE_SOURCE, externalCertificates: false } }),
    ],
    ['--update-status=false', ['--update-status=false'], withDefaults({ status: { ...DEFAULTS.status, update: false } })],
    ['--router-canonical-hostname', ['--router-canonical-hostname=router.example.com'], withDefaults({ status: { ...DEFAULTS.status, canonicalHostname: 'router.example.com' } })],
    ['--resync-interval', ['--resync-interval=10m'], withDefaults({ status: { ...DEFAULTS.status, contentionWindowMs: 60_000 } })],
    ['--ciphers modern', ['--ciphers=modern'], withTls({ ciphers: resolveCiphersOrThrow('modern') })],
    ['--ciphers old lowers the DH size', ['--ciphers=old'], withTls({ ciphers: resolveCiphersOrThrow('old'), dhParamBits: 1024 })],
    ['--ciphers LIST', ['--ciphers=ECDHE-RSA-AES128-GCM-SHA256:!aNULL'], withTls({ ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:!aNULL' })],
    [
      '--default-certificate',
      ['--default-certificate=PEMTEXT'],
      { ...withOperatorTls({ defaultCertificate: { kind: 'pem', pem: 'PEMTEXT' } }), warnings: [DEFAULT_CERTIFICATE_WARNING] },
    ],
    ['--tls-ticket-key-interval', ['--tls-ticket-key-interval=15m'], withDefaults({ ticketKeyIntervalMs: 900_000 })],
    ['--default-certificate-path', ['--default-certificate-path=/c.pem'], withOperatorTls({ defaultCertificate: { kind: 'file', path: '/c.pem' } })],
    ['--default-certificate-dir', ['--default-certificate-dir=/d'], withOperatorTls({ defaultCertificate: { kind: 'dir', dir: '/d' } })],
    [
      'certificate contents win over path and dir',
      ['--default-certificate-dir=/d', '--default-certificate-path=/c.pem', '--default-certificate=X'],
      { ...withOperatorTls({ defaultCertificate: { kind: 'pem', pem: 'X' } }), warnings: [DEFAULT_CERTIFICATE_WARNING] },
    ],
    [
      '--default-destination-ca-path',
      ['--default-destination-ca-path=/ca.pem'],
      withOperatorTls({ defaultDestinationCaPath: '/ca.pem', defaultDestinationCaExplicit: true }),
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

  test.each([[['--max-dynamic-servers=3']], [['--logtostderr=false']]])(
    '%p is accepted and ignored, which is said once',
    (argv) => {
      const flag = argv[0]?.split('=')[0] ?? '';
      expect(options(argv)).toEqual({ ...DEFAULTS, notes: [expect.stringMatching(new RegExp(`^${flag} is ignored: `))] });
    },
  );
});

describe('environment fallbacks', () => {
  test.each<[string, string, RouterOptions]>([
    ['ROUTER_MANIFESTS_DIR', '/srv/m', withDefaults({ source: { kind: 'manifests', dir: '/srv/m' } })],
    ['ROUTER_SERVICE_HTTP_PORT', '10080', withListen({ httpPort: 10080 })],
    ['ROUTER_SERVICE_HTTPS_PORT', '10443', withListen({ httpsPort: 10443 })],
    ['ROUTER_BIND_ADDRESS', '127.0.0.1', withListen({ bindAddress: '127.0.0.1' })],
    ['ROUTER_HAPROXY_BINARY', '/opt/haproxy', withDefaults({ haproxyBinary: '/opt/haproxy' })],
    ['TEMPLATE_FILE', '/t.eta', withDefaults({ templatePath: '/t.eta' })],
    ['RELOAD_INTERVAL', '250ms', withDefaults({ intervalMs: 250 })],
    ['ROUTER_MAX_CONNECTIONS', '1000', withHaproxy({ maxConnections: 1000 })],
    ['ROUTER_SERVICE_NAME', 'sharded', withDefaults({ routerName: 'sharded' })],
    ['ROUTER_ENABLE_INGRESS', 'true', withDefaults({ ingress: { classController: 'openshift.io/ingress-to-route' } })],
    ['ROUTER_ENABLE_GATEWAY_API', 'true', withDefaults({ gatewayApi: { controllerName: 'router.openshift.io/gateway-controller' } })],
    ['ROUTER_LOG_FORMAT', 'json', withDefaults({ logFormat: 'json' })],
    ['ROUTER_LOGLEVEL', 'trace', withDefaults({ logLevel: 'trace' })],
    ['ROUTER_DEFAULT_CONNECT_TIMEOUT', '2s', withTimeouts({ connectMs: 2000 })],
    ['ROUTER_DEFAULT_CLIENT_TIMEOUT', '1m', withTimeouts({ clientMs: 60_000 })],
    ['ROUTER_CLIENT_FIN_TIMEOUT', '500ms', withTimeouts({ clientFinMs: 500 })],
    ['ROUTER_DEFAULT_SERVER_TIMEOUT', '45s', withTimeouts({ serverMs: 45_000 })],
    ['ROUTER_DEFAULT_SERVER_FIN_TIMEOUT', '2000', withTimeouts({ serverFinMs: 2000 })],
    ['ROUTER_SLOWLORIS_TIMEOUT', '20s', withTimeouts({ httpRequestMs: 20_000 })],
    ['ROUTER_SLOWLORIS_HTTP_KEEPALIVE', '60s', withTimeouts({ httpKeepAliveMs: 60_000 })],
    ['ROUTER_DEFAULT_TUNNEL_TIMEOUT', '2h', withTimeouts({ tunnelMs: 7_200_000 })],
    ['ROUTER_INSPECT_DELAY', '1s', withTimeouts({ inspectDelayMs: 1000 })],
    ['ROUTER_HARD_STOP_AFTER', '1d', withHaproxy({ hardStopAfterMs: 86_400_000 })],
    ['ROUTER_THREADS', '4', withHaproxy({ threads: 4 })],
    ['ROUTER_BUF_SIZE', '65536', withHaproxy({ bufSize: 65536 })],
    ['ROUTER_MAX_REWRITE_SIZE', '16384', withHaproxy({ maxRewrite: 16384 })],
    ['ROUTER_LOAD_BALANCE_ALGORITHM', 'leastconn', withHaproxy({ loadBalanceAlgorithm: 'leastconn', tcpBalanceAlgorithm: 'leastconn' })],
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
    ['DEFAULT_CERTIFICATE_DIR', '/d', withOperatorTls({ defaultCertificate: { kind: 'dir', dir: '/d' } })],
  ])('%s=%s', (variable, value, expected) => {
    expect(options([], { [variable]: value })).toEqual(expected);
  });

  test.each<[string, readonly string[], Env, RouterOptions]>([
    ['command line beats env (space form)', ['--http-port', '81'], { ROUTER_SERVICE_HTTP_PORT: '82' }, withListen({ httpPort: 81 })],
    ['command line beats env (= form)', ['--interval=1s'], { RELOAD_INTERVAL: '9s' }, withDefaults({ intervalMs: 1000 })],
    ['env beats default', [], { ROUTER_SERVICE_NAME: 'x' }, withDefaults({ routerName: 'x' })],
    ['an invalid env value is irrelevant when the flag is given', ['--http-port=81'], { ROUTER_SERVICE_HTTP_PORT: 'nope' }, withListen({ httpPort: 81 })],
  ])('%s', (_name, argv, env, expected) => {
    expect(options(argv, env)).toEqual(expected);
  });

  test.each(['1', 't', 'TRUE', 'False', '0'])('booleans from env use Go syntax: ROUTER_SHUTDOWN=%s', (value) => {
    expect(options([], { ROUTER_SHUTDOWN: value })).toEqual({ ...DEFAULTS, notes: [expect.stringMatching(/^ROUTER_SHUTDOWN is ignored: /)] });
  });

  test('KUBECONFIG and KUBERNETES_MASTER are ignored once --manifests is chosen', () => {
    const env = { KUBECONFIG: '/home/me/.kube/config', KUBERNETES_MASTER: 'https://api:6443' };
    expect(options(['--manifests=/m'], env).source).toEqual({ kind: 'manifests', dir: '/m' });
    expect(options([], { ...env, ROUTER_MANIFESTS_DIR: '/m' }).source).toEqual({ kind: 'manifests', dir: '/m' });
  });

  test('ROUTER_TOKEN_FILE names the token file, and selects the Kubernetes source as --token-file does', () => {
    expect(options(['--server=https://api.example:6443'], { ROUTER_TOKEN_FILE: '/t' }).source).toEqual({
      ...KUBE_SOURCE,
      connection: { ...KUBE_SOURCE.connection, tokenFile: '/t' },
    });
    expect(options([], { ROUTER_TOKEN_FILE: '/t' }).source).toEqual({
      ...KUBE_SOURCE,
      connection: { ...KUBE_SOURCE.connection, server: undefined, tokenFile: '/t' },
    });
  });

  test('secrets from the environment raise no warning; the same on the command line do', () => {
    const pem = '-----BEGIN PRIVATE KEY-----';
    expect(options(['--server=https://api.example:6443'], { DEFAULT_CERTIFICATE: pem }).warnings).toEqual([]);
    expect(options(['--server=https://api.example:6443', `--default-certificate=${pem}`]).warnings).toEqual([DEFAULT_CERTIFICATE_WARNING]);
    expect(options(['--server=https://api.example:6443', '--token-file=/t']).warnings).toEqual([]);
  });

  test('without --manifests, KUBECONFIG selects the Kubernetes source', () => {
    expect(options([], { KUBECONFIG: '/home/me/.kube/config' }).source).toEqual({
      ...KUBE_SOURCE,
      connection: { ...KUBE_SOURCE.connection, server: undefined, kubeconfig: '/home/me/.kube/config' },
    });
  });
});
