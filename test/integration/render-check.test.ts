import { afterAll, describe, expect, test } from 'bun:test';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkConfig } from '../../src/haproxy/check-config.ts';
import { makeSelfSignedLeaf } from '../support/certs.ts';
import { routeJson, routeYaml, sliceYaml } from '../support/manifests.ts';
import { builtRouter, haproxyPidsUsing } from '../support/processes.ts';
import { shortTempDir } from '../support/workdir.ts';
import { readConfigText } from '../support/config-text.ts';

const dir = shortTempDir();
afterAll(() => dir.remove());

function manifestDir(name: string, files: Record<string, string>): string {
  const path = join(dir.path, name);
  mkdirSync(path);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(path, file), text);
  return path;
}

function router(args: string[]) {
  const p = Bun.spawnSync([builtRouter(), ...args], { cwd: dir.path, env: { PATH: process.env.PATH ?? '/usr/bin:/bin:/usr/sbin:/sbin' }, stdout: 'pipe', stderr: 'pipe' });
  return { code: p.exitCode, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

const serving = makeSelfSignedLeaf({ dnsNames: ['secure.example.com'] });
const other = makeSelfSignedLeaf({ dnsNames: ['secure.example.com'] });
const good = manifestDir('good', {
  'web.yaml': `${routeYaml({ name: 'web', host: 'web.example.com', namespace: 'shop' })}---\n${sliceYaml({ service: 'web', namespace: 'shop', ports: [8080] })}`,
  'secure.json': routeJson({ name: 'secure', host: 'secure.example.com', namespace: 'shop', service: 'web', tls: { termination: 'edge', certificate: serving.cert, key: serving.key } }),
  'tunnel.json': routeJson({
    name: 'tunnel',
    host: 'tunnel.example.com',
    namespace: 'shop',
    service: 'web',
    tls: { termination: 'passthrough' },
    annotations: { 'haproxy.router.openshift.io/timeout': '90s' },
  }),
});
const bad = manifestDir('bad', {
  'web.json': routeJson({ name: 'web', host: 'web.example.com', namespace: 'shop', creationTimestamp: '2024-01-01T00:00:00Z' }),
  'copy.json': routeJson({ name: 'copy', host: 'web.example.com', namespace: 'other', creationTimestamp: '2025-01-01T00:00:00Z' }),
  'broken.yaml': 'kind: Route\nmetadata: [unclosed\n',
});
// A key that is not the certificate's passes admission only without extended validation; haproxy refuses it.
const mismatched = manifestDir('mismatched', {
  'secure.json': routeJson({ name: 'secure', host: 'secure.example.com', namespace: 'shop', service: 'web', tls: { termination: 'edge', certificate: serving.cert, key: other.key } }),
});

describe('router render', () => {
  test('writes the configuration, maps and certificates the router would serve, which haproxy accepts; starts nothing, touches no working dir', async () => {
    const out = join(dir.path, 'out');
    const workingDir = join(dir.path, 'never');
    const r = router(['render', `--manifests=${good}`, `--working-dir=${workingDir}`, '--out', out]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('admitted    shop/secure  secure.example.com/ -> edge -> service web\n');
    // haproxy.config holds global, defaults and frontends; backends are in the be-*.cfg and checks-*.cfg files beside it.
    // Every spare has an ACL file, answering everyone until a route with an allowlist takes it.
    expect(readdirSync(join(out, 'acl')).filter((name) => name.startsWith('allowlist-')).length).toBeGreaterThan(0);
    expect(readdirSync(out).filter((name) => !name.endsWith('.cfg')).sort()).toEqual([
      'acl', 'cert_config.map', 'certs', 'default.pem', 'error-page-404.http', 'error-page-503.http', 'forwarded-headers.map', 'haproxy.config', 'hsts.map',
      'os_edge_reencrypt_be.map', 'os_edge_reencrypt_be_hosts.map', 'os_edge_reencrypt_be_prefix.map', 'os_http_be.map', 'os_http_be_hosts.map', 'os_http_be_prefix.map', 'os_sni_passthrough.map',
      'rate-limit-concurrent.map', 'rate-limit-http.map', 'rate-limit-status.map', 'rate-limit-tcp.map', 'timeout-server.map', 'timeout-tunnel.map',
    ]); // prettier-ignore
    expect(readFileSync(join(out, 'os_http_be_prefix.map'), 'utf8')).toBe('web.example.com/ be_http:shop:web\n');
    expect(readFileSync(join(out, 'os_sni_passthrough.map'), 'utf8')).toBe('tunnel.example.com be_tcp:shop:tunnel\n');
    const config = readConfigText(join(out, 'haproxy.config'));
    expect(config).toContain('  server ept:web:http:127.0.0.1:8080 127.0.0.1:8080 ');
    // A passthrough route's timeout is its tunnel's, as upstream: a line of its backend.
    expect(config).toMatch(/\nbackend be_tcp:shop:tunnel from routes_tcp\n[^]*?\n {2}timeout tunnel 90000ms\n/);
    const certificate = readdirSync(join(out, 'certs')).filter((name) => name.startsWith('cert-'));
    expect(certificate).toHaveLength(1);
    expect(readFileSync(join(out, 'cert_config.map'), 'utf8')).toContain(join(out, 'certs', certificate[0] ?? ''));
    expect(await checkConfig('haproxy', join(out, 'haproxy.config'))).toEqual({ ok: true, output: [] });
    expect(existsSync(workingDir)).toBe(false);
    expect(haproxyPidsUsing(out)).toEqual([]);
  });

  test('refuses a directory that is not empty, and needs --out', () => {
    const used = manifestDir('used', { 'x.txt': 'x' });
    expect(router(['render', `--manifests=${good}`, `--out=${used}`])).toMatchObject({ code: 1, stderr: `router render: ${used} is not empty: render writes into an empty or new directory\n` });
    expect(router(['render', `--manifests=${good}`])).toMatchObject({ code: 2, stderr: expect.stringContaining('router: render needs --out DIR\n') });
  });
});

describe('router check', () => {
  test('a good directory: every route admitted, haproxy content, exit 0', () => {
    const r = router(['check', `--manifests=${good}`]);
    expect(r.stdout.split('\n').filter((line) => line !== '')).toEqual([
      'admitted    shop/secure  secure.example.com/ -> edge -> service web',
      'admitted    shop/tunnel  tunnel.example.com/ -> passthrough -> service web',
      'admitted    shop/web     web.example.com/ -> http -> service web',
      'haproxy -c  configuration valid',
      '3 routes: 3 admitted, 0 rejected; 0 unreadable files; haproxy -c ok',
    ]);
    expect(r.code).toBe(0);
  });

  test('a rejected route and an unreadable file: each said, exit 1', () => {
    const r = router(['check', `--manifests=${bad}`]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines).toContain('admitted    shop/web    web.example.com/ -> http -> service web');
    expect(lines).toContainEqual(expect.stringMatching(/^rejected {4}other\/copy  HostAlreadyClaimed: /));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^unreadable  .*${join(bad, 'broken.yaml')}`)));
    expect(lines).toContain('2 routes: 1 admitted, 1 rejected; 1 unreadable file; haproxy -c ok');
  });

  test("a configuration haproxy refuses: haproxy's words, exit 1", () => {
    const r = router(['check', `--manifests=${mismatched}`, '--extended-validation=false']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('haproxy -c  refused the configuration:\n');
    expect(r.stdout).toMatch(/\n {12}\[ALERT\].*\n/);
    expect(r.stdout).toContain('1 routes: 1 admitted, 0 rejected; 0 unreadable files; haproxy -c failed\n');
  });

  test('a directory that does not exist is an error', () => {
    expect(router(['check', `--manifests=${join(dir.path, 'absent')}`])).toMatchObject({ code: 1, stderr: `router check: manifest directory ${join(dir.path, 'absent')} does not exist\n` });
  });
});
