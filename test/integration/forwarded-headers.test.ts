import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startEchoBackend, type EchoedRequest, type TestBackend } from '../support/backend.ts';
import { makeCA, makeLeaf } from '../support/certs.ts';
import { h2Request } from '../support/h2-client.ts';
import { routeJson, sliceYaml } from '../support/manifests.ts';
import { rawRequest } from '../support/net.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';
import { tlsGet } from '../support/tls-client.ts';
import type { ForwardedHeaderPolicy } from '../../src/traffic-options.ts';

const HOST = 'app.example.com';
const ca = makeCA('forwarded-ca');
const serving = makeLeaf(ca, { dnsNames: [HOST] });
let backend: TestBackend;
const routers = new Map<ForwardedHeaderPolicy, TestRouter>();

beforeAll(async () => {
  backend = startEchoBackend('app');
  for (const policy of ['append', 'replace', 'if-none', 'never'] as const) {
    const router = await startTestRouter({
      manifests: {
        'app.json': routeJson({ name: 'app', host: HOST, tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Allow', certificate: serving.cert, key: serving.key } }),
        'eps.yaml': sliceYaml({ service: 'app', ports: [backend.port] }),
      },
      env: { ROUTER_SET_FORWARDED_HEADERS: policy },
    });
    routers.set(policy, router);
  }
});

afterAll(async () => {
  for (const router of routers.values()) await router.stop();
  await backend?.stop();
});

/** What a proxy in front of the router (or a client lying) already wrote. */
const CLIENT_SENT = {
  'X-Forwarded-For': '192.0.2.7',
  'X-Forwarded-Host': 'front.example.com',
  'X-Forwarded-Proto': 'https',
  Forwarded: 'for=192.0.2.7',
};
const FORWARDED = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-proto', 'x-forwarded-proto-version', 'forwarded'];

function forwarded(body: string): Record<string, string> {
  const headers = (JSON.parse(body) as EchoedRequest).headers;
  return Object.fromEntries(FORWARDED.filter((name) => headers[name] !== undefined).map((name) => [name, headers[name] ?? '']));
}

const router = (policy: ForwardedHeaderPolicy) => {
  const r = routers.get(policy);
  if (!r) throw new Error(`no router for ${policy}`);
  return r;
};

async function plain(policy: ForwardedHeaderPolicy, sent: Record<string, string>) {
  const res = await rawRequest(router(policy).httpPort, '/', [`Host: ${HOST}`, ...Object.entries(sent).map(([n, v]) => `${n}: ${v}`)]);
  expect(res.status).toBe(200);
  return forwarded(res.body);
}

describe('ROUTER_SET_FORWARDED_HEADERS, over plain HTTP', () => {
  const ours = (port: number) => ({
    'x-forwarded-for': '127.0.0.1',
    'x-forwarded-host': HOST,
    'x-forwarded-port': String(port),
    'x-forwarded-proto': 'http',
    forwarded: `for=127.0.0.1;host=${HOST};proto=http`,
  });

  test.each(['append', 'replace', 'if-none'] as const)('%s: a request with none gets them all', async (policy) => {
    expect(await plain(policy, {})).toEqual(ours(router(policy).httpPort));
  });

  test('append (the default): ours come after what was sent', async () => {
    expect(await plain('append', CLIENT_SENT)).toEqual({
      'x-forwarded-for': '192.0.2.7, 127.0.0.1',
      'x-forwarded-host': `front.example.com, ${HOST}`,
      'x-forwarded-port': String(router('append').httpPort),
      'x-forwarded-proto': 'https, http',
      forwarded: `for=192.0.2.7, for=127.0.0.1;host=${HOST};proto=http`,
    });
  });

  test('replace: only ours reach the pod', async () => {
    expect(await plain('replace', CLIENT_SENT)).toEqual(ours(router('replace').httpPort));
  });

  test('if-none: what was sent stays, ours fill in what was not', async () => {
    expect(await plain('if-none', CLIENT_SENT)).toEqual({
      'x-forwarded-for': '192.0.2.7',
      'x-forwarded-host': 'front.example.com',
      'x-forwarded-port': String(router('if-none').httpPort),
      'x-forwarded-proto': 'https',
      forwarded: 'for=192.0.2.7',
    });
  });

  test('never: the request reaches the pod as it came', async () => {
    expect(await plain('never', {})).toEqual({});
    expect(await plain('never', CLIENT_SENT)).toEqual(Object.fromEntries(Object.entries(CLIENT_SENT).map(([n, v]) => [n.toLowerCase(), v])));
  });
});

describe('ROUTER_SET_FORWARDED_HEADERS, over TLS', () => {
  test.each(['append', 'replace', 'if-none'] as const)('%s: https, and the HTTP/2 version only for HTTP/2', async (policy) => {
    const r = router(policy);
    const h1 = await tlsGet(r.httpsPort, { servername: HOST, host: HOST });
    expect(forwarded(h1.body)).toEqual({
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-host': HOST,
      'x-forwarded-port': String(r.httpsPort),
      'x-forwarded-proto': 'https',
      forwarded: `for=127.0.0.1;host=${HOST};proto=https`,
    });
    const h2 = await h2Request(r.httpsPort, HOST, [[':method', 'GET'], [':scheme', 'https'], [':path', '/'], [':authority', HOST]]);
    expect(h2.status).toBe(200);
    expect(forwarded(h2.body)).toMatchObject({ 'x-forwarded-proto': 'https', 'x-forwarded-proto-version': 'h2' });
  });

  test('never: nothing added over HTTP/2 either', async () => {
    const h2 = await h2Request(router('never').httpsPort, HOST, [[':method', 'GET'], [':scheme', 'https'], [':path', '/'], [':authority', HOST]]);
    expect(forwarded(h2.body)).toEqual({});
  });
});

describe('haproxy.router.openshift.io/set-forwarded-headers: a route of its own policy, set and changed live', () => {
  test('under a global never, a route asks for replace, then if-none; another route keeps the global policy', async () => {
    const r = router('never');
    const other = 'own.example.com';
    const route = (policy: string) => routeJson({ name: 'own', host: other, service: 'app', annotations: { 'haproxy.router.openshift.io/set-forwarded-headers': policy } });
    const pids = (await r.router.supervisor.procState())?.workerPids;
    const via = async (host: string, sent: Record<string, string>) => {
      const res = await rawRequest(r.httpPort, '/', [`Host: ${host}`, ...Object.entries(sent).map(([n, v]) => `${n}: ${v}`)]);
      return forwarded(res.body);
    };
    await r.write('own.json', route('replace'));
    expect(r.router.lastCommit()?.result).toBe('runtime');
    expect(await via(other, CLIENT_SENT)).toEqual({
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-host': other,
      'x-forwarded-port': String(r.httpPort),
      'x-forwarded-proto': 'http',
      forwarded: `for=127.0.0.1;host=${other};proto=http`,
    });
    await r.write('own.json', route('if-none'));
    expect(r.router.lastCommit()?.result).toBe('runtime');
    expect(await via(other, { 'X-Forwarded-For': '192.0.2.7' })).toMatchObject({ 'x-forwarded-for': '192.0.2.7', 'x-forwarded-host': other });
    expect(await via(HOST, CLIENT_SENT)).toEqual(Object.fromEntries(Object.entries(CLIENT_SENT).map(([n, v]) => [n.toLowerCase(), v])));
    expect((await r.router.supervisor.procState())?.workerPids).toEqual(pids);
    await r.remove('own.json');
  });
});
