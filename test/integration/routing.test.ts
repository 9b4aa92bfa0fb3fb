import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { routeYaml, sliceYaml } from '../support/manifests.ts';
import { rawGet } from '../support/net.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';

let backends: Record<string, TestBackend>;
let t: TestRouter;

beforeAll(async () => {
  backends = Object.fromEntries(['root', 'foo', 'foobar', 'deep', 'slash', 'other'].map((n) => [n, startBackend(n)]));
  const manifests: Record<string, string> = {
    'root.yaml': routeYaml({ name: 'root', host: 'shop.example.com' }),
    'foo.yaml': routeYaml({ name: 'foo', host: 'shop.example.com', path: '/foo' }),
    'foobar.yaml': routeYaml({ name: 'foobar', host: 'shop.example.com', path: '/foobar' }),
    'deep.yaml': routeYaml({ name: 'deep', host: 'shop.example.com', path: '/foo/bar' }),
    'slash.yaml': routeYaml({ name: 'slash', host: 'slash.example.com', path: '/dir/' }),
    'other.yaml': routeYaml({ name: 'other', host: 'other.example.com' }),
    'empty.yaml': routeYaml({ name: 'empty', host: 'empty.example.com' }),
  };
  for (const [name, b] of Object.entries(backends)) manifests[`${name}-eps.yaml`] = sliceYaml({ service: name, ports: [b.port] });
  t = await startTestRouter({ manifests });
});

afterAll(async () => {
  await t?.stop();
  for (const b of Object.values(backends ?? {})) await b.stop();
});

describe('host routing', () => {
  test.each([
    ['shop.example.com', 'root'],
    ['SHOP.Example.COM', 'root'],
    ['shop.example.com:8080', 'root'],
    ['shop.example.com.', 'root'],
    ['other.example.com', 'other'],
  ])('Host %s goes to %s', async (host, want) => {
    const res = await t.get(host, '/');
    expect(res.status).toBe(200);
    expect(res.backend).toBe(want);
  });

  test('an unknown host gets 503 with the embedded error page', async () => {
    const res = await t.get('nobody.example.com', '/');
    expect(res.status).toBe(503);
    expect(res.body).toContain('Application is not available');
  });

  test('a route without ready endpoints gets 503', async () => {
    const res = await t.get('empty.example.com', '/');
    expect(res.status).toBe(503);
    expect(res.body).toContain('Application is not available');
  });
});

describe('path routing', () => {
  test.each([
    ['/foo', 'foo'],
    ['/foo/', 'foo'],
    ['/foo/x', 'foo'],
    ['/foobar', 'foobar'],
    ['/foobarbaz', 'root'],
    ['/foo/bar', 'deep'],
    ['/foo/bar/baz', 'deep'],
    ['/foo/barn', 'foo'],
    ['/fo', 'root'],
    ['/foo?q=1', 'foo'],
    ['/', 'root'],
  ])('%s goes to %s', async (path, want) => {
    const res = await t.get('shop.example.com', path);
    expect(res.status).toBe(200);
    expect(res.backend).toBe(want);
  });

  test('a path with a trailing slash serves only what is below it', async () => {
    expect((await t.get('slash.example.com', '/dir/x')).backend).toBe('slash');
    expect((await t.get('slash.example.com', '/dir')).status).toBe(503);
  });

  test('a Host header carrying a path cannot shift the path boundary', async () => {
    const res = await rawGet(t.httpPort, 'shop.example.com/foo', '/x');
    expect(res.status).toBe(503);
  });

  test('path matching is case-sensitive, host matching is not', async () => {
    expect((await t.get('SHOP.example.com', '/FOO')).backend).toBe('root');
  });
});
