import { describe, expect, test } from 'bun:test';
import { DEFAULT_HTTP, DEFAULT_OPTIONS, withHaproxy, withHttp, withListen, withTls } from '../../test/support/router-options.ts';
import type { RouterOptions } from '../options.ts';
import { parseOptions } from './parse-options.ts';

type Env = Record<string, string>;

function parse(argv: readonly string[], env: Env): RouterOptions | string[] {
  const result = parseOptions(argv, env);
  return result.ok ? result.options : result.errors;
}

const CLIENT = { verify: 'required', caFile: '/etc/router/client-ca.pem', crlFile: undefined, subjectFilter: undefined } as const;

describe('traffic settings: each value as typed', () => {
  test.each<[string, readonly string[], Env, RouterOptions]>([
    ['PROXY protocol', [], { ROUTER_USE_PROXY_PROTOCOL: 'true' }, withListen({ proxyProtocol: true })],
    ['IPv6 binds', [], { ROUTER_IP_V4_V6_MODE: 'v6' }, withListen({ ipMode: 'v6' })],
    ['both families', [], { ROUTER_IP_V4_V6_MODE: 'v4v6' }, withListen({ ipMode: 'v4v6' })],
    ['an IPv6 bind address in IPv6 mode', ['--bind-address=::1'], { ROUTER_IP_V4_V6_MODE: 'v6' }, withListen({ bindAddress: '::1', ipMode: 'v6' })],
    ['forwarded headers replaced', [], { ROUTER_SET_FORWARDED_HEADERS: 'replace' }, withHttp({ forwardedHeaders: 'replace' })],
    ['forwarded headers if none', [], { ROUTER_SET_FORWARDED_HEADERS: 'if-none' }, withHttp({ forwardedHeaders: 'if-none' })],
    ['forwarded headers never', [], { ROUTER_SET_FORWARDED_HEADERS: 'never' }, withHttp({ forwardedHeaders: 'never' })],
    ['compression of the default types', [], { ROUTER_ENABLE_COMPRESSION: 'true' }, withHttp({ compressionTypes: ['text/html', 'text/plain', 'text/css'] })],
    [
      'compression of given types',
      [],
      { ROUTER_ENABLE_COMPRESSION: 'True', ROUTER_COMPRESSION_MIME: ' application/json  image/svg+xml ' },
      withHttp({ compressionTypes: ['application/json', 'image/svg+xml'] }),
    ],
    ['contstats', [], { ROUTER_HAPROXY_CONTSTATS: '1' }, withHttp({ contStats: true })],
    ['abortonclose', [], { ROUTER_ABORT_ON_CLOSE: 'true' }, withHttp({ abortOnClose: true })],
    ['client X-SSL headers kept', [], { ROUTER_MUTUAL_TLS_HEADER_FILTER: 'false' }, withHttp({ stripClientSslHeaders: false })],
    ['header name case', [], { ROUTER_H1_CASE_ADJUST: 'X-Custom,WWW-Authenticate' }, withHttp({ h1CaseAdjust: ['X-Custom', 'WWW-Authenticate'] })],
    [
      'captures, by flag and by variable',
      ['--capture-http-request-headers=Host:90', '--capture-http-cookie=SESS=:40'],
      { ROUTER_CAPTURE_HTTP_RESPONSE_HEADERS: 'Content-Type:20' },
      withHttp({ capture: { request: [{ name: 'Host', maxLength: 90 }], response: [{ name: 'Content-Type', maxLength: 20 }], cookie: { name: 'SESS', exact: true, maxLength: 40 } } }),
    ],
    [
      'header actions',
      [],
      { ROUTER_HTTP_REQUEST_HEADERS: 'X-Env:prod:Set,X-Debug:Delete', ROUTER_HTTP_RESPONSE_HEADERS: 'X-Frame-Options:DENY:Set' },
      withHttp({
        headerActions: {
          request: [{ name: 'X-Env', action: 'Set', value: 'prod' }, { name: 'X-Debug', action: 'Delete' }],
          response: [{ name: 'X-Frame-Options', action: 'Set', value: 'DENY' }],
        },
      }),
    ],
    ['passthrough balance', [], { ROUTER_TCP_BALANCE_SCHEME: 'roundrobin' }, withHaproxy({ tcpBalanceAlgorithm: 'roundrobin' })],
    ['passthrough balance beside the HTTP one', [], { ROUTER_TCP_BALANCE_SCHEME: 'source', ROUTER_LOAD_BALANCE_ALGORITHM: 'leastconn' }, withHaproxy({ loadBalanceAlgorithm: 'leastconn' })],
    ['shuffled servers', [], { ROUTER_BACKEND_PROCESS_ENDPOINTS: 'shuffle' }, withHaproxy({ shuffleServers: true })],
    ['curves', [], { ROUTER_CURVES: 'X25519:P-256' }, withTls({ curves: 'X25519:P-256' })],
    ['client certificates required', [], { ROUTER_MUTUAL_TLS_AUTH: 'required', ROUTER_MUTUAL_TLS_AUTH_CA: CLIENT.caFile }, withTls({ clientCertificates: CLIENT })],
    [
      'client certificates optional, with CRLs and a filter',
      [],
      { ROUTER_MUTUAL_TLS_AUTH: 'optional', ROUTER_MUTUAL_TLS_AUTH_CA: CLIENT.caFile, ROUTER_MUTUAL_TLS_AUTH_CRL: '/etc/router/crl.pem', ROUTER_MUTUAL_TLS_AUTH_FILTER: '^/CN=app .+$' },
      withTls({ clientCertificates: { ...CLIENT, verify: 'optional', crlFile: '/etc/router/crl.pem', subjectFilter: '^/CN=app .+$' } }),
    ],
    ['error pages', [], { ROUTER_ERRORFILE_503: '/etc/router/503.http', ROUTER_ERRORFILE_404: '/etc/router/404.http' }, { ...DEFAULT_OPTIONS, errorPages: { page503: '/etc/router/503.http', page404: '/etc/router/404.http' } }],
  ])('%s', (_what, argv, env, want) => {
    expect(parse(argv, env)).toEqual(want);
  });

  test('openshift-router values that are the defaults here are the defaults, without a note', () => {
    const env = { ROUTER_USE_PROXY_PROTOCOL: 'false', ROUTER_IP_V4_V6_MODE: 'v4', ROUTER_SET_FORWARDED_HEADERS: 'append', ROUTER_MUTUAL_TLS_AUTH: 'none', ROUTER_MUTUAL_TLS_HEADER_FILTER: 'true' };
    expect(parse([], env)).toEqual(DEFAULT_OPTIONS);
    expect(DEFAULT_OPTIONS.http).toEqual(DEFAULT_HTTP);
  });

  test('settings that do nothing without another are noted, as upstream ignores them', () => {
    const result = parseOptions([], { ROUTER_COMPRESSION_MIME: 'text/html', ROUTER_MUTUAL_TLS_AUTH_CA: '/ca.pem' });
    expect(result.ok && result.options.notes).toEqual([
      'ROUTER_COMPRESSION_MIME has no effect without ROUTER_ENABLE_COMPRESSION=true (as in openshift-router)',
      'ROUTER_MUTUAL_TLS_AUTH_CA has no effect without ROUTER_MUTUAL_TLS_AUTH=optional or required (as in openshift-router)',
    ]);
  });

  test('the upgrade validation flags are accepted and say what they do here', () => {
    const result = parseOptions(['--upgrade-validation=false'], { DEBUG_UPGRADE_VALIDATION_FORCE_ADD_CONDITION: 'true' });
    expect(result.ok && result.options.notes).toEqual([
      expect.stringMatching(/^--upgrade-validation is ignored: no route router serves is unservable in a later version/),
      expect.stringMatching(/^--debug-upgrade-validation-force-add-condition \(from env DEBUG_UPGRADE_VALIDATION_FORCE_ADD_CONDITION\) is ignored: /),
    ]);
  });
});

describe('traffic settings: a bad value stops the start, naming the variable and the accepted form', () => {
  test.each<[string, readonly string[], Env, string]>([
    ['a boolean', [], { ROUTER_USE_PROXY_PROTOCOL: 'yes' }, 'ROUTER_USE_PROXY_PROTOCOL: invalid boolean "yes" (want one of 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False)'],
    ['an address family', [], { ROUTER_IP_V4_V6_MODE: 'v5' }, 'ROUTER_IP_V4_V6_MODE: invalid value "v5" (want one of v4, v6, v4v6)'],
    ['both families and one address', ['--bind-address=127.0.0.1'], { ROUTER_IP_V4_V6_MODE: 'v4v6' }, 'ROUTER_IP_V4_V6_MODE=v4v6 and --bind-address=127.0.0.1 disagree: with --bind-address only that address is bound'],
    ['IPv6 and an IPv4 address', ['--bind-address=127.0.0.1'], { ROUTER_IP_V4_V6_MODE: 'v6' }, 'ROUTER_IP_V4_V6_MODE=v6 and --bind-address=127.0.0.1 disagree: with --bind-address only that address is bound'],
    ['a forwarded policy', [], { ROUTER_SET_FORWARDED_HEADERS: 'Append' }, 'ROUTER_SET_FORWARDED_HEADERS: invalid value "Append" (want one of append, replace, if-none, never)'],
    [
      'a MIME type with a line break',
      [],
      { ROUTER_ENABLE_COMPRESSION: 'true', ROUTER_COMPRESSION_MIME: 'text/html\n  stats socket /tmp/s' },
      'ROUTER_COMPRESSION_MIME: invalid MIME type "stats" (want space-separated types such as "text/html application/json")',
    ],
    ['a MIME type with a quote', [], { ROUTER_COMPRESSION_MIME: "text/html'" }, 'ROUTER_COMPRESSION_MIME: invalid MIME type "text/html\'" (want space-separated types such as "text/html application/json")'],
    ['a curve list with a space', [], { ROUTER_CURVES: 'X25519 P-256' }, 'ROUTER_CURVES: invalid value "X25519 P-256" (want colon-separated TLS group names, e.g. X25519:P-256)'],
    ['a balance', [], { ROUTER_TCP_BALANCE_SCHEME: 'first' }, 'ROUTER_TCP_BALANCE_SCHEME: invalid value "first" (want one of roundrobin, leastconn, source, random)'],
    ['an endpoint order', [], { ROUTER_BACKEND_PROCESS_ENDPOINTS: 'reverse' }, 'ROUTER_BACKEND_PROCESS_ENDPOINTS: invalid value "reverse" (want one of shuffle)'],
    ['a verify mode', [], { ROUTER_MUTUAL_TLS_AUTH: 'request' }, 'ROUTER_MUTUAL_TLS_AUTH: invalid value "request" (want one of none, optional, required)'],
    ['client certificates without a CA', [], { ROUTER_MUTUAL_TLS_AUTH: 'optional' }, 'ROUTER_MUTUAL_TLS_AUTH=optional needs ROUTER_MUTUAL_TLS_AUTH_CA (the CAs client certificates must chain to)'],
    [
      'a subject filter with a line break',
      [],
      { ROUTER_MUTUAL_TLS_AUTH: 'required', ROUTER_MUTUAL_TLS_AUTH_CA: '/ca', ROUTER_MUTUAL_TLS_AUTH_FILTER: 'app\n  bind :1' },
      'ROUTER_MUTUAL_TLS_AUTH_FILTER must not contain line breaks or other control characters',
    ],
    ['a header capture', ['--capture-http-request-headers=Host'], {}, '--capture-http-request-headers: invalid header capture "Host" (want NAME:MAXLENGTH)'],
    ['a header capture by variable', [], { ROUTER_CAPTURE_HTTP_RESPONSE_HEADERS: 'X:0' }, '--capture-http-response-headers: invalid length in "X:0" (want an integer >= 1)'],
    ['a cookie capture', [], { ROUTER_CAPTURE_HTTP_COOKIE: 'a b:10' }, '--capture-http-cookie: invalid cookie name "a b"'],
    ['a header name to re-case', [], { ROUTER_H1_CASE_ADJUST: 'X-A,X B' }, '--http-header-name-case-adjustments: invalid header name "X B"'],
    [
      'a header action',
      [],
      { ROUTER_HTTP_REQUEST_HEADERS: 'X-A:1:Replace' },
      '--set-delete-http-request-header: invalid header action "X-A:1:Replace" (want NAME:VALUE:Set or NAME:Delete, each part URL-encoded)',
    ],
    ['a reserved header', [], { ROUTER_HTTP_RESPONSE_HEADERS: 'Set-Cookie:a%3Db:Set' }, '--set-delete-http-response-header: the Set-Cookie header may not be set or deleted by header actions'],
  ])('%s', (_what, argv, env, error) => {
    expect(parse(argv, env)).toEqual([error]);
  });

  test.each(['ROUTER_USE_PROXY_PROTOCOL', 'ROUTER_ENABLE_COMPRESSION', 'ROUTER_HAPROXY_CONTSTATS', 'ROUTER_ABORT_ON_CLOSE', 'ROUTER_MUTUAL_TLS_HEADER_FILTER'])(
    'every switch takes Go booleans only: %s',
    (variable) => {
      expect(parse([], { [variable]: 'on' })).toEqual([expect.stringMatching(new RegExp(`^${variable}: invalid boolean "on" \\(want one of 1, t, T, TRUE, true`))]);
    },
  );
});
