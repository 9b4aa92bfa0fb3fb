import { describe, expect, test } from 'bun:test';
import { route, routeTls, settings, slice } from '../../test/support/fixtures.ts';
import { buildConfigModel } from './build-model.ts';
import { destinationCaFile } from './certificates.ts';
import { REDIRECT_TO_HTTPS } from './model.ts';
import type { AddressFilter } from './route-servers.ts';

const build = (routes: ReturnType<typeof route>[], slices: ReturnType<typeof slice>[], allowAddress: AddressFilter = () => true) =>
  buildConfigModel({ routes, slices, settings: settings(), allowAddress, defaultCertificate: '' });

describe('buildConfigModel', () => {
  test('a route becomes a be_http backend with its ready endpoints as servers', () => {
    const m = build([route({ name: 'a' })], [slice('a', ['10.0.0.2', { ip: '10.0.0.3', ready: false }, { ip: '10.0.0.1', podName: 'a-1' }])]);
    expect(m.backends).toHaveLength(1);
    expect(m.backends[0]?.name).toBe('be_http:default:a');
    expect(m.backends[0]?.servers.map((s) => [s.name, s.ip, s.port])).toEqual([
      ['ept:a:http:10.0.0.2:8080', '10.0.0.2', 8080],
      ['pod:a-1:a:http:10.0.0.1:8080', '10.0.0.1', 8080],
    ]);
    expect(m.checks.filter((c) => c.target).map((c) => [c.name, c.target, c.active])).toEqual([
      ['chk1', { ip: '10.0.0.1', port: 8080 }, true],
      ['chk2', { ip: '10.0.0.2', port: 8080 }, true],
    ]);
  });

  test("sticky cookies as openshift-router names them; secure only where the route never serves plain HTTP", () => {
    const cookie = (tls?: ReturnType<typeof routeTls>, cookieName?: string) =>
      buildConfigModel({ routes: [route({ name: 'a', tls })], slices: [], settings: settings({ cookieName }), allowAddress: () => true, defaultCertificate: '' }).backends[0]?.cookie;
    const key = '89888650a983ff7697b0f0cac7613e13'; // md5 of " default:a"
    expect(cookie()).toEqual({ name: key, key, secure: false, sameSite: 'None', named: false });
    expect(cookie(routeTls('edge'))).toEqual({ name: key, key, secure: true, sameSite: 'None', named: false });
    expect(cookie(routeTls('edge', { insecureEdgeTerminationPolicy: 'Redirect' }))).toEqual({ name: key, key, secure: true, sameSite: 'None', named: false });
    expect(cookie(routeTls('edge', { insecureEdgeTerminationPolicy: 'Allow' }))).toEqual({ name: key, key, secure: false, sameSite: 'None', named: false });
    expect(cookie(routeTls('reencrypt'))).toEqual({ name: key, key, secure: true, sameSite: 'None', named: false });
    expect(cookie(routeTls('reencrypt', { insecureEdgeTerminationPolicy: 'Redirect' }))).toEqual({ name: key, key, secure: true, sameSite: 'None', named: false });
    expect(cookie(routeTls('reencrypt', { insecureEdgeTerminationPolicy: 'Allow' }))).toEqual({ name: key, key, secure: false, sameSite: 'None', named: false });
    expect(cookie(routeTls('passthrough'))).toBeUndefined();
    expect(cookie(undefined, 'SESSION')).toEqual({ name: 'SESSION', key, secure: false, sameSite: 'None', named: false });
  });

  test("one server: its endpoint's check does not run", () => {
    const m = build([route({ name: 'a' })], [slice('a', ['10.0.0.1'])]);
    expect(m.checks.filter((c) => c.target).map((c) => [c.target, c.active])).toEqual([[{ ip: '10.0.0.1', port: 8080 }, false]]);
  });

  test('routes sharing pods share one check per endpoint and kind, which runs when any of them can fail over', () => {
    const reencrypt = route({ name: 'r', to: { kind: 'Service', name: 'a', weight: undefined }, tls: routeTls('reencrypt') });
    const routes = [route({ name: 'a' }), route({ name: 'b', to: { kind: 'Service', name: 'a', weight: undefined } }), route({ name: 'c' }), reencrypt];
    const m = build(routes, [slice('a', ['10.0.0.1', '10.0.0.2']), slice('c', ['10.0.0.1'])]);
    expect(m.checks.filter((c) => c.target).map((c) => [c.target?.ip, c.tls, c.active])).toEqual([
      ['10.0.0.1', false, true],
      ['10.0.0.2', false, true],
      ['10.0.0.1', true, true],
      ['10.0.0.2', true, true],
    ]);
    const free = m.checks.filter((c) => !c.target);
    expect([free.filter((c) => !c.tls).length, free.filter((c) => c.tls).length]).toEqual([8, 8]);
    expect(m.checks.map((c) => c.name)).toEqual(Array.from({ length: 20 }, (_, i) => `chk${i + 1}`));
  });

  test('targetPort selects endpoint ports by name or number', () => {
    const slices = [slice('a', ['10.0.0.1'], { name: 's1', port: 8080, portName: 'http' }), slice('a', ['10.0.0.1'], { name: 's2', port: 9090, portName: 'metrics' })];
    const ports = (targetPort: string | number | undefined) =>
      build([route({ name: 'a', targetPort })], slices).backends[0]?.servers.map((s) => s.port);
    expect(ports(undefined)).toEqual([8080, 9090]);
    expect(ports('metrics')).toEqual([9090]);
    expect(ports(8080)).toEqual([8080]);
    expect(ports('8080')).toEqual([8080]);
    expect(ports('nope')).toEqual([]);
  });

  test('slices of other namespaces, UDP ports and non-IP addresses are ignored', () => {
    const m = build(
      [route({ name: 'a' })],
      [
        slice('a', ['10.0.0.1'], { namespace: 'other' }),
        slice('a', ['10.0.0.2'], { name: 'udp', protocol: 'UDP' }),
        slice('a', ['not-an-ip', '10.0.0.3 check', 'fe80::1%eth0', '10.0.0.4'], { name: 'mixed' }),
      ],
    );
    expect(m.backends[0]?.servers.map((s) => s.ip)).toEqual(['10.0.0.4']);
  });

  test('the address filter drops endpoints, and is asked once per address of a slice with the slice', () => {
    const asked: string[] = [];
    const s = { ...slice('a', ['127.0.0.1', '10.0.0.1', { ip: '10.0.0.2', ready: false }]), ports: [80, 81].map((port) => ({ name: `p${port}`, port, protocol: 'TCP', appProtocol: '' })) };
    const m = build([route({ name: 'a' })], [s], (ip, from) => (asked.push(`${from.name} ${ip}`), !ip.startsWith('127.')));
    expect(m.backends[0]?.servers.map((s) => `${s.ip}:${s.port}`)).toEqual(['10.0.0.1:80', '10.0.0.1:81']);
    expect(asked).toEqual(['a-abc 127.0.0.1', 'a-abc 10.0.0.1']);
  });

  test('servers are written with the canonical address, in their line and their name; leading-zero IPv4 never becomes one', () => {
    const addresses = ['FD00:0:0::A', '::FFFF:0A00:0001', '2001:DB8:0:0:1:0:0:1', '010.0.0.1', '08.0.0.1', '::ffff:01.2.3.4', '127.1', '0x7f.0.0.1', '2130706433', '10.0.0.5'];
    const m = build([route({ name: 'a' })], [slice('a', addresses)]);
    expect(m.backends[0]?.servers.map((s) => [s.name, s.ip])).toEqual([
      ['ept:a:http:fd00::a:8080', 'fd00::a'],
      ['ept:a:http:::ffff:10.0.0.1:8080', '::ffff:10.0.0.1'],
      ['ept:a:http:2001:db8::1:0:0:1:8080', '2001:db8::1:0:0:1'],
      ['ept:a:http:10.0.0.5:8080', '10.0.0.5'],
    ]);
  });

  test('alternate backends split weights, in lowest terms, and switch to roundrobin', () => {
    const r = route({ name: 'a', to: { kind: 'Service', name: 'a', weight: 3 }, alternateBackends: [{ kind: 'Service', name: 'b', weight: 1 }] });
    const m = build([r], [slice('a', ['10.0.0.1']), slice('b', ['10.0.0.2'])]);
    expect(m.backends[0]?.balance).toBe('roundrobin');
    expect(m.backends[0]?.servers.map((s) => s.weight)).toEqual([3, 1]);
  });

  test('a single service uses the configured algorithm', () => {
    expect(build([route({ name: 'a' })], []).backends[0]?.balance).toBe('random');
  });

  test('maps hold host+path keys pointing at backends; backends are sorted', () => {
    const m = build([route({ name: 'z', host: 'h.com' }), route({ name: 'a', host: 'h.com', path: '/api' })], []);
    expect(m.backends.map((b) => b.name)).toEqual(['be_http:default:a', 'be_http:default:z']);
    expect(m.maps['os_http_be.map']).toEqual([{ key: 'h.com/api', value: 'be_http:default:a' }]);
    expect(m.maps['os_http_be_prefix.map']).toEqual([
      { key: 'h.com/', value: 'be_http:default:z' },
      { key: 'h.com/api/', value: 'be_http:default:a' },
    ]);
  });

  test("map entries sorted by code units, as upstream's Go sorts them: upper case before lower, astral characters among the surrogates", () => {
    const paths = ['/b', '/B', '/a', '/~', '/é', '/\u{1F600}', '/\uFB01', '/a-b', '/a/b', '/A'];
    const m = build(paths.map((path, i) => route({ name: `r${i}`, host: 'h.com', path })), []);
    const keys = m.maps['os_http_be_prefix.map'].map((e) => e.key);
    expect(keys).toEqual(paths.map((p) => `h.com${p}/`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(keys.indexOf('h.com/\u{1F600}/')).toBeLessThan(keys.indexOf('h.com/\uFB01/'));
  });

  test('an exact path contributes its exact key only, on every map it reaches', () => {
    const exact = route({ name: 'x', host: 'h.com', path: '/api', exactPath: true, tls: routeTls('edge', { insecureEdgeTerminationPolicy: 'Redirect' }) });
    const m = build([exact], []);
    expect(m.maps['os_edge_reencrypt_be.map']).toEqual([{ key: 'h.com/api', value: 'be_edge_http:default:x' }]);
    expect(m.maps['os_http_be.map']).toEqual([{ key: 'h.com/api', value: REDIRECT_TO_HTTPS }]);
    expect(m.maps['os_edge_reencrypt_be_prefix.map']).toEqual([]);
    expect(m.maps['os_http_be_prefix.map']).toEqual([]);
  });
});

describe('TLS terminations', () => {
  const tls = routeTls;
  const one = (r: ReturnType<typeof route>, s = settings()) =>
    buildConfigModel({ routes: [r], slices: [slice(r.to.name, ['10.0.0.1'])], settings: s, allowAddress: () => true, defaultCertificate: '' });

  test('edge: be_edge_http, served by the TLS frontends only', () => {
    const m = one(route({ name: 'e', host: 'e.com', tls: tls('edge') }));
    expect(m.backends[0]?.name).toBe('be_edge_http:default:e');
    expect(m.maps['os_edge_reencrypt_be_prefix.map']).toEqual([{ key: 'e.com/', value: 'be_edge_http:default:e' }]);
    expect(m.maps['os_http_be_prefix.map']).toEqual([]);
  });

  test('edge with Allow is also served on port 80; with Redirect port 80 redirects', () => {
    expect(one(route({ name: 'e', host: 'e.com', tls: tls('edge', { insecureEdgeTerminationPolicy: 'Allow' }) })).maps['os_http_be_prefix.map']).toEqual([
      { key: 'e.com/', value: 'be_edge_http:default:e' },
    ]);
    expect(one(route({ name: 'e', host: 'e.com', tls: tls('edge', { insecureEdgeTerminationPolicy: 'Redirect' }) })).maps['os_http_be_prefix.map']).toEqual([
      { key: 'e.com/', value: REDIRECT_TO_HTTPS },
    ]);
  });

  test('a route certificate becomes a content-named file and a crt-list line with h2', () => {
    const m = one(route({ name: 'e', host: 'e.com', tls: tls('edge', { certificate: 'CERT', key: 'KEY' }) }));
    expect(m.certificates).toHaveLength(1);
    expect(m.certificates[0]?.name).toMatch(/^cert-[0-9a-f]{64}\.pem$/);
    expect(m.certificates[0]?.pem).toBe('KEY\nCERT\n');
    expect(m.crtList).toEqual([{ certFile: `/tmp/router-test/certs/${m.certificates[0]?.name}`, sni: 'e.com', alpn: true, routeKey: 'default/e' }]);
  });

  test('a certificate shared by routes is one file on a line per SNI, without h2 (connection coalescing), named after its first route by key', () => {
    const t = tls('edge', { certificate: 'CERT', key: 'KEY' });
    const m = buildConfigModel({
      routes: [
        route({ name: 'a', host: 'a.com', tls: t }),
        route({ name: 'b-web', host: 'b.com', tls: t }),
        route({ name: 'b-api', host: 'b.com', path: '/api', tls: t }),
      ],
      slices: [],
      settings: settings(),
      allowAddress: () => true,
      defaultCertificate: '',
    });
    expect(m.certificates).toHaveLength(1);
    const certFile = `/tmp/router-test/certs/${m.certificates[0]?.name}`;
    expect(m.crtList).toEqual([
      { certFile, sni: 'a.com', alpn: false, routeKey: 'default/a' },
      { certFile, sni: 'b.com', alpn: false, routeKey: 'default/b-api' },
    ]);
    // One host's paths (an Ingress's routes each carry the host's certificate) share any connection: h2 stays.
    const oneHost = buildConfigModel({
      routes: [route({ name: 'b-web', host: 'b.com', tls: t }), route({ name: 'b-api', host: 'b.com', path: '/api', tls: t })],
      slices: [],
      settings: settings(),
      allowAddress: () => true,
      defaultCertificate: '',
    });
    expect(oneHost.crtList.map((e) => [e.sni, e.alpn])).toEqual([['b.com', true]]);
  });

  test('reencrypt verifies with the route CA, else the default CA and the service name, else not at all', () => {
    const withCa = one(route({ name: 'r', tls: tls('reencrypt', { destinationCACertificate: 'CA' }) }));
    expect(withCa.backends[0]?.name).toBe('be_secure:default:r');
    expect(withCa.backends[0]?.serverTls).toEqual({ verify: 'required', caFile: `/tmp/router-test/certs/${withCa.certificates[0]?.name}`, verifyHost: undefined, alpn: true });
    const s = settings();
    const defaultCa = buildConfigModel({
      routes: [route({ name: 'r', tls: tls('reencrypt') })],
      slices: [],
      settings: s,
      allowAddress: () => true,
      defaultCertificate: '',
      defaultDestinationCa: 'DEFAULT CA\n',
    });
    const defaultCaFile = destinationCaFile('DEFAULT CA\n').name;
    expect(defaultCa.certificates.map((c) => [c.name, c.pem])).toEqual([[defaultCaFile, 'DEFAULT CA\n']]);
    expect(defaultCa.backends[0]?.serverTls).toEqual({
      verify: 'required',
      caFile: `/tmp/router-test/certs/${defaultCaFile}`,
      verifyHost: 'r.default.svc',
      alpn: true,
    });
    expect(one(route({ name: 'r', tls: tls('reencrypt') })).backends[0]?.serverTls).toEqual({ verify: 'none', alpn: true });
  });

  test('passthrough: be_tcp by SNI, balance source, no HTTP map entry unless Redirect', () => {
    const m = one(route({ name: 'p', host: 'p.com', tls: tls('passthrough') }));
    expect(m.backends[0]).toMatchObject({ name: 'be_tcp:default:p', mode: 'tcp', balance: 'source' });
    expect(m.maps['os_sni_passthrough.map']).toEqual([{ key: 'p.com', value: 'be_tcp:default:p' }]);
    expect(m.maps['os_http_be_prefix.map']).toEqual([]);
    const r = one(route({ name: 'p', host: 'p.com', tls: tls('passthrough', { insecureEdgeTerminationPolicy: 'Redirect' }) }));
    expect(r.maps['os_http_be_prefix.map']).toEqual([{ key: 'p.com/', value: REDIRECT_TO_HTTPS }]);
  });

  test('wildcard routes are keyed on the parent domain with a leading dot', () => {
    const m = one(route({ name: 'w', host: 'www.example.com', wildcardPolicy: 'Subdomain', tls: tls('edge', { certificate: 'C', key: 'K' }) }));
    expect(m.maps['os_edge_reencrypt_be_prefix.map']).toEqual([{ key: '.example.com/', value: 'be_edge_http:default:w' }]);
    expect(m.crtList[0]?.sni).toBe('*.example.com');
  });
});
