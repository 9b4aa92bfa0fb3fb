/**
 * The Kubernetes-source integration tests' world: a fake API server reached
 * the way a real cluster is (HTTPS with its own CA, a bearer token), routers
 * started in-process exactly as `router --server ... --token ...` starts
 * them, with a real haproxy on loopback ports, real HTTP backends, and
 * builders for the API objects the router reads.
 *
 * Waiting is event-driven: `until` re-checks a condition after each commit of
 * the router and each request the fake receives, up to a deadline, so tests
 * never sleep for a guessed time.
 */
import { readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseOptions } from '../../src/cli/parse-options.ts';
import type { Logger } from '../../src/log.ts';
import { startRouter, type RunningRouter } from '../../src/router.ts';
import type { RouteIngress } from '../../src/status/ingress-status.ts';
import type { TestBackend } from './backend.ts';
import { generateTestCerts, type TestCerts } from './fake-api/certs.ts';
import { startFakeApiServer, type FakeApiServer, type KubeObject, type RecordedRequest, type StoredKind } from './fake-api/fake-api-server.ts';
import { freePortPair, get, type HttpAnswer } from './net.ts';
import { captureLogs, type LogCapture } from './log-capture.ts';
import { haproxyPidsUsing } from './processes.ts';
import { shortTempDir } from './workdir.ts';
import { readConfigText } from './config-text.ts';

/** The token the fake accepts unless a test asks for another. */
const API_TOKEN = 'router-test-token';

/** How long `until` waits by default: well under bun's per-test timeout, so a failure names what it waited for. */
const UNTIL_TIMEOUT_MS = 4000;
/** How long teardown waits for a launched router to finish starting, so it can be stopped. */
const LAUNCH_SETTLE_MS = 5000;

// One PKI per test process: openssl takes a while, and the material is throwaway anyway.
let pki: Promise<TestCerts> | undefined;
function testPki(): Promise<TestCerts> {
  pki ??= generateTestCerts();
  return pki;
}

/** A running fake API server and what a router needs to reach it. */
export interface KubeApi {
  readonly server: FakeApiServer;
  readonly token: string;
  /** The CA that signed the server's certificate, as a file for --certificate-authority. */
  readonly caFile: string;
}

export interface KubeRouterOptions {
  /** More flags: selection (--namespace, --labels, ...), status (--name, --update-status, ...). */
  args?: string[];
  /** The bearer token to present; default the one the API accepts. */
  token?: string;
  /** Present the token in this file (--token-file) instead of --token. */
  tokenFile?: string;
  /** Pass --allow-loopback-endpoints; default true, since the test backends listen on loopback. */
  allowLoopback?: boolean;
}


/** A router whose start was not awaited (it resolves only after the API has synced). */
export interface LaunchedRouter extends LogCapture {
  readonly ready: Promise<KubeTestRouter>;
}

/** A started in-process router on the Kubernetes source. */
export interface KubeTestRouter extends LogCapture {
  readonly router: RunningRouter;
  readonly api: KubeApi;
  /** One request through haproxy with this Host header. */
  get(host: string, path?: string): Promise<HttpAnswer>;
  /** haproxy's public HTTP and HTTPS ports. */
  readonly httpPort: number;
  readonly httpsPort: number;
  /** The haproxy.config currently active (`<working-dir>/conf/haproxy.config`). */
  config(): Promise<string>;
  /** The backend the prefix map sends `key` (e.g. `host/`) to, or undefined. Routes added live run on spare backends. */
  mappedBackend(key: string): Promise<string | undefined>;
  /** The generation `conf` points at, e.g. `generations/1`. */
  generation(): string;
  /** Resolves once `check` holds, re-checking after every commit and every API request; throws naming `what` after the deadline. */
  until(what: string, check: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>;
  /** Waits until `host` is answered by `want`: a backend name, or a status code (503: not served). */
  untilServed(host: string, want: string | number): Promise<void>;
  /** Waits until `check` holds, each time after every router on this API finished its status writes. */
  untilWritten(what: string, check: () => boolean): Promise<void>;
  /** Waits until `check` holds on the route's stored status, each time after every router on this API finished its status writes. */
  untilStatus(namespace: string, name: string, what: string, check: (ingress: RouteIngress[]) => boolean): Promise<void>;
}

/**
 * Everything one test starts, stopped by `teardown()`: first every router
 * (haproxy included), then the rest newest first (API servers, backends,
 * temp dirs). Create one per test and call `teardown` in `afterEach`.
 */
export class KubeTestbed {
  /** Routers go first whenever they were started: an API server stopped under a running router may see a request in flight, which can keep the fake's HTTPS listener from ever closing. */
  readonly #routerStops: (() => Promise<void>)[] = [];
  readonly #cleanups: (() => unknown)[] = [];
  readonly #routers: KubeTestRouter[] = [];

  /** A fake API server over TLS that demands a bearer token (`API_TOKEN` unless given); `port` reuses a port; `forbidden` resources get 403. */
  async startApi(opts: { token?: string; port?: number; forbidden?: string[]; disabledGroups?: string[] } = {}): Promise<KubeApi> {
    const certs = await testPki();
    const token = opts.token ?? API_TOKEN;
    const server = await startFakeApiServer({
      tls: { cert: certs.serverCert, key: certs.serverKey },
      token,
      ...(opts.port ? { port: opts.port } : {}),
      ...(opts.forbidden ? { forbidden: opts.forbidden } : {}),
      ...(opts.disabledGroups ? { disabledGroups: opts.disabledGroups } : {}),
    });
    this.#cleanups.push(() => server.stop());
    const dir = shortTempDir('kapi');
    this.#cleanups.push(() => dir.remove());
    const caFile = join(dir.path, 'ca.crt');
    writeFileSync(caFile, certs.ca);
    return { server, token, caFile };
  }

  /** A real HTTP backend that names itself in `x-backend`; `hostname` and `port` let two backends share a port on different loopback addresses. */
  startBackend(name: string, hostname = '127.0.0.1', port = 0): TestBackend {
    const server = Bun.serve({
      hostname,
      port,
      fetch(req) {
        return new Response(`${name} ${new URL(req.url).pathname}\n`, { headers: { 'x-backend': name } });
      },
    });
    const backend: TestBackend = { name, port: server.port as number, stop: () => server.stop(true) };
    this.#cleanups.push(() => backend.stop());
    return backend;
  }

  /** A Service (port 80, named http) and its slice in `server`, with a backend that answers as `name`. */
  app(server: FakeApiServer, name: string, namespace = 'default'): void {
    server.create(serviceObject(name, namespace));
    server.create(sliceObject({ service: name, port: this.startBackend(name).port, namespace }));
  }

  /**
   * Starts a router without waiting for it: startRouter resolves only once
   * every informer has synced, so a router that cannot reach the API is
   * observed through its logs. The test must let it sync before it ends:
   * teardown waits a bounded time for `ready` to stop it, and fails otherwise.
   */
  launchRouter(api: KubeApi, opts: KubeRouterOptions = {}): LaunchedRouter {
    const capture = captureLogs();
    const ready = this.#start(api, opts, capture);
    this.#routerStops.push(async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const gaveUp = new Promise<'gave up'>((resolve) => (timer = setTimeout(() => resolve('gave up'), LAUNCH_SETTLE_MS)));
      const t = await Promise.race([ready.catch(() => undefined), gaveUp]).finally(() => clearTimeout(timer));
      if (t === 'gave up') throw new Error(`a launched router never synced within ${LAUNCH_SETTLE_MS}ms and cannot be stopped; its informers keep retrying`);
      await t?.router.stop();
      // stop() does not wait for a status write already sent; it must be answered before its API server stops.
      await t?.router.status?.idle();
      await t?.router.ingressStatus?.idle();
      await t?.router.gatewayStatus?.idle();
    });
    return { ...capture, ready };
  }

  /** Starts a router and resolves once its first configuration (after the initial sync) is serving. */
  startRouter(api: KubeApi, opts: KubeRouterOptions = {}): Promise<KubeTestRouter> {
    return this.launchRouter(api, opts).ready;
  }

  /** Registers a cleanup of something the test started itself (a spawned process); it runs in `teardown`. */
  onTeardown(cleanup: () => unknown): void {
    this.#cleanups.push(cleanup);
  }

  /** Stops routers, then everything else newest first; safe to call when a test failed half-way. Every cleanup runs; the first failure is rethrown. */
  async teardown(): Promise<void> {
    const failures: unknown[] = [];
    const next = () => this.#routerStops.pop() ?? this.#cleanups.pop();
    for (let cleanup = next(); cleanup; cleanup = next()) {
      try {
        await cleanup();
      } catch (err) {
        failures.push(err);
      }
    }
    if (failures.length > 0) throw failures[0];
  }

  async #start(api: KubeApi, opts: KubeRouterOptions, capture: LogCapture & { logger: Logger }): Promise<KubeTestRouter> {
    const tmp = shortTempDir();
    const workingDir = join(tmp.path, 'w');
    // Registered before haproxy can exist, so a router that failed half-way still leaves no process behind.
    this.#cleanups.push(() => {
      for (const pid of haproxyPidsUsing(join(workingDir, 'run'))) process.kill(pid, 'SIGKILL');
      tmp.remove();
    });
    const [httpPort, httpsPort] = await freePortPair();
    const parsed = parseOptions(
      [
        `--server=${api.server.url}`,
        opts.tokenFile !== undefined ? `--token-file=${opts.tokenFile}` : `--token=${opts.token ?? api.token}`,
        `--certificate-authority=${api.caFile}`,
        ...(opts.allowLoopback === false ? [] : ['--allow-loopback-endpoints']),
        '--bind-address=127.0.0.1',
        `--http-port=${httpPort}`,
        `--https-port=${httpsPort}`,
        '--interval=0s',
        `--working-dir=${workingDir}`,
        ...(opts.args ?? []),
      ],
      // A test router stops at once: nothing stands in front of it that needs the graceful delay.
      { ROUTER_GRACEFUL_SHUTDOWN_DELAY: '0s' },
    );
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    // env {}: a developer's KUBECONFIG or ~/.kube/config must never decide which cluster a test talks to.
    const router = await startRouter(parsed.options, { logger: capture.logger, env: {} });
    const routers = this.#routers;
    const until = (what: string, check: () => boolean | Promise<boolean>, timeoutMs = UNTIL_TIMEOUT_MS) =>
      waitUntil(router, api.server, what, check, timeoutMs);
    const t: KubeTestRouter = {
      router,
      api,
      logs: capture.logs,
      waitForLog: capture.waitForLog,
      get: (host, path) => get(httpPort, host, path),
      httpPort,
      httpsPort,
      // As haproxy would find the files: the store writes the in-place updates still waiting first, as it does before haproxy reads them.
      config: async () => (await router.store.flush(), readConfigText(join(workingDir, 'conf', 'haproxy.config'))),
      mappedBackend: async (key) => {
        await router.store.flush();
        return readFileSync(join(workingDir, 'conf', 'os_http_be_prefix.map'), 'utf8')
          .split('\n')
          .find((line) => line.startsWith(`${key} `))
          ?.split(' ')[1];
      },
      generation: () => readlinkSync(join(workingDir, 'conf')),
      until,
      async untilServed(host, want) {
        let last: HttpAnswer | undefined;
        const describe = () => (last ? `${last.status} from ${last.backend ?? 'no backend'}` : 'nothing');
        await until(`${host} answered by ${want}`, async () => {
          last = await t.get(host);
          return typeof want === 'number' ? last.status === want : last.status === 200 && last.backend === want;
        }).catch((err: Error) => {
          throw new Error(`${err.message}; last answer: ${describe()}`);
        });
      },
      async untilWritten(what, check) {
        await until(what, async () => {
          await Promise.all(routers.filter((r) => r.api === api).flatMap((r) => [r.router.status?.idle(), r.router.ingressStatus?.idle(), r.router.ingressEvents?.idle(), r.router.gatewayStatus?.idle()]));
          return check();
        });
      },
      async untilStatus(namespace, name, what, check) {
        let last: RouteIngress[] = [];
        await until(`status of ${namespace}/${name}: ${what}`, async () => {
          // A write is logged by the fake on receipt and stored later: only the writers know when it has landed.
          await Promise.all(routers.filter((r) => r.api === api).flatMap((r) => [r.router.status?.idle(), r.router.ingressStatus?.idle(), r.router.ingressEvents?.idle(), r.router.gatewayStatus?.idle()]));
          last = storedIngress(api.server, namespace, name);
          return check(last);
        }).catch((err: Error) => {
          throw new Error(`${err.message}; stored status.ingress: ${JSON.stringify(last)}`);
        });
      },
    };
    routers.push(t);
    return t;
  }
}

async function waitUntil(
  router: RunningRouter,
  server: FakeApiServer,
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Armed before checking, so a commit or a request that lands while the check runs still wakes the next round.
    const wake = Promise.race([router.nextCommit(), nextRequest(server)]);
    if (await check()) return;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await orDeadline(wake, left);
  }
}

/** Resolves with the next request the fake receives (none of those it already logged). */
function nextRequest(server: FakeApiServer): Promise<RecordedRequest> {
  // waitForRequest first scans the log with the predicate; it only turns true once that scan is over.
  let armed = false;
  const next = server.waitForRequest(() => armed);
  armed = true;
  return next;
}

/** `p`, or the end of `ms`, whichever comes first; the timer never outlives the wait. */
async function orDeadline(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** A route as `oc create` would send it; `to` defaults to a service named like the route. */
export function routeObject(r: {
  name: string;
  host: string;
  namespace?: string;
  service?: string;
  labels?: Record<string, string>;
  creationTimestamp?: string;
}): KubeObject {
  return {
    kind: 'Route',
    metadata: {
      name: r.name,
      namespace: r.namespace ?? 'default',
      ...(r.labels ? { labels: r.labels } : {}),
      ...(r.creationTimestamp ? { creationTimestamp: r.creationTimestamp } : {}),
    },
    spec: { host: r.host, to: { kind: 'Service', name: r.service ?? r.name, weight: 100 }, wildcardPolicy: 'None' },
  };
}

export function serviceObject(name: string, namespace = 'default'): KubeObject {
  return {
    kind: 'Service',
    metadata: { name, namespace },
    spec: { type: 'ClusterIP', ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }] },
  };
}

/** An EndpointSlice of `service` with one ready endpoint per address, all on `port` (named `http`). */
export function sliceObject(s: { service: string; port: number; addresses?: string[]; namespace?: string; addressType?: 'IPv4' | 'IPv6' }): KubeObject {
  return {
    kind: 'EndpointSlice',
    // Named as the EndpointSlice controller names them: the service and a random suffix.
    metadata: { name: `${s.service}-abcde`, namespace: s.namespace ?? 'default', labels: { 'kubernetes.io/service-name': s.service } },
    addressType: s.addressType ?? 'IPv4',
    endpoints: (s.addresses ?? ['127.0.0.1']).map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    ports: [{ name: 'http', port: s.port, protocol: 'TCP' }],
  };
}

export function namespaceObject(name: string, labels: Record<string, string> = {}): KubeObject {
  return { kind: 'Namespace', metadata: { name, labels } };
}

/** Service, EndpointSlice (127.0.0.1:port) and Route for one app, created in that order as a deployment would. */
export function createApp(server: FakeApiServer, app: { name: string; host: string; port: number; namespace?: string; labels?: Record<string, string> }): void {
  const namespace = app.namespace ?? 'default';
  server.create(serviceObject(app.name, namespace));
  server.create(sliceObject({ service: app.name, port: app.port, namespace }));
  server.create(routeObject({ name: app.name, host: app.host, namespace, ...(app.labels ? { labels: app.labels } : {}) }));
}

/** Applies `edit` to a stored object and writes it back (a MODIFIED event). */
export function modify(server: FakeApiServer, kind: StoredKind, namespace: string | undefined, name: string, edit: (obj: KubeObject) => void): KubeObject {
  const obj = server.get(kind, namespace, name);
  if (!obj) throw new Error(`${kind} ${namespace ?? ''}/${name} does not exist`);
  edit(obj);
  return server.update(obj);
}

/** The stored route's `status.ingress` ([] when it has none). */
export function storedIngress(server: FakeApiServer, namespace: string, name: string): RouteIngress[] {
  const status = server.get('Route', namespace, name)?.status as { ingress?: RouteIngress[] } | undefined;
  return status?.ingress ?? [];
}

/** The PUT and PATCH requests on one route's status subresource. */
export function statusWrites(server: FakeApiServer, namespace: string, name: string): RecordedRequest[] {
  const path = `/apis/route.openshift.io/v1/namespaces/${namespace}/routes/${name}/status`;
  return server.requests.filter((r) => r.path === path && (r.method === 'PUT' || r.method === 'PATCH'));
}

/** The `ip:port` of every server of `backend` in haproxy.config text; undefined when there is no such backend. */
export function backendServers(config: string, backend: string): string[] | undefined {
  const lines = config.split('\n');
  // `backend <name> from <defaults>` for route backends.
  const start = lines.findIndex((l) => l === `backend ${backend}` || l.startsWith(`backend ${backend} `));
  if (start < 0) return undefined;
  const servers: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith(' ')) break;
    const m = /^\s+server \S+ (\S+)/.exec(line);
    if (m?.[1]) servers.push(m[1]);
  }
  return servers;
}

/** Sends requests until every named backend has answered at least once; the default balance is random. */
export async function backendsReached(t: KubeTestRouter, host: string, want: readonly string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  // 40 tries miss one of two equally likely backends with probability 2^-39.
  for (let i = 0; i < 40 && !want.every((b) => seen.has(b)); i++) {
    const res = await t.get(host);
    if (res.backend) seen.add(res.backend);
  }
  return seen;
}

/** `host/path` -> the backend that answers, or the status. */
export async function answersTo(t: KubeTestRouter, requests: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const r of requests) {
    const slash = r.indexOf('/');
    const res = await t.get(r.slice(0, slash), r.slice(slash));
    out[r] = res.status === 200 ? (res.backend ?? '?') : String(res.status);
  }
  return out;
}
