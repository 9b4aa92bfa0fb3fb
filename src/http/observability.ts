/**
 * The health and metrics endpoints, started before the sources sync so
 * that readiness can say "not yet", and stopped with the router's intake.
 * With --metrics-type=haproxy the router serves them; otherwise haproxy's
 * stats page does (rendered from the config settings), and this has
 * nothing to run.
 */
import type { CommitObserver } from '../commit/outcome.ts';
import type { ConfigModel } from '../config/model.ts';
import type { StatsAuth } from '../config/stats-page.ts';
import { readShowStat } from '../haproxy/runtime-api/show-stat.ts';
import type { ShutdownState } from '../lifecycle/shutdown.ts';
import type { Logger } from '../log.ts';
import type { ListenOptions, StatsOptions } from '../options.ts';
import { endpointHandler } from './endpoints.ts';
import { conditionCheck } from './health.ts';
import { HaproxyStats } from './metrics/haproxy-stats.ts';
import { routerMetrics } from './metrics/router-metrics.ts';
import type { RouteOfBackend } from './metrics/stat-labels.ts';
import { adminSocketCheck, httpBackendCheck, proxyHttpBackendCheck, publicHealthUrl } from './probes.ts';
import { listenPlainAndTls, serverError, type Handler, type ListeningServer } from './tls-mux.ts';

export interface Observability {
  readonly observe: CommitObserver;
  /** The first configuration serves: readiness may pass from now on, until `shutdown` begins. */
  serving(shutdown: ShutdownState): void;
  stop(): Promise<void>;
}

export interface ObservabilityDeps {
  stats: StatsOptions;
  /** The public frontends, which readiness asks by default. */
  publicListen: ListenOptions;
  auth: StatsAuth | undefined;
  adminSocket: string;
  /** Where the TLS front's unix sockets go (the working dir's run/). */
  socketDir: string;
  /** Whether the router has started haproxy (before that, its admin socket cannot answer). */
  haproxyStarted(): boolean;
  logger: Logger;
}

const NOTHING: Observability = { observe: () => {}, serving: () => {}, stop: async () => {} };

function listenPlain(host: string, port: number, fetch: Handler, log: Logger): ListeningServer {
  const server = Bun.serve({ hostname: host || '0.0.0.0', port, fetch, error: serverError(log) });
  return { stop: () => server.stop(true) };
}

/** Which route each backend of the running model serves, built once per model. */
function routesOfBackends(): { update(model: ConfigModel): void; routeOf(): RouteOfBackend } {
  let model: ConfigModel | undefined;
  let byName: ReadonlyMap<string, string> | undefined;
  return {
    update(m) {
      if (m === model) return;
      model = m;
      byName = undefined;
    },
    routeOf() {
      if (model && byName === undefined) byName = new Map(model.backends.map((b) => [b.name, b.routeKey]));
      const names = byName;
      return (backend) => names?.get(backend);
    },
  };
}

export async function startObservability(deps: ObservabilityDeps): Promise<Observability> {
  const { stats, logger } = deps;
  const log = logger.withTag('http');
  const listen = stats.listen;
  const where = listen && `${listen.host.includes(':') ? `[${listen.host}]` : listen.host || '*'}:${listen.port}`;
  if (!listen || stats.server !== 'router') {
    if (listen) log.info(`haproxy serves /healthz${deps.auth ? ' and its stats page' : ''} on ${where}`);
    return NOTHING;
  }
  const metrics = routerMetrics();
  const backends = routesOfBackends();
  let running: ConfigModel | undefined;
  const haproxy = new HaproxyStats({
    read: () => readShowStat(deps.adminSocket, stats.scrape.timeoutMs),
    scrape: stats.scrape,
    routeOf: backends.routeOf,
    maxConnections: () => running?.settings.maxConnections,
    logger: log,
  });
  let shutdown: ShutdownState | undefined;
  const fetch = endpointHandler({
    live: [conditionCheck('controller', () => true, ''), ...(stats.adminSocketCheck ? [adminSocketCheck(deps.adminSocket, deps.haproxyStarted)] : [])],
    ready: [
      (deps.publicListen.proxyProtocol ? proxyHttpBackendCheck : httpBackendCheck)(stats.readyUrl ?? publicHealthUrl(deps.publicListen)),
      conditionCheck('has-synced', () => shutdown !== undefined, 'router not synced'),
      conditionCheck('process-running', () => !shutdown?.shuttingDown, 'process is terminating'),
    ],
    metrics: async () => (await metrics.registry.metrics()) + (await haproxy.metrics()),
    auth: deps.auth,
  });
  const server = stats.tls ? await listenPlainAndTls({ host: listen.host, port: listen.port, fetch, logger: log }, stats.tls, deps.socketDir) : listenPlain(listen.host, listen.port, fetch, log);
  log.info(`health and metrics on ${where} (${stats.tls ? 'HTTP and HTTPS' : 'HTTP'}; /metrics ${deps.auth ? 'with credentials' : 'without credentials, loopback only'})`);
  return {
    observe(outcome) {
      metrics.observe(outcome);
      if (outcome.running) {
        running = outcome.running;
        backends.update(outcome.running);
      }
    },
    serving: (state) => void (shutdown = state),
    stop: () => server.stop(),
  };
}
