import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { connect } from 'node:net';
import { startBackend, startTlsBackend, type TestBackend } from '../support/backend.ts';
import { makeSelfSignedLeaf } from '../support/certs.ts';
import { routeJson, sliceYaml } from '../support/manifests.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';
import { tlsGet } from '../support/tls-client.ts';

const RL = 'haproxy.router.openshift.io/rate-limit-connections';

/** Answers after `?ms=N` milliseconds. */
function startSlowBackend(): TestBackend {
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      await Bun.sleep(Number(new URL(req.url).searchParams.get('ms') ?? 0));
      return new Response('slow\n', { headers: { 'x-backend': 'slow' } });
    },
  });
  return { name: 'slow', port: server.port as number, stop: () => server.stop(true) };
}

const pem = makeSelfSignedLeaf({ dnsNames: ['p.example.com'] });
let slow: TestBackend;
let web: TestBackend;
let secure: TestBackend;
let t: TestRouter | undefined;

beforeAll(() => {
  slow = startSlowBackend();
  web = startBackend('web');
  secure = startTlsBackend('secure', pem);
});
afterEach(async () => {
  await t?.stop();
  t = undefined;
});
afterAll(async () => {
  await Promise.all([slow.stop(), web.stop(), secure.stop()]);
});

const slices = () => ({
  'slow-eps.yaml': sliceYaml({ service: 'slow', ports: [slow.port] }),
  'web-eps.yaml': sliceYaml({ service: 'web', ports: [web.port] }),
  'secure-eps.yaml': sliceYaml({ service: 'secure', ports: [secure.port] }),
});
const limited = (name: string, service: string, limits: Record<string, string>) =>
  routeJson({ name, host: `${name}.example.com`, service, annotations: { [RL]: 'true', ...Object.fromEntries(Object.entries(limits).map(([k, v]) => [`${RL}.${k}`, v])) } });
const workerPids = async (router: TestRouter) => (await router.router.supervisor.procState())?.workerPids;
/** A status, or 0 when haproxy closed the connection without one. */
const status = (router: TestRouter, host: string, path = '/') => router.get(host, path).then((a) => a.status, () => 0);
const statuses = async (router: TestRouter, host: string, n: number) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await status(router, host));
  return out;
};

async function writeLive(router: TestRouter, file: string, text: string): Promise<void> {
  const pids = await workerPids(router);
  await router.write(file, text);
  expect(router.router.lastCommit()?.result).toBe('runtime');
  expect(await workerPids(router)).toEqual(pids);
}

describe('rate-limit-connections', () => {
  test('rate-http: N requests per 10 s per client and route, then the status-code (beyond upstream) or a closed connection; changed live', async () => {
    t = await startTestRouter({ manifests: { ...slices(), 'a.json': limited('a', 'web', { 'rate-http': '3', 'status-code': '429' }), 'b.json': limited('b', 'web', { 'rate-http': '2' }) } });
    expect(await statuses(t, 'a.example.com', 5)).toEqual([200, 200, 200, 429, 429]);
    // Upstream's answer: the connection is closed.
    expect(await statuses(t, 'b.example.com', 3)).toEqual([200, 200, 0]);
    // Each route counts for itself.
    await writeLive(t, 'a.json', limited('a', 'web', { 'rate-http': '100', 'status-code': '503' }));
    expect(await status(t, 'a.example.com')).toBe(200);
    await writeLive(t, 'b.json', routeJson({ name: 'b', host: 'b.example.com', service: 'web' }));
    expect(await statuses(t, 'b.example.com', 3)).toEqual([200, 200, 200]);
    // A new route takes a spare, and its limits with it.
    await writeLive(t, 'n.json', limited('n', 'web', { 'rate-http': '1', 'status-code': '503' }));
    expect(await statuses(t, 'n.example.com', 2)).toEqual([200, 503]);
  });

  // Upstream's `src_conn_cur ge N`: the count includes the connection being judged, so N - 1 are let through.
  test('concurrent-tcp: N - 1 requests in flight per client and route, as upstream', async () => {
    t = await startTestRouter({ manifests: { ...slices(), 'a.json': limited('a', 'slow', { 'concurrent-tcp': '2' }) } });
    const first = status(t, 'a.example.com', '/?ms=600');
    await Bun.sleep(150);
    expect(await status(t, 'a.example.com')).toBe(0);
    expect(await first).toBe(200);
    expect(await status(t, 'a.example.com')).toBe(200);
  });

  test('rate-tcp on a passthrough route: N - 1 connections per 3 s (as upstream), counted in its backend', async () => {
    const route = (limit: string) =>
      routeJson({ name: 'p', host: 'p.example.com', service: 'secure', tls: { termination: 'passthrough' }, annotations: { [RL]: 'true', [`${RL}.rate-tcp`]: limit } });
    t = await startTestRouter({ manifests: { ...slices(), 'p.json': route('3') } });
    const once = () => tlsGet(t?.httpsPort ?? 0, { servername: 'p.example.com', host: 'p.example.com' }).then((a) => a.status ?? 0);
    expect([await once(), await once(), await once()]).toEqual([200, 200, 0]);
    await writeLive(t, 'p.json', route('50'));
    expect(await once()).toBe(200);
  });

  test('the limits alone do nothing while the switch is off, as upstream', async () => {
    t = await startTestRouter({
      manifests: { ...slices(), 'a.json': routeJson({ name: 'a', host: 'a.example.com', service: 'web', annotations: { [`${RL}.rate-http`]: '1' } }) },
    });
    expect(await statuses(t, 'a.example.com', 3)).toEqual([200, 200, 200]);
    expect(t.router.lastCommit()?.notices.get('default/a')).toContain(`${RL}.rate-http: ignored, as upstream, while ${RL} is not true`);
  });
});

test('no connection reaches a limited route past its limit even when opened raw', async () => {
  t = await startTestRouter({ manifests: { ...slices(), 'a.json': limited('a', 'web', { 'rate-tcp': '2' }) } });
  expect(await status(t, 'a.example.com')).toBe(200);
  const reply = await new Promise<string>((resolve) => {
    let text = '';
    const s = connect(t?.httpPort ?? 0, '127.0.0.1', () => s.write('GET / HTTP/1.1\r\nHost: a.example.com\r\n\r\n'));
    s.on('data', (d) => (text += d.toString()));
    s.on('close', () => resolve(text));
    s.on('error', () => resolve(text));
  });
  expect(reply).toBe('');
});
