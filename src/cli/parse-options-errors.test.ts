import { describe, expect, test } from 'bun:test';
import { ENV_ENTRIES, FLAG_ENTRIES } from './flags.ts';
import { parseOptions } from './parse-options.ts';
import { plannedText, type FlagSpec } from './table/spec.ts';

type Env = Record<string, string | undefined>;

function errors(argv: readonly string[], env: Env = {}): string[] {
  const result = parseOptions(argv, env);
  if (result.ok) throw new Error('expected errors, got options');
  return result.errors;
}

/** A value each flag type accepts, for flags whose value does not matter to the test (but not openshift-router's own). */
function sampleArgv(name: string, flag: FlagSpec): string[] {
  if (flag.type === 'boolean') return flag.upstream?.values.includes('true') ? [`${name}=false`] : [name];
  return [name, flag.type === 'int' ? '1' : 'x'];
}

describe('validation errors', () => {
  test.each<[string, readonly string[], Env, string[]]>([
    ['--token beside --token-file', ['--server=https://a:6443', '--token=t', '--token-file=/t'], {}, ['--token and --token-file (ROUTER_TOKEN_FILE) exclude each other']],
    ['--token beside ROUTER_TOKEN_FILE', ['--server=https://a:6443', '--token=t'], { ROUTER_TOKEN_FILE: '/t' }, ['--token and --token-file (ROUTER_TOKEN_FILE) exclude each other']],
    ['port 0', ['--http-port=0'], {}, ['--http-port: invalid value "0" (want an integer from 1 to 65535)']],
    [
      'the two runtime-update switches disagreeing',
      ['--runtime-updates=false'],
      { ROUTER_HAPROXY_CONFIG_MANAGER: 'true' },
      ['--haproxy-config-manager and --runtime-updates are the same switch and disagree'],
    ],
    ['a commit interval under a second', ['--commit-interval=500ms'], {}, ['--commit-interval: invalid duration "500ms" (want at least 1000ms)']],
    [
      'a ticket key interval under a second',
      [],
      { ROUTER_TLS_TICKET_KEY_INTERVAL: '10ms' },
      ['--tls-ticket-key-interval (from env ROUTER_TLS_TICKET_KEY_INTERVAL): invalid duration "10ms" (want at least 1000ms)'],
    ],
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
    ['a class controller without --enable-ingress', ['--ingress-class-controller=example.com/x'], {}, ['--ingress-class-controller needs --enable-ingress']],
    [
      'a class controller no IngressClass can name',
      ['--enable-ingress'],
      { ROUTER_INGRESS_CLASS_CONTROLLER: 'a b' },
      ['--ingress-class-controller: invalid value "a b" (want a domain-prefixed path such as example.com/ingress-controller)'],
    ],
    ['a controller name without --enable-gateway-api', ['--gateway-controller-name=example.com/x'], {}, ['--gateway-controller-name needs --enable-gateway-api']],
    [
      'a controller name no GatewayClass can name',
      ['--enable-gateway-api'],
      { ROUTER_GATEWAY_CONTROLLER_NAME: 'example.com' },
      ['--gateway-controller-name: invalid value "example.com" (want DOMAIN/PATH, as a GatewayClass\'s spec.controllerName, such as example.com/gateway-controller)'],
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
    ['--reload', ['--reload', '/usr/local/bin/reload-haproxy'], {}, ['--reload is not used: router embeds its reload logic']],
    ['RELOAD_SCRIPT', [], { RELOAD_SCRIPT: '/x' }, ['--reload (from env RELOAD_SCRIPT) is not used: router embeds its reload logic']],
    ['unimplemented boolean', ['--disable-compression'], {}, ['--disable-compression is not implemented yet (left for later, no issue planned)']],
    ['unimplemented connection flag', ['--as=bob'], {}, ['--as is not implemented yet (left for later, no issue planned)']],
    ['unimplemented via env', [], { ROUTER_METRICS_HAPROXY_PID_FILE: '/run/other.pid' }, ['ROUTER_METRICS_HAPROXY_PID_FILE is not implemented yet (left for later, no issue planned)']],
    ['--override-hostname without a template', ['--override-hostname'], {}, ['--override-hostname requires --hostname-template']],
    ['a working dir haproxy.config could not quote', ['--working-dir=/var/lib/my router'], {}, ['--working-dir: "/var/lib/my router" must not contain whitespace, quotes, backslashes or \'#\'']],
    ['manifests and a connection', ['--manifests=/m', '--server=https://a:6443'], {}, ['--manifests and a Kubernetes connection (--server, --config, ...) exclude each other']],
    ['selection without a connection', ['--namespace=a'], {}, ['--namespace needs a Kubernetes connection (--server or --config)']],
    [
      'bad endpoint CIDRs',
      ['--server=https://a:6443', '--endpoint-cidrs=010.0.0.0/8,10.0.0.1/8,fd00::/129,::ffff:10.0.0.0/104,10.0.0.0'],
      {},
      [
        '--endpoint-cidrs: invalid CIDR "010.0.0.0/8" (want e.g. 10.128.0.0/14 or fd00::/48)',
        '--endpoint-cidrs: "10.0.0.1/8" has bits set past its prefix (did you mean 10.0.0.0/8?)',
        '--endpoint-cidrs: "fd00::/129": the prefix length is at most 128',
        '--endpoint-cidrs: "::ffff:10.0.0.0/104": write IPv4-mapped ranges as IPv4 CIDRs',
        '--endpoint-cidrs: invalid CIDR "10.0.0.0" (want e.g. 10.128.0.0/14 or fd00::/48)',
      ],
    ],
    ['bad endpoint CIDRs in the environment', ['--server=https://a:6443'], { ROUTER_ENDPOINT_CIDRS: '10.0.0.0/33' }, ['--endpoint-cidrs: "10.0.0.0/33": the prefix length is at most 32']],
    [
      'endpoint rules without a connection',
      ['--allow-host-endpoints=false', '--endpoint-cidrs=10.0.0.0/8'],
      {},
      [
        "--allow-host-endpoints applies to endpoints from the API; the manifest directory's are trusted",
        "--endpoint-cidrs applies to endpoints from the API; the manifest directory's are trusted",
      ],
    ],
    ['namespace labels with a namespace', ['--server=https://a:6443', '--namespace=a', '--namespace-labels=x=y'], {}, ['--namespace-labels excludes --namespace']],
    ['canonical hostname that is an IP', ['--router-canonical-hostname=10.0.0.1'], {}, ['--router-canonical-hostname: invalid value "10.0.0.1" (want a DNS-1123 host name, not an IP address)']],
    ['bad cipher list', ['--ciphers=ALL;bind :1'], {}, ['--ciphers: invalid value "ALL;bind :1" (want modern, intermediate, old or an OpenSSL cipher list)']],
    ['bad TLS version', [], { SSL_MIN_VERSION: 'SSLv3' }, ['SSL_MIN_VERSION: invalid value "SSLv3" (want one of TLSv1.0, TLSv1.1, TLSv1.2, TLSv1.3)']],
    ['bad cipher suites', [], { ROUTER_CIPHERSUITES: 'TLS_AES_128_GCM_SHA256 x' }, ['ROUTER_CIPHERSUITES: invalid value "TLS_AES_128_GCM_SHA256 x" (want a colon-separated list of TLS 1.3 cipher suites)']],
    ['unimplemented env-only variable', [], { ROUTER_HAPROXY_ADMIN_UNIX_SOCKET: '/run/haproxy/admin.sock' }, ['ROUTER_HAPROXY_ADMIN_UNIX_SOCKET is not implemented yet (left for later, no issue planned)']],
    ['Kubernetes flags with --manifests', ['--manifests=/m', '--config=/k'], {}, ['--manifests and a Kubernetes connection (--server, --config, ...) exclude each other']],
  ])('%s', (_name, argv, env, expected) => {
    expect(errors(argv, env)).toEqual(expected);
  });

  test('every error is reported, not just the first', () => {
    const all = errors(['--bogus', '--http-port=0', '--as=bob', 'extra'], {
      ROUTER_DEFAULT_CONNECT_TIMEOUT: 'x',
      ROUTER_HAPROXY_ADMIN_UNIX_SOCKET: '/run/haproxy/admin.sock',
    });
    expect(all).toHaveLength(6);
    expect(all).toEqual(
      expect.arrayContaining([
        'unknown flag --bogus',
        'unexpected argument "extra": router takes flags only',
        '--http-port: invalid value "0" (want an integer from 1 to 65535)',
        '--as is not implemented yet (left for later, no issue planned)',
        expect.stringContaining('ROUTER_DEFAULT_CONNECT_TIMEOUT: invalid time "x"'),
        'ROUTER_HAPROXY_ADMIN_UNIX_SOCKET is not implemented yet (left for later, no issue planned)',
      ]),
    );
  });
});

describe('every not-yet-implemented setting is refused with its issue', () => {
  const planned = FLAG_ENTRIES.flatMap(([name, f]) => (f.issue === undefined ? [] : [[name, f, f.issue] as const]));

  test.each(planned)('%s on the command line', (name, flag, issue) => {
    expect(errors(sampleArgv(name, flag))).toEqual([`${name} is ${plannedText(issue)}`]);
  });

  test.each(planned.flatMap(([name, flag]) => (flag.env ?? []).map((variable) => [variable, name] as const)))('%s in the environment', (variable, name) => {
    expect(errors([], { [variable]: 'x' })).toEqual([
      expect.stringMatching(new RegExp(`^${name} \\(from env ${variable}\\) is not implemented yet`)),
    ]);
  });

  test.each(ENV_ENTRIES.flatMap(([name, s]) => (s.issue === undefined ? [] : [[name, s.issue] as const])))('%s', (name, issue) => {
    expect(errors([], { [name]: 'x' })).toEqual([`${name} is ${plannedText(issue)}`]);
  });
});
