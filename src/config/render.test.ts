import { afterAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { makeSelfSignedLeaf } from '../../test/support/certs.ts';
import { route, routeTls, settings, slice } from '../../test/support/fixtures.ts';
import { shortTempDir } from '../../test/support/workdir.ts';
import { checkConfig } from '../haproxy/check-config.ts';
import { writeTicketKeys } from '../haproxy/ticket-keys.ts';
import { buildConfigModel } from './build-model.ts';
import { EMBEDDED_ASSETS } from './embedded-assets.ts';
import { createRenderer } from './render.ts';
import { ROUTE_DEFAULTS_FILE } from './route-defaults.ts';
import { configFileNames, configText, fileCounts } from './config-files.ts';

const dir = shortTempDir();
afterAll(() => dir.remove());

const serving = makeSelfSignedLeaf({ dnsNames: ['e.example.com'] });
const ticketKeysPath = await writeTicketKeys(dir.path);
const tls = routeTls;
const base = settings();
const model = buildConfigModel({
  routes: [
    route({ name: 'a', host: 'a.example.com' }),
    route({ name: 'b', host: 'a.example.com', path: '/b' }),
    route({ name: 'e', host: 'e.example.com', tls: tls('edge', { certificate: serving.cert, key: serving.key, insecureEdgeTerminationPolicy: 'Redirect' }) }),
    route({ name: 'r', host: 'r.example.com', tls: tls('reencrypt', { destinationCACertificate: serving.cert }) }),
    route({ name: 'p', host: 'www.p.example.com', wildcardPolicy: 'Subdomain', tls: tls('passthrough') }),
  ],
  slices: [slice('a', ['10.0.0.1', '10.0.0.2']), slice('b', ['fd00::1']), slice('r', ['10.0.0.3']), slice('p', ['10.0.0.4'])],
  settings: settings({
    threads: 2,
    hardStopAfterMs: 15000,
    adminSocketPath: join(dir.path, 'admin.sock'),
    certDir: dir.path,
    tls: { ...base.tls, ticketKeysPath, strictSni: true },
  }),
  allowAddress: () => true,
  defaultCertificate: `${serving.key}${serving.cert}`,
});
const files = createRenderer(EMBEDDED_ASSETS)(model);

describe('render', () => {
  test('every TLS bind says which protocols it offers: haproxy 2.8 and later offer h2 where a bind says nothing', () => {
    const binds = configText(files).split('\n').filter((l) => /^\s*bind .* ssl crt /.test(l));
    expect(binds.length).toBeGreaterThanOrEqual(2);
    for (const bind of binds) expect(bind).toMatch(/ alpn (h2,http\/1\.1|http\/1\.1) /);
  });

  test('writes the config (backends in files of their own), the maps, the default certificate and both error pages', () => {
    expect([...files.keys()].filter((name) => !name.endsWith('.cfg')).sort()).toEqual([
      'cert_config.map',
      'default.pem',
      'error-page-404.http',
      'error-page-503.http',
      'forwarded-headers.map',
      'haproxy.config',
      'hsts.map',
      'os_edge_reencrypt_be.map',
      'os_edge_reencrypt_be_hosts.map',
      'os_edge_reencrypt_be_prefix.map',
      'os_http_be.map',
      'os_http_be_hosts.map',
      'os_http_be_prefix.map',
      'os_sni_passthrough.map',
      'rate-limit-concurrent.map',
      'rate-limit-http.map',
      'rate-limit-status.map',
      'rate-limit-tcp.map',
      'timeout-server.map',
      'timeout-tunnel.map',
    ]);
    // Every generation has every backend file, empty or not, so the set never changes.
    expect([...files.keys()].filter((name) => name.endsWith('.cfg'))).toEqual([ROUTE_DEFAULTS_FILE, ...configFileNames(fileCounts(model)).backends, ...configFileNames(fileCounts(model)).checks]);
  });

  test('the crt-list names each route certificate and the SNI it answers', () => {
    const name = model.certificates.find((c) => c.name.startsWith('cert-'))?.name;
    expect(files.get('cert_config.map')).toBe(`${join(dir.path, name ?? '')} [alpn h2,http/1.1] e.example.com\n`);
    expect(files.get('os_sni_passthrough.map')).toBe('.p.example.com be_tcp:default:p\n');
    expect(files.get('haproxy.config')).toContain(' strict-sni\n');
  });

  test('map files are "key value" lines', () => {
    expect(files.get('os_http_be.map')).toBe('a.example.com/b be_http:default:b\n');
    expect(files.get('os_http_be_prefix.map')).toBe('a.example.com/ be_http:default:a\na.example.com/b/ be_http:default:b\ne.example.com/ _redirect_to_https\n');
  });

  test('the config carries settings and one server line per endpoint', () => {
    const cfg = configText(files);
    expect(cfg).toContain('  nbthread 2\n');
    expect(cfg).toContain('  hard-stop-after 15000ms\n');
    // Old workers are bounded by time, never by a reload count a tenant can drive.
    expect(cfg).not.toContain('mworker-max-reloads');
    expect(cfg).toContain('  noreuseport\n');
    // Map lookups go to their trees and nowhere else: haproxy 2.6's pattern cache would file every miss.
    expect(cfg).toContain('  tune.pattern.cache-size 0\n');
    expect(cfg).toContain('  bind 127.0.0.1:10080\n');
    expect(cfg).toContain('backend be_http:default:a from routes_http\n');
    // The per-route option lines are written once, in the sections route backends name, not once per file.
    expect(cfg.match(/^defaults routes_http from routes_base\n/gm)).toHaveLength(1);
    expect(cfg.match(/^defaults routes_tcp from routes_base\n/gm)).toHaveLength(1);
    expect(cfg.match(/set-timeout server be_name/g)).toHaveLength(1);
    expect([...files].filter(([name, text]) => /^(be|checks)-/.test(name) && text.includes('defaults'))).toEqual([]);
    expect(cfg).toContain('  server ept:a:http:10.0.0.1:8080 10.0.0.1:8080 weight 1 track be_checks_0/chk1 pool-max-conn -1 pool-purge-delay 5s\n');
    expect(cfg).toContain('  server ept:b:http:fd00::1:8080 [fd00::1]:8080 weight 1 track be_checks_0/chk4 pool-max-conn -1 pool-purge-delay 5s\n');
    expect(cfg).toMatch(/ {2}server ept:r:http:10\.0\.0\.3:8080 10\.0\.0\.3:8080 weight 1 ssl alpn h2,http\/1\.1 verify required ca-file \S+ track be_checks_0\/chk5 /);
    // One check per endpoint and kind, then free slots (in maintenance) for endpoints that come while running.
    expect(cfg).toContain('backend be_checks_0\n  mode tcp\n  timeout check 5000ms\n  server chk1 10.0.0.1:8080 check inter 5000ms\n');
    expect(cfg).toContain('  server chk4 [fd00::1]:8080 check inter 5000ms\n  server chk5 10.0.0.3:8080 check inter 5000ms check-ssl verify none\n');
    expect(cfg).toContain('  server chk6 0.0.0.0:0 check inter 5000ms disabled\n');
    expect(cfg).toContain('  server chk21 0.0.0.0:0 check inter 5000ms check-ssl verify none disabled\n');
    // eta's defaults would escape "&" and join lines; neither may happen.
    expect(cfg).not.toContain('&amp;');
    expect(cfg).toContain('defaults\n  mode http\n  maxconn 1000\n');
  });

  test('check slots are rendered 64 to a backend', () => {
    const many = buildConfigModel({
      routes: [route({ name: 'a' })],
      slices: [slice('a', Array.from({ length: 70 }, (_, i) => `10.0.1.${i + 1}`))],
      settings: settings(),
      allowAddress: () => true,
      defaultCertificate: '',
    });
    const rendered = createRenderer(EMBEDDED_ASSETS)(many);
    expect(rendered.get('checks-00.cfg')).toMatch(/^backend be_checks_0\n(.*\n)* {2}server chk64 \S+ check inter 5000ms\n$/);
    expect(rendered.get('checks-01.cfg')).toMatch(/^backend be_checks_1\n {2}mode tcp\n {2}timeout check 5000ms\n {2}server chk65 /);
    expect(configText(rendered)).toContain(' track be_checks_1/chk65 ');
  });

  test('haproxy accepts the rendered files', async () => {
    for (const [name, text] of files) await Bun.write(join(dir.path, name), text);
    for (const cert of model.certificates) await Bun.write(join(dir.path, cert.name), cert.pem);
    const result = await checkConfig('haproxy', join(dir.path, 'haproxy.config'));
    expect(result.output).toEqual([]);
    expect(result.ok).toBe(true);
  });
});

test('the render in steps gives the same files as in one go, a step per backend file and per map at least', () => {
  const renderer = createRenderer(EMBEDDED_ASSETS);
  const rendering = renderer.steps(model);
  let steps = 0;
  let step = rendering.next();
  for (; !step.done; step = rendering.next()) steps++;
  expect(step.value).toEqual(createRenderer(EMBEDDED_ASSETS)(model));
  expect(steps).toBeGreaterThanOrEqual(configFileNames(fileCounts(model)).backends.length + Object.keys(model.maps).length);
});
