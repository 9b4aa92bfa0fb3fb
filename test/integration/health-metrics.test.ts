/**
 * The health and metrics endpoints of a router running in this process
 * with a real haproxy: health through its states (before the sources have
 * synced, serving, shutting down), /metrics parsed as a scraper would and
 * checked for upstream's names and labels and the router's own, with and
 * without credentials, over TLS beside plain HTTP, and haproxy's own stats
 * page when --metrics-type is not given.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseOptions } from '../../src/cli/parse-options.ts';
import type { Source, SourceSink } from '../../src/domain/events.ts';
import { startRouter, type RunningRouter } from '../../src/router.ts';
import { ManifestSource } from '../../src/sources/manifest/manifest-source.ts';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { makeCA, makeLeaf } from '../support/certs.ts';
import { captureLogs, type LogCapture } from '../support/log-capture.ts';
import { routeYaml, sliceYaml } from '../support/manifests.ts';
import { freePort, freePortPair, get, rawRequest } from '../support/net.ts';
import { runInNetns } from '../support/netns.ts';
import { haproxyPidsUsing } from '../support/processes.ts';
import { labelsAndValue, parseExposition, type MetricFamily } from '../support/prometheus.ts';
import { shortTempDir } from '../support/workdir.ts';

const AUTH = { Authorization: `Basic ${Buffer.from('admin:s3cret').toString('base64')}` };
const CREDENTIALS = ['--stats-user=admin', '--stats-password=s3cret'];

let backend: TestBackend;
beforeAll(() => {
  backend = startBackend('hello');
});
afterAll(() => backend.stop());

/** A source whose initial sync waits for the test: the router's state before sync. */
class HeldSync implements Source {
  private release: () => void = () => {};
  private readonly held = new Promise<void>((resolve) => (this.release = resolve));
  constructor(private readonly inner: Source) {}
  start(sink: SourceSink): Promise<void> {
    return this.inner.start({ apply: (events) => sink.apply(events), held: (kind, key) => sink.held(kind, key), synced: () => void this.held.then(() => sink.synced()) });
  }
  stop(): Promise<void> {
    return this.inner.stop();
  }
  sync(): void {
    this.release();
  }
}

interface Started extends LogCapture {
  starting: Promise<RunningRouter>;
  source: HeldSync;
  manifests: ManifestSource;
  httpPort: number;
  statsPort: number;
  manifestsDir: string;
  workingDir: string;
  /** A request to the health and metrics port. */
  stats(path: string, headers?: Record<string, string>): Promise<{ status: number; body: string; headers: Headers }>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function launch(args: string[], env: Record<string, string> = {}, holdSync = false): Promise<Started> {
  const tmp = shortTempDir('rhm');
  const manifestsDir = join(tmp.path, 'm');
  const workingDir = join(tmp.path, 'w');
  await Bun.write(join(manifestsDir, 'hello.yaml'), `${routeYaml({ name: 'hello', host: 'hello.example.com', namespace: 'shop' })}---\n${sliceYaml({ service: 'hello', namespace: 'shop', ports: [backend.port] })}`);
  const [httpPort, httpsPort] = await freePortPair();
  const statsPort = await freePort();
  const argv = [`--manifests=${manifestsDir}`, `--working-dir=${workingDir}`, '--bind-address=127.0.0.1', `--http-port=${httpPort}`, `--https-port=${httpsPort}`, '--interval=0s'];
  const parsed = parseOptions([...argv, ...args.map((a) => a.replace('PORT', String(statsPort)))], { ROUTER_GRACEFUL_SHUTDOWN_DELAY: '0s', ...env });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const capture = captureLogs();
  const manifests = new ManifestSource({ dir: manifestsDir, logger: capture.logger.withTag('manifests') });
  const source = new HeldSync(manifests);
  if (!holdSync) source.sync();
  const starting = startRouter(parsed.options, { logger: capture.logger, source });
  cleanups.push(async () => {
    source.sync();
    await (await starting.catch(() => undefined))?.stopNow();
    for (const pid of haproxyPidsUsing(join(workingDir, 'run'))) process.kill(pid, 'SIGKILL');
    tmp.remove();
  });
  const stats = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`http://127.0.0.1:${statsPort}${path}`, { headers: { ...headers, Connection: 'close' } });
    return { status: res.status, body: await res.text(), headers: res.headers };
  };
  return { ...capture, starting, source, manifests, httpPort, statsPort, manifestsDir, workingDir, stats };
}

const listening = (r: Started) => r.waitForLog((l) => l.tag === 'http' && l.msg.startsWith('health and metrics on'));

describe('health through its states', () => {
  test('before sync: alive, not ready; serving: ready; shutting down: not ready, still alive and serving', async () => {
    const r = await launch(['--metrics-type=haproxy', '--listen-addr=127.0.0.1:PORT'], { ROUTER_GRACEFUL_SHUTDOWN_DELAY: '2s' }, true);
    await listening(r);
    expect(await r.stats('/healthz')).toMatchObject({ status: 200, body: 'ok' });
    const before = await r.stats('/healthz/ready');
    expect(before.status).toBe(500);
    expect(before.body).toBe('[-]backend-http failed: reason withheld\n[-]has-synced failed: reason withheld\n[+]process-running ok\nhealthz/ready check failed\n');
    expect((await r.stats('/healthz/ready/has-synced')).body).toBe('internal server error: router not synced\n');

    r.source.sync();
    const router = await r.starting;
    expect(await r.stats('/healthz/ready')).toMatchObject({ status: 200, body: 'ok' });
    expect((await r.stats('/healthz?verbose')).body).toBe('[+]controller ok\n[+]admin-socket ok\nhealthz check passed\n');
    // What readiness asks haproxy: its public frontend answers by itself.
    expect((await get(r.httpPort, 'any.example.com', '/_______internal_router_healthz')).status).toBe(200);

    const stopping = router.stop();
    const during = await r.stats('/healthz/ready');
    expect(during.status).toBe(500);
    expect(during.body).toContain('[-]process-running failed: reason withheld\n');
    expect(await r.stats('/healthz')).toMatchObject({ status: 200, body: 'ok' });
    expect((await get(r.httpPort, 'hello.example.com')).backend).toBe('hello');
    await stopping;
    await expect(r.stats('/healthz')).rejects.toThrow();
  }, 20_000);

  test('liveness fails while haproxy does not answer on its admin socket', async () => {
    const r = await launch(['--metrics-type=haproxy', '--listen-addr=127.0.0.1:PORT']);
    const router = await r.starting;
    // A frozen worker: its admin socket accepts and never answers, and the supervisor sees nothing exit.
    const workers = haproxyPidsUsing(join(r.workingDir, 'run')).filter((pid) => pid !== router.supervisor.masterPid);
    expect(workers.length).toBeGreaterThan(0);
    for (const pid of workers) process.kill(pid, 'SIGSTOP');
    try {
      const frozen = await r.stats('/healthz');
      expect(frozen.status).toBe(500);
      expect(frozen.body).toBe('[+]controller ok\n[-]admin-socket failed: reason withheld\nhealthz check failed\n');
    } finally {
      for (const pid of workers) process.kill(pid, 'SIGCONT');
    }
    expect((await r.stats('/healthz')).status).toBe(200);
  });
});

const families = async (r: Started, headers: Record<string, string> = AUTH) => {
  const res = await r.stats('/metrics', headers);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(res.body);
};
const samples = (f: Map<string, MetricFamily>, name: string) => f.get(name)?.samples.map(labelsAndValue) ?? [];

describe('/metrics', () => {
  test("with credentials: upstream's names and labels, the router's own, and a route on a spare labelled with the route", async () => {
    const r = await launch(['--metrics-type=haproxy', '--listen-addr=127.0.0.1:PORT', ...CREDENTIALS], { ROUTER_METRICS_HAPROXY_BASE_SCRAPE_INTERVAL: '0s' });
    const router = await r.starting;
    expect((await get(r.httpPort, 'hello.example.com')).status).toBe(200);
    const wrong: Record<string, string>[] = [{}, { Authorization: `Basic ${Buffer.from('admin:wrong').toString('base64')}` }, { Authorization: 'Bearer token' }];
    for (const headers of wrong) {
      const denied = await r.stats('/metrics', headers);
      expect(denied.status).toBe(401);
      expect(denied.headers.get('www-authenticate')).toBe('Basic realm="router"');
    }
    expect((await r.stats('/debug/pprof/')).status).toBe(401);
    expect((await r.stats('/healthz')).status).toBe(200);

    // A new route goes live on a spare backend, through the runtime API.
    writeFileSync(join(r.manifestsDir, 'cart.yaml'), `${routeYaml({ name: 'cart', host: 'cart.example.com', namespace: 'shop', service: 'hello' })}`);
    await r.manifests.rescan();
    await router.flush();
    expect((await get(r.httpPort, 'cart.example.com')).status).toBe(200);

    // haproxy counts a response once its stream ends, which can be just after the client has read it.
    const responses = (f: Awaited<ReturnType<typeof families>>) => Number(samples(f, 'haproxy_frontend_http_responses_total').find((s) => s.labels.frontend === 'public' && s.labels.code === '2xx')?.value);
    let f = await families(r);
    for (let tries = 0; responses(f) < 2 && tries < 50; tries++) f = await families(r);
    for (const name of ['template_router_reload_seconds', 'template_router_write_config_seconds']) expect(f.get(name)?.type).toBe('summary');
    expect(samples(f, 'template_router_reload_failure')).toEqual([{ labels: {}, value: '0' }]);
    expect(samples(f, 'haproxy_up')).toEqual([{ labels: {}, value: '1' }]);
    expect(responses(f)).toBeGreaterThanOrEqual(2);
    const up = samples(f, 'haproxy_backend_up').map((s) => s.labels);
    expect(up).toContainEqual({ backend: 'http', namespace: 'shop', route: 'hello' });
    expect(up).toContainEqual({ backend: 'http', namespace: 'shop', route: 'cart' });
    expect(up.filter((l) => l.namespace?.startsWith('_'))).toEqual([]);
    expect(samples(f, 'haproxy_backend_connections_total').find((s) => s.labels.route === 'cart')?.value).toBe('1');
    expect(samples(f, 'haproxy_server_up').map((s) => s.labels)).toContainEqual({ server: `127.0.0.1:${backend.port}`, namespace: 'shop', route: 'cart', pod: '', service: 'hello' });
    expect(samples(f, 'router_routes_admitted')).toEqual([{ labels: {}, value: '2' }]);
    expect(samples(f, 'router_runtime_updates_total')).toEqual([{ labels: { result: 'applied' }, value: '1' }]);
    expect(samples(f, 'router_runtime_commands_total').map((s) => s.labels.kind)).toContain('add-server');
    const latency = f.get('router_commit_latency_seconds')?.samples.filter((s) => s.name.endsWith('_count')).map(labelsAndValue);
    expect(latency).toEqual([
      { labels: { applied_by: 'reload' }, value: '1' },
      { labels: { applied_by: 'runtime' }, value: '1' },
    ]);
  });

  test('a Host header no URL can be made of is a 400 on every path, not an error of the server', async () => {
    const r = await launch(['--metrics-type=haproxy', '--listen-addr=127.0.0.1:PORT', ...CREDENTIALS]);
    await r.starting;
    for (const host of ['[::1', 'a%zz', 'x:99999999', 'user@host'])
      for (const path of ['/healthz', '/healthz/ready', '/metrics']) expect([host, path, (await rawRequest(r.statsPort, path, [`Host: ${host}`])).status]).toEqual([host, path, 400]);
    expect((await r.stats('/healthz')).status).toBe(200);
  });

  test('without credentials, on a loopback address, /metrics is open', async () => {
    const r = await launch(['--metrics-type=haproxy', '--listen-addr=127.0.0.1:PORT']);
    await r.starting;
    expect(samples(await families(r, {}), 'haproxy_up')).toEqual([{ labels: {}, value: '1' }]);
    expect((await r.stats('/nothing')).status).toBe(404);
  });
});

describe('/metrics over TLS', () => {
  const tmp = shortTempDir('rhm-tls');
  const ca = makeCA('metrics-ca');
  const leaf = makeLeaf(ca, { dnsNames: ['localhost'] });
  const certFile = join(tmp.path, 'tls.crt');
  const keyFile = join(tmp.path, 'tls.key');
  writeFileSync(certFile, leaf.cert);
  writeFileSync(keyFile, leaf.key);
  afterAll(() => tmp.remove());

  test('TLS and plain HTTP on the same port, as upstream', async () => {
    const r = await launch(['--metrics-type=haproxy', '--listen-addr=127.0.0.1:PORT', ...CREDENTIALS], { ROUTER_METRICS_TLS_CERT_FILE: certFile, ROUTER_METRICS_TLS_KEY_FILE: keyFile });
    await r.starting;
    const tls = { ca: ca.cert, checkServerIdentity: () => undefined };
    const secure = await fetch(`https://127.0.0.1:${r.statsPort}/metrics`, { headers: AUTH, tls });
    expect(secure.status).toBe(200);
    expect(parseExposition(await secure.text()).has('haproxy_up')).toBe(true);
    expect((await fetch(`https://127.0.0.1:${r.statsPort}/metrics`, { tls })).status).toBe(401);
    expect(await r.stats('/healthz')).toMatchObject({ status: 200, body: 'ok' });
    await expect(fetch(`https://127.0.0.1:${r.statsPort}/healthz`, { tls: { ca: makeCA('other').cert } })).rejects.toThrow();
  });

  test('a certificate file that does not exist is a start-up error, and nothing is left running', async () => {
    const r = await launch(['--metrics-type=haproxy', '--listen-addr=127.0.0.1:PORT'], { ROUTER_METRICS_TLS_CERT_FILE: join(tmp.path, 'missing.crt'), ROUTER_METRICS_TLS_KEY_FILE: keyFile });
    await expect(r.starting).rejects.toThrow(`ROUTER_METRICS_TLS_CERT_FILE: cannot read ${join(tmp.path, 'missing.crt')}`);
    await r.starting.catch(() => undefined);
    expect(haproxyPidsUsing(join(r.workingDir, 'run'))).toEqual([]);
    await expect(r.stats('/healthz')).rejects.toThrow();
  });
});

describe("haproxy's stats page (no --metrics-type)", () => {
  test('haproxy answers /healthz, and its stats page with credentials only', async () => {
    const r = await launch(['--listen-addr=127.0.0.1:PORT', ...CREDENTIALS]);
    await r.starting;
    expect((await r.stats('/healthz')).status).toBe(200);
    expect((await r.stats('/')).status).toBe(401);
    const page = await r.stats('/', AUTH);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Statistics Report');
    expect((await r.stats('/metrics', AUTH)).body).not.toContain('template_router');
  });
});

describe('dist/router on an address other than loopback (own network namespace)', () => {
  test('refused without credentials; with them, /metrics asks for them and the compiled binary serves it', async () => {
    const r = await runInNetns<{
      refused: { exit: number; stderr: string };
      withoutCredentials: number;
      withCredentials: number;
      names: string[];
      haproxyUp: string;
      ready: { status: number; body: string };
      exit: number;
    }>(join(import.meta.dir, 'netns', 'metrics-address.scenario.ts'));
    expect(r.refused.exit).toBe(2);
    expect(r.refused.stderr).toContain('/metrics would be served without credentials on 0.0.0.0 (port 1936)');
    expect(r.withoutCredentials).toBe(401);
    expect(r.withCredentials).toBe(200);
    expect(r.haproxyUp).toBe('1');
    for (const name of ['template_router_reload_seconds', 'template_router_reload_failure', 'template_router_write_config_seconds', 'haproxy_frontend_bytes_in_total', 'haproxy_backend_up', 'haproxy_server_up', 'router_commit_latency_seconds', 'process_cpu_seconds_total']) {
      expect(r.names).toContain(name);
    }
    expect(r.ready).toEqual({ status: 200, body: 'ok' });
    expect(r.exit).toBe(0);
  }, 60_000);
});
