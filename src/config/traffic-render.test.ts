import { afterAll, describe, expect, test } from 'bun:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeCA, makeCrl, makeSelfSignedLeaf } from '../../test/support/certs.ts';
import { route, routeTls, settings, slice } from '../../test/support/fixtures.ts';
import { DEFAULT_HTTP } from '../../test/support/router-options.ts';
import { shortTempDir } from '../../test/support/workdir.ts';
import { checkConfig } from '../haproxy/check-config.ts';
import { writeTicketKeys } from '../haproxy/ticket-keys.ts';
import type { HttpOptions } from '../traffic-options.ts';
import { buildConfigModel } from './build-model.ts';
import { EMBEDDED_ASSETS } from './embedded-assets.ts';
import { createRenderer, type RendererAssets } from './render.ts';
import { configText } from './config-files.ts';
import type { ConfigSettings } from './settings.ts';

const dir = shortTempDir();
afterAll(() => dir.remove());

const serving = makeSelfSignedLeaf({ dnsNames: ['e.example.com'] });
const clientCa = makeCA('client-ca');
const ticketKeysPath = await writeTicketKeys(dir.path);
const base = settings();
const CLIENT = { verify: 'required', caFile: '/etc/router/client-ca.pem', crlFile: undefined, subjectFilter: undefined } as const;

type Case = [string, Partial<ConfigSettings>, Partial<RendererAssets>, string];
const http = (more: Partial<HttpOptions>): Partial<ConfigSettings> => ({ http: { ...DEFAULT_HTTP, ...more } });
const tls = (more: Partial<ConfigSettings['tls']>): Partial<ConfigSettings> => ({ tls: { ...base.tls, ...more } });
const PAGE_404 = 'HTTP/1.0 404 Not Found\r\nContent-Type: text/plain\r\nX-Page: ours\r\n\r\nnot here\n';

/** One case per setting: haproxy accepts the configuration, and the setting's line is where it acts. */
const CASES: Case[] = [
  ['forwarded headers append', http({ forwardedHeaders: 'append' }), {}, 'frontend public\n(?:.*\n)*  http-request set-var\\(txn.forwarded\\) var\\(txn.backend\\),map\\(forwarded-headers.map,append\\)\n'],
  ['forwarded headers replace', http({ forwardedHeaders: 'replace' }), {}, '  http-request set-var\\(txn.forwarded\\) var\\(txn.backend\\),map\\(forwarded-headers.map,replace\\)\n'],
  ['forwarded headers if-none', http({ forwardedHeaders: 'if-none' }), {}, '  http-request set-var\\(txn.forwarded\\) var\\(txn.backend\\),map\\(forwarded-headers.map,if-none\\)\n'],
  ['forwarded headers never', http({ forwardedHeaders: 'never' }), {}, 'frontend public\n(?:(?!option forwardfor).*\n)*  http-request set-var\\(txn.forwarded\\) var\\(txn.backend\\),map\\(forwarded-headers.map,never\\)\n'],
  ['compression', http({ compressionTypes: ['text/html', 'application/json'] }), {}, 'defaults\n(?:.*\n)*  compression type text/html application/json\n'],
  ['contstats and abortonclose', http({ contStats: true, abortOnClose: true }), {}, 'defaults\n(?:.*\n)*  option contstats\n  option abortonclose\n'],
  ['header name case', http({ h1CaseAdjust: ['X-Custom-Header', 'WWW-Authenticate'] }), {}, "global\n(?:.*\n)*  h1-case-adjust 'x-custom-header' 'X-Custom-Header'\n"],
  [
    'captures, with a long cookie',
    http({ capture: { request: [{ name: 'Host', maxLength: 100 }, { name: "X-It's", maxLength: 10 }], response: [{ name: 'Content-Type', maxLength: 30 }], cookie: { name: 'SESSION', exact: true, maxLength: 256 } } }),
    {},
    "frontend fe_sni\n(?:.*\n)*  capture cookie 'SESSION=' len 256\n",
  ],
  [
    'header actions',
    http({
      headerActions: {
        request: [{ name: 'X-Via', action: 'Set', value: "router 'one' # %[req.hdr(host),lower] $HOME \\" }, { name: 'X-Debug', action: 'Delete' }],
        response: [{ name: 'X-Cert', action: 'Set', value: '%{+Q}[ssl_c_der,base64]' }, { name: 'Server', action: 'Delete' }],
      },
    }),
    {},
    "frontend public\n(?:.*\n)*  http-response set-header 'X-Cert' '%\\{\\+Q\\}\\[ssl_c_der,base64\\]'\n",
  ],
  ['client X-SSL headers kept', http({ stripClientSslHeaders: false }), {}, '^(?![^]*del-header X-SSL)'],
  ['PROXY protocol', { proxyProtocol: true }, {}, 'frontend public_ssl\n  bind 127.0.0.1:10443 accept-proxy\n'],
  ['IPv6 only, every address', { bindAddress: '', ipMode: 'v6', httpPort: 20080, httpsPort: 20443 }, {}, 'frontend public\n  bind :::20080 v6only\n'],
  [
    'both families, with the stats page',
    { bindAddress: '', ipMode: 'v4v6', httpPort: 20080, httpsPort: 20443, statsPage: { host: '', port: 21936, auth: undefined } },
    {},
    'listen stats\n  bind :21936\n  bind :::21936 v6only\n',
  ],
  ['passthrough balance', { tcpBalanceAlgorithm: 'roundrobin' }, {}, 'backend be_tcp:default:p from routes_tcp\n(?:.*\n)*  balance roundrobin\n'],
  // Seed 7 puts the third pod before the second (server-order.test.ts checks the order itself).
  ['shuffled servers', { shuffleServers: true, serverOrderSeed: 7 }, {}, 'backend be_http:default:a from routes_http\n(?:.*\n)*  server ept:a:http:10\.0\.0\.1:8080 .*\n  server ept:a:http:10\.0\.0\.3:8080 .*\n  server ept:a:http:10\.0\.0\.2:8080 '],
  ['curves', tls({ curves: 'X25519:P-256' }), {}, '  ssl-default-bind-curves X25519:P-256\n'],
  [
    'client certificates required, with CRLs and a subject filter',
    tls({ clientCertificates: { ...CLIENT, crlFile: '/etc/router/crl.pem', subjectFilter: '(?i)^/CN=app[0-9]+$' } }),
    { clientCa: clientCa.cert, clientCrl: makeCrl(clientCa) },
    'frontend fe_no_sni\n  bind \\S+ mode 600 accept-proxy ssl crt default.pem alpn http/1.1 tls-ticket-keys \\S+ verify required ca-file client-ca.pem crl-file client-crl.pem\n',
  ],
  ['client certificates optional', tls({ clientCertificates: { ...CLIENT, verify: 'optional' } }), { clientCa: clientCa.cert }, '  http-request set-header X-SSL-Client-DER %\\{\\+Q\\}\\[ssl_c_der,base64\\]\n'],
  [
    'error pages of the operator',
    { errorPages: { page503: '/etc/router/503.http', page404: '/etc/router/404.http' } },
    { errorPage503: 'HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/html\r\n\r\n<p>ours</p>\n', errorPage404: PAGE_404 },
    'backend openshift_default\n  mode http\n  http-request deny deny_status 404\n',
  ],
];

describe('each traffic setting renders a configuration haproxy accepts', () => {
  test.each(CASES)('%s', async (name, overrides, assets, where) => {
    const sub = join(dir.path, name.replace(/[^a-z0-9]+/gi, '-'));
    mkdirSync(sub);
    const model = buildConfigModel({
      routes: [
        route({ name: 'a', host: 'a.example.com' }),
        route({ name: 'e', host: 'e.example.com', tls: routeTls('edge', { certificate: serving.cert, key: serving.key }) }),
        route({ name: 'p', host: 'p.example.com', tls: routeTls('passthrough') }),
      ],
      slices: [slice('a', ['10.0.0.1', '10.0.0.2', '10.0.0.3']), slice('e', ['10.0.0.4']), slice('p', ['10.0.0.5'])],
      settings: settings({ certDir: sub, adminSocketPath: join(sub, 'admin.sock'), ...overrides, tls: { ...base.tls, ...overrides.tls, ticketKeysPath } }),
      allowAddress: () => true,
      defaultCertificate: `${serving.key}${serving.cert}`,
    });
    const files = createRenderer({ ...EMBEDDED_ASSETS, ...assets })(model);
    for (const [file, text] of files) await Bun.write(join(sub, file), text);
    for (const cert of model.certificates) await Bun.write(join(sub, cert.name), cert.pem);
    expect(configText(files)).toMatch(new RegExp(where));
    const result = await checkConfig('haproxy', join(sub, 'haproxy.config'));
    expect(result.output).toEqual([]);
    expect(result.ok).toBe(true);
    if (assets.clientCa) expect(files.get('client-ca.pem')).toBe(assets.clientCa);
    if (assets.errorPage404) expect(files.get('error-page-404.http')).toBe(PAGE_404);
  });

  test('without the setting, none of its lines', () => {
    const model = buildConfigModel({ routes: [], slices: [], settings: settings(), allowAddress: () => true, defaultCertificate: '' });
    const cfg = configText(createRenderer(EMBEDDED_ASSETS)(model));
    for (const absent of ['compression', 'contstats', 'abortonclose', 'h1-case-adjust', 'capture ', 'v6only', 'curves', 'client-ca', 'X-SSL-Client', 'deny_status 404\n']) {
      expect(cfg).not.toContain(absent);
    }
    expect(cfg).not.toMatch(/bind 127\.0\.0\.1:\d+ accept-proxy/);
    expect(cfg).toContain('  http-request del-header X-SSL -m beg\n');
  });
});
