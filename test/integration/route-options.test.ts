import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { routeJson, sliceYaml } from '../support/manifests.ts';
import { getFrom } from '../support/net.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';
import { tlsGet } from '../support/tls-client.ts';

const H = 'haproxy.router.openshift.io/';

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

let slow: TestBackend;
let web: TestBackend;
let t: TestRouter | undefined;

beforeAll(() => {
  slow = startSlowBackend();
  web = startBackend('web');
});
afterEach(async () => {
  await t?.stop();
  t = undefined;
});
afterAll(async () => {
  await slow.stop();
  await web.stop();
});

const slices = () => ({ 'slow-eps.yaml': sliceYaml({ service: 'slow', ports: [slow.port] }), 'web-eps.yaml': sliceYaml({ service: 'web', ports: [web.port] }) });
const plain = (name: string, service: string, annotations: Record<string, string> = {}) => routeJson({ name, host: `${name}.example.com`, service, annotations });
const edge = (name: string, service: string, annotations: Record<string, string> = {}, policy?: 'Allow') =>
  routeJson({ name, host: `${name}.example.com`, service, annotations, tls: { termination: 'edge', ...(policy ? { insecureEdgeTerminationPolicy: policy } : {}) } });
const workerPids = async (router: TestRouter) => (await router.router.supervisor.procState())?.workerPids;
const status = async (router: TestRouter, host: string, ms: number) => (await router.get(host, `/?ms=${ms}`)).status;

/** Applies a manifest change and asserts it went live through the runtime API, the haproxy worker unchanged. */
async function writeLive(router: TestRouter, file: string, text: string): Promise<void> {
  const pids = await workerPids(router);
  await router.write(file, text);
  expect(router.router.lastCommit()?.result).toBe('runtime');
  expect(await workerPids(router)).toEqual(pids);
}

describe('haproxy.router.openshift.io/timeout', () => {
  test('bounds the wait for the server; changed, removed and set on a new route without a reload', async () => {
    t = await startTestRouter({ manifests: { ...slices(), 'r.json': plain('r', 'slow', { [`${H}timeout`]: '300ms' }) } });
    expect(await status(t, 'r.example.com', 20)).toBe(200);
    expect(await status(t, 'r.example.com', 800)).toBe(504);
    await writeLive(t, 'r.json', plain('r', 'slow', { [`${H}timeout`]: '5s' }));
    expect(await status(t, 'r.example.com', 800)).toBe(200);
    await writeLive(t, 'r.json', plain('r', 'slow', { [`${H}timeout`]: '1500us' }));
    expect(await status(t, 'r.example.com', 300)).toBe(504);
    await writeLive(t, 'r.json', plain('r', 'slow'));
    expect(await status(t, 'r.example.com', 800)).toBe(200);
    // A new route takes a spare and its timeout with it.
    await writeLive(t, 'n.json', plain('n', 'slow', { [`${H}timeout`]: '300ms' }));
    expect(await status(t, 'n.example.com', 800)).toBe(504);
    expect(await status(t, 'n.example.com', 20)).toBe(200);
  });
});

describe('haproxy.router.openshift.io/hsts_header', () => {
  const hsts = async (router: TestRouter, name: string) =>
    (await tlsGet(router.httpsPort, { servername: `${name}.example.com`, host: `${name}.example.com` })).headers['strict-transport-security'];

  test('edge routes send it; it changes live, on a spare too; plain HTTP routes never send it', async () => {
    t = await startTestRouter({ manifests: { ...slices(), 'e.json': edge('e', 'web', { [`${H}hsts_header`]: 'max-age=31536000 ; includeSubDomains;preload' }), 'p.json': plain('p', 'web', { [`${H}hsts_header`]: 'max-age=1' }) } });
    expect(await hsts(t, 'e')).toBe('max-age=31536000;includeSubDomains;preload');
    expect((await t.get('p.example.com')).headers.get('strict-transport-security')).toBeNull();
    await writeLive(t, 'e.json', edge('e', 'web', { [`${H}hsts_header`]: 'max-age=300' }));
    expect(await hsts(t, 'e')).toBe('max-age=300');
    await writeLive(t, 'e.json', edge('e', 'web'));
    expect(await hsts(t, 'e')).toBeUndefined();
    await writeLive(t, 'n.json', edge('n', 'web', { [`${H}hsts_header`]: 'max-age=5;preload' }));
    expect(await hsts(t, 'n')).toBe('max-age=5;preload');
  });
});

describe('ip_allowlist goes live whatever it becomes', () => {
  test('removed, the route answers everyone; set again, only the list; a new route on a spare takes one', async () => {
    t = await startTestRouter({ manifests: { ...slices(), 'r.json': plain('r', 'web', { [`${H}ip_allowlist`]: '127.0.0.2' }) } });
    expect(await getFrom('127.0.0.1', t.httpPort, 'r.example.com')).toBeUndefined();
    await writeLive(t, 'r.json', plain('r', 'web'));
    expect(await getFrom('127.0.0.1', t.httpPort, 'r.example.com')).toEqual({ status: 200, backend: 'web' });
    await writeLive(t, 'r.json', plain('r', 'web', { [`${H}ip_allowlist`]: '127.0.0.3' }));
    expect(await getFrom('127.0.0.1', t.httpPort, 'r.example.com')).toBeUndefined();
    expect(await getFrom('127.0.0.3', t.httpPort, 'r.example.com')).toEqual({ status: 200, backend: 'web' });

    // The goal of issue #13: a new route with timeout, allowlist and HSTS, served without a reload.
    await writeLive(t, 'n.json', edge('n', 'web', { [`${H}ip_allowlist`]: '127.0.0.0/8', [`${H}timeout`]: '10s', [`${H}hsts_header`]: 'max-age=60' }, 'Allow'));
    expect(await getFrom('127.0.0.4', t.httpPort, 'n.example.com')).toEqual({ status: 200, backend: 'web' });
    await writeLive(t, 'n.json', edge('n', 'web', { [`${H}ip_allowlist`]: '127.0.0.5' }, 'Allow'));
    expect(await getFrom('127.0.0.4', t.httpPort, 'n.example.com')).toBeUndefined();
    expect(await getFrom('127.0.0.5', t.httpPort, 'n.example.com')).toEqual({ status: 200, backend: 'web' });
  });
});

describe('sticky cookies and balance: backend lines, so a change reloads', () => {
  const setCookie = async (router: TestRouter, name: string) =>
    (await tlsGet(router.httpsPort, { servername: `${name}.example.com`, host: `${name}.example.com` })).headers['set-cookie'];

  test('cookie_name names it, cookie-same-site sets SameSite on secure cookies, disable_cookies drops it', async () => {
    t = await startTestRouter({
      manifests: {
        ...slices(),
        'a.json': edge('a', 'web', { 'router.openshift.io/cookie_name': 'SESSION_a', 'router.openshift.io/cookie-same-site': 'Strict' }),
        'b.json': edge('b', 'web', { [`${H}disable_cookies`]: 'true' }),
        'c.json': edge('c', 'web', { 'router.openshift.io/cookie-same-site': 'lax' }),
      },
    });
    expect(await setCookie(t, 'a')).toMatch(/^SESSION_a=[0-9a-f]+; path=\/; HttpOnly; Secure; SameSite=Strict$/);
    expect(await setCookie(t, 'b')).toBeUndefined();
    // An invalid SameSite is ignored, as upstream: the default None.
    expect(await setCookie(t, 'c')).toEndWith('; SameSite=None');
    expect(t.router.lastCommit()?.notices.get('default/c')).toContain('router.openshift.io/cookie-same-site: "lax" is not Lax, Strict or None: ignored');

    await t.write('b.json', edge('b', 'web', { 'router.openshift.io/cookie_name': 'other', 'router.openshift.io/cookie-same-site': 'Lax' }));
    expect(t.router.lastCommit()?.result).toBe('reloaded');
    expect(await setCookie(t, 'b')).toMatch(/^other=[0-9a-f]+; path=\/; HttpOnly; Secure; SameSite=Lax$/);
  });

  test('balance picks the algorithm; haproxy accepts each', async () => {
    const algorithms = ['roundrobin', 'leastconn', 'source', 'random'];
    t = await startTestRouter({ manifests: { ...slices(), ...Object.fromEntries(algorithms.map((a) => [`${a}.json`, plain(a, 'web', { [`${H}balance`]: a })])) } });
    const config = await Bun.file(`${t.workingDir}/conf/haproxy.config`).text();
    const backends = [...new Bun.Glob('be-*.cfg').scanSync({ cwd: `${t.workingDir}/conf` })].map((f) => Bun.file(`${t?.workingDir}/conf/${f}`).text());
    const text = config + (await Promise.all(backends)).join('');
    for (const a of algorithms) {
      const block = text.slice(text.indexOf(`backend be_http:default:${a} from routes_http\n`)).split('\nbackend ')[0];
      expect(block).toContain(`\n  balance ${a}\n`);
      expect((await t.get(`${a}.example.com`)).status).toBe(200);
    }
  });
});

describe('hostile annotation values', () => {
  test('are ignored and named in the notice; none reaches a file', async () => {
    const MARK = 'zzhostile';
    const values = [`5s\n  timeout server 1 #${MARK}`, `max-age=1\nhttp-response set-header X ${MARK}`, `%[src]${MARK}`, `x' ${MARK}`, `roundrobin\n  server ${MARK} 1.2.3.4:1`];
    const names = [`${H}timeout`, `${H}timeout-tunnel`, `${H}hsts_header`, `${H}balance`, 'router.openshift.io/cookie_name', 'router.openshift.io/cookie-same-site'];
    t = await startTestRouter({
      manifests: { ...slices(), ...Object.fromEntries(values.map((v, i) => [`h${i}.json`, edge(`h${i}`, 'web', Object.fromEntries(names.map((n) => [n, v])))])) },
    });
    for (let i = 0; i < values.length; i++) {
      const notice = t.router.lastCommit()?.notices.get(`default/h${i}`) ?? '';
      for (const n of names) expect(notice).toContain(`${n}: `);
      expect((await tlsGet(t.httpsPort, { servername: `h${i}.example.com`, host: `h${i}.example.com` })).status).toBe(200);
    }
    for (const file of new Bun.Glob('**').scanSync({ cwd: `${t.workingDir}/conf/`, followSymlinks: true })) {
      expect(await Bun.file(`${t.workingDir}/conf/${file}`).text()).not.toContain(MARK);
    }
  });
});

describe('haproxy.router.openshift.io/rewrite-target', () => {
  const withPath = (name: string, path: string, target: string) =>
    JSON.stringify({
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: { name, namespace: 'default', annotations: { [`${H}rewrite-target`]: target } },
      spec: { host: 'rw.example.com', path, to: { kind: 'Service', name: 'web' } },
    });

  test("replaces the route's path in what the pod sees, as upstream; percent signs stay literal; a change reloads", async () => {
    t = await startTestRouter({ manifests: { ...slices(), 'a.json': withPath('a', '/api', '/'), 'b.json': withPath('b', '/v1.0', '/v2/%[src]') } });
    const body = async (path: string) => (await t?.get('rw.example.com', path))?.body;
    expect(await body('/api/items?x=1')).toBe('web /items\n');
    expect(await body('/api')).toBe('web /\n');
    // The route's path is matched literally, and a tenant cannot sample anything into the path.
    expect(await body('/v1.0/x')).toBe('web /v2/%[src]/x\n');
    await t.write('a.json', withPath('a', '/api', '/backend'));
    expect(t.router.lastCommit()?.result).toBe('reloaded');
    expect(await body('/api/items')).toBe('web /backend/items\n');
  });
});

describe('per-server and per-check annotations', () => {
  test('pod-concurrent-connections queues requests past the limit; changed live', async () => {
    t = await startTestRouter({ manifests: { ...slices(), 'r.json': plain('r', 'slow', { [`${H}pod-concurrent-connections`]: '1' }) } });
    const timed = async (ms: number) => {
      const start = performance.now();
      await t?.get('r.example.com', `/?ms=${ms}`);
      return performance.now() - start;
    };
    const first = timed(700);
    await Bun.sleep(100);
    // The second request waits in the server's queue until the first one is done.
    expect(await timed(0)).toBeGreaterThan(400);
    await first;
    await writeLive(t, 'r.json', plain('r', 'slow'));
    const again = timed(700);
    await Bun.sleep(100);
    expect(await timed(0)).toBeLessThan(300);
    await again;
  });

  test('haproxy.health.check.interval: the route checks its pods at its own interval; h1-adjust-case: a line where case adjustments are set', async () => {
    t = await startTestRouter({
      manifests: { ...slices(), 'r.json': plain('r', 'web', { 'router.openshift.io/haproxy.health.check.interval': '2500ms', [`${H}h1-adjust-case`]: 'true' }) },
      env: { ROUTER_H1_CASE_ADJUST: 'X-Custom' },
    });
    const conf = `${t.workingDir}/conf`;
    const texts = await Promise.all([...new Bun.Glob('*.cfg').scanSync({ cwd: conf })].map((f) => Bun.file(`${conf}/${f}`).text()));
    const all = texts.join('\n');
    expect(all).toMatch(new RegExp(`server chk\\d+ 127\\.0\\.0\\.1:${web.port} check inter 2500ms`));
    const block = all.slice(all.indexOf('backend be_http:default:r from routes_http\n')).split('\nbackend ')[0];
    expect(block).toContain('\n  option h1-case-adjust-bogus-server\n');
    expect((await t.get('r.example.com')).status).toBe(200);
  });
});
