import { describe, expect, test } from 'bun:test';
import { settings } from '../../test/support/fixtures.ts';
import { DEFAULT_HTTP } from '../../test/support/router-options.ts';
import type { ClientCertificateOptions, HttpOptions } from '../traffic-options.ts';
import { forwardedHeaderLines, routedForwardedHeaderLines } from './forwarded-headers.ts';
import type { ConfigSettings } from './settings.ts';
import { bindAddresses, trafficConfig, type TrafficConfig } from './traffic-config.ts';

const base = settings();
const http = (more: Partial<HttpOptions>): ConfigSettings => settings({ http: { ...DEFAULT_HTTP, ...more } });
const CLIENT: ClientCertificateOptions = { verify: 'required', caFile: '/etc/router/ca.pem', crlFile: undefined, subjectFilter: undefined };
const client = (more: Partial<ClientCertificateOptions>): ConfigSettings => settings({ tls: { ...base.tls, clientCertificates: { ...CLIENT, ...more } } });

/** Every part of a TrafficConfig as plain data, both frontend kinds. */
function lines(s: ConfigSettings) {
  const t: TrafficConfig = trafficConfig(s);
  const { global, defaults, tlsBindOptions, captures, clientCertificate } = t;
  return { global, defaults, binds: t.publicBinds(80), tlsBindOptions, captures, clientCertificate, http: t.afterRouting('http'), https: t.afterRouting('https') };
}

const DEFAULTS = lines(base);

describe('trafficConfig: each setting, the lines it adds and where', () => {
  test.each<[string, ConfigSettings, Partial<ReturnType<typeof lines>>]>([
    ['defaults: append headers, nothing else', base, {}],
    ['compression', http({ compressionTypes: ['text/html', 'application/json'] }), { defaults: ['compression algo gzip', 'compression type text/html application/json'] }],
    ['contstats and abortonclose', http({ contStats: true, abortOnClose: true }), { defaults: ['option contstats', 'option abortonclose'] }],
    [
      'header name case',
      http({ h1CaseAdjust: ['X-Custom-Header', "It's"] }),
      { global: ["h1-case-adjust 'x-custom-header' 'X-Custom-Header'", "h1-case-adjust 'it'\\''s' 'It'\\''s'"], defaults: ['option h1-case-adjust-bogus-client'] },
    ],
    ['curves', settings({ tls: { ...base.tls, curves: 'X25519:P-256' } }), { global: ['ssl-default-bind-curves X25519:P-256'] }],
    [
      'captures',
      http({ capture: { request: [{ name: 'Host', maxLength: 90 }], response: [{ name: 'Content-Type', maxLength: 20 }], cookie: { name: 'SESS', exact: true, maxLength: 40 } } }),
      { captures: ["capture request header 'Host' len 90", "capture response header 'Content-Type' len 20", "capture cookie 'SESS=' len 40"] },
    ],
    [
      'a cookie captured longer than haproxy keeps by default',
      http({ capture: { request: [], response: [], cookie: { name: 'id', exact: false, maxLength: 200 } } }),
      { global: ['tune.http.cookielen 200'], captures: ["capture cookie 'id' len 200"] },
    ],
    [
      'header actions, before the forwarded headers',
      http({
        headerActions: {
          request: [{ name: 'X-Env', action: 'Set', value: "it's %[req.hdr(host),lower]" }, { name: 'X-Debug', action: 'Delete' }],
          response: [{ name: 'X-Frame-Options', action: 'Set', value: 'DENY' }],
        },
      }),
      {
        http: [
          "http-request set-header 'X-Env' 'it'\\''s %[req.hdr(host),lower]'",
          "http-request del-header 'X-Debug'",
          "http-response set-header 'X-Frame-Options' 'DENY'",
          ...DEFAULTS.http,
        ],
        https: [
          "http-request set-header 'X-Env' 'it'\\''s %[req.hdr(host),lower]'",
          "http-request del-header 'X-Debug'",
          "http-response set-header 'X-Frame-Options' 'DENY'",
          ...DEFAULTS.https,
        ],
      },
    ],
    [
      'never forwarded headers: only routes that ask for them get them',
      http({ forwardedHeaders: 'never' }),
      { http: routedForwardedHeaderLines('never', 'http'), https: routedForwardedHeaderLines('never', 'https') },
    ],
    ['PROXY protocol', settings({ proxyProtocol: true }), { binds: ['127.0.0.1:80 accept-proxy'] }],
    ['every address, IPv4', settings({ bindAddress: '' }), { binds: [':80'] }],
    ['every address, IPv6', settings({ bindAddress: '', ipMode: 'v6' }), { binds: [':::80 v6only'] }],
    ['every address, both, with PROXY protocol', settings({ bindAddress: '', ipMode: 'v4v6', proxyProtocol: true }), { binds: [':80 accept-proxy', ':::80 v6only accept-proxy'] }],
    [
      'client certificates required',
      client({}),
      {
        tlsBindOptions: ' verify required ca-file client-ca.pem',
        clientCertificate: [
          'http-request set-header X-SSL %[ssl_fc]',
          'http-request set-header X-SSL-Client-Verify %[ssl_c_verify]',
          'http-request set-header X-SSL-Client-Serial %{+Q}[ssl_c_serial,hex]',
          'http-request set-header X-SSL-Client-Version %{+Q}[ssl_c_version]',
          'http-request set-header X-SSL-Client-SHA1 %{+Q}[ssl_c_sha1,hex]',
          'http-request set-header X-SSL-Client-DN %{+Q}[ssl_c_s_dn]',
          'http-request set-header X-SSL-Client-CN %{+Q}[ssl_c_s_dn(cn)]',
          'http-request set-header X-SSL-Issuer %{+Q}[ssl_c_i_dn]',
          'http-request set-header X-SSL-Client-NotBefore %{+Q}[ssl_c_notbefore]',
          'http-request set-header X-SSL-Client-NotAfter %{+Q}[ssl_c_notafter]',
          'http-request set-header X-SSL-Client-DER %{+Q}[ssl_c_der,base64]',
        ],
      },
    ],
  ])('%s', (_what, s, changed) => {
    expect(lines(s)).toEqual({ ...DEFAULTS, ...changed });
  });

  test('optional client certificates with a CRL and a subject filter', () => {
    const t = lines(client({ verify: 'optional', crlFile: '/etc/router/crl.pem', subjectFilter: "^/CN=app[0-9]+ it's" }));
    expect(t.tlsBindOptions).toBe(' verify optional ca-file client-ca.pem crl-file client-crl.pem');
    expect(t.clientCertificate[0]).toBe("http-request deny unless { ssl_c_s_dn -m reg '^/CN=app[0-9]+ it'\\''s' }");
    expect(t.clientCertificate).toHaveLength(12);
  });
});

describe('forwardedHeaderLines', () => {
  test.each([
    [
      'append',
      'http',
      [
        'http-request add-header X-Forwarded-For %[src]',
        'http-request add-header X-Forwarded-Host %[req.hdr(host)]',
        'http-request add-header X-Forwarded-Port %[dst_port]',
        'http-request add-header X-Forwarded-Proto http',
        'http-request add-header Forwarded for=\\"[%[src]]\\";host=%[req.hdr(host)];proto=http if { src -m sub : }',
        'http-request add-header Forwarded for=%[src];host=%[req.hdr(host)];proto=http if !{ src -m sub : }',
      ],
    ],
    [
      'replace',
      'https',
      [
        'http-request set-header X-Forwarded-For %[src]',
        'http-request set-header X-Forwarded-Host %[req.hdr(host)]',
        'http-request set-header X-Forwarded-Port %[dst_port]',
        'http-request set-header X-Forwarded-Proto https',
        'http-request set-header X-Forwarded-Proto-Version h2 if { ssl_fc_alpn -i h2 }',
        'http-request set-header Forwarded for=\\"[%[src]]\\";host=%[req.hdr(host)];proto=https if { src -m sub : }',
        'http-request set-header Forwarded for=%[src];host=%[req.hdr(host)];proto=https if !{ src -m sub : }',
      ],
    ],
    [
      'if-none',
      'https',
      [
        'http-request set-header X-Forwarded-For %[src] if !{ req.hdr(X-Forwarded-For) -m found }',
        'http-request set-header X-Forwarded-Host %[req.hdr(host)] if !{ req.hdr(X-Forwarded-Host) -m found }',
        'http-request set-header X-Forwarded-Port %[dst_port] if !{ req.hdr(X-Forwarded-Port) -m found }',
        'http-request set-header X-Forwarded-Proto https if !{ req.hdr(X-Forwarded-Proto) -m found }',
        'http-request set-header X-Forwarded-Proto-Version h2 if { ssl_fc_alpn -i h2 } !{ req.hdr(X-Forwarded-Proto-Version) -m found }',
        'http-request set-header Forwarded for=\\"[%[src]]\\";host=%[req.hdr(host)];proto=https if { src -m sub : } !{ req.hdr(Forwarded) -m found }',
        'http-request set-header Forwarded for=%[src];host=%[req.hdr(host)];proto=https if !{ src -m sub : } !{ req.hdr(Forwarded) -m found }',
      ],
    ],
    ['never', 'https', []],
  ] as const)('%s (%s)', (policy, proto, want) => {
    expect(forwardedHeaderLines(policy, proto)).toEqual([...want]);
  });

  test('per route: the policy of the routed backend from its map, the global one by default, each line conditioned on it', () => {
    const routed = routedForwardedHeaderLines('append', 'http');
    expect(routed[0]).toBe('http-request set-var(txn.forwarded) var(txn.backend),map(forwarded-headers.map,append)');
    expect(routed).toContain('http-request set-header X-Forwarded-For %[src] if { var(txn.forwarded) -m str replace }');
    expect(routed).toContain('http-request set-header X-Forwarded-Host %[req.hdr(host)] if { var(txn.forwarded) -m str if-none } !{ req.hdr(X-Forwarded-Host) -m found }');
    expect(routed.slice(1).every((l) => / if \{ var\(txn\.forwarded\) -m str (append|replace|if-none) \}/.test(l))).toBe(true);
  });
});

describe('bindAddresses', () => {
  test.each([
    ['127.0.0.1', 'v4', ['127.0.0.1:80']],
    ['::1', 'v6', ['[::1]:80']],
    ['', 'v4', [':80']],
    ['', 'v6', [':::80 v6only']],
    ['', 'v4v6', [':80', ':::80 v6only']],
  ] as const)('%p in mode %s', (address, mode, want) => {
    expect(bindAddresses(address, mode, 80)).toEqual([...want]);
  });
});
